// The CPU backend's memory: one WebAssembly.Memory (shared when worker threads are on) holding every
// buffer, a size-class allocator with free lists, and a FinalizationRegistry that returns the memory of
// buffers whose arrays were garbage collected — users never count references.
//
// Engines run finalization callbacks between tasks, so a long synchronous loop would keep its garbage until
// it yields. Where V8 allows it (features.ts), the allocator reclaims synchronously before growing the memory:
// run pending finalizers (cleanupSome), and if that is not enough, collect the young generation (cheap: the
// arrays of a loop die young), then everything, before asking for more pages.

/** Bytes below this address are never handed out: 0 stays an invalid pointer; thread control lives here. */
export const RESERVED_BYTES = 64 * 1024;
export const CONTROL_BASE = 1024;
const PAGE = 65536;
const MAX_PAGES = 65536;

/** An owned allocation in the backend's memory. Arrays hold these; unreachable ones are freed by the GC. */
export class CpuBuffer {
  constructor(
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}

// Size classes: multiples of 16 up to 256 bytes, then four classes per power of two (<= 25% waste).
function classOf(bytes: number): number {
  if (bytes <= 256) return Math.max(0, Math.ceil(bytes / 16) - 1); // classes 0..15
  const e = Math.ceil(Math.log2(bytes)) - 1; // 2^e < bytes <= 2^(e+1)
  const q = Math.ceil((bytes / 2 ** e - 1) * 4); // 1..4 quarters above 2^e
  return 16 + (e - 8) * 4 + (q - 1);
}
function classBytes(c: number): number {
  if (c < 16) return (c + 1) * 16;
  const e = Math.floor((c - 16) / 4) + 8;
  const q = ((c - 16) % 4) + 1;
  return 2 ** e + (2 ** e / 4) * q;
}

type CleanupSome = { cleanupSome?: () => void };

/** Memory already reserved before a growth considers collecting garbage first (bytes). */
const MINOR_GC_FLOOR = 64 << 20;
const FULL_GC_FLOOR = 512 << 20;

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top = RESERVED_BYTES;
  private readonly free: number[][] = [];
  private readonly registry: FinalizationRegistry<number>;
  /** Live bytes by class (allocated and not yet freed), for tests and stats. */
  liveBytes = 0;
  private buf: ArrayBufferLike;
  private readonly maxPages: number;
  f32!: Float32Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  u8!: Uint8Array;

  constructor(
    readonly shared: boolean,
    registry: typeof FinalizationRegistry = FinalizationRegistry,
    private readonly collect: ((minor: boolean) => void) | null = null,
    initialBytes = 32 << 20,
    /** Address space limit (WebAssembly's 4 GiB; smaller in tests). */
    maxBytes = MAX_PAGES * PAGE,
  ) {
    const initial = Math.ceil(initialBytes / PAGE);
    this.maxPages = Math.min(MAX_PAGES, Math.floor(maxBytes / PAGE));
    this.memory = new WebAssembly.Memory({ initial, maximum: this.maxPages, shared } as WebAssembly.MemoryDescriptor);
    this.buf = this.memory.buffer;
    this.refresh();
    this.registry = new registry((held: number) => this.release(held));
  }

  /** Typed views over the whole memory; call after anything that may have grown it. */
  refresh(): void {
    const b = this.memory.buffer;
    if (b === this.buf && this.f32 !== undefined) return;
    this.buf = b;
    this.f32 = new Float32Array(b);
    this.i32 = new Int32Array(b);
    this.u32 = new Uint32Array(b);
    this.u8 = new Uint8Array(b);
  }

  /** Blocks handed out from a larger size class than requested: their real class, for freeing. */
  private readonly oversized = new Map<number, number>();
  /** Reserved bytes when garbage was last collected (throttles collections while the memory grows). */
  private minorMark = 0;
  private fullMark = 0;

  /** A raw allocation (16-byte aligned, 64 for large blocks); pair with freeRaw(ptr, bytes). */
  malloc(bytes: number): number {
    return this.take(classOf(bytes))[0];
  }

  /** A block of class c: a freed one of that class, else one up to 4x larger, else fresh memory. */
  private take(c: number): [number, number] {
    const list = this.free[c];
    if (list !== undefined && list.length > 0) {
      this.liveBytes += classBytes(c);
      return [list.pop()!, c];
    }
    for (let k = c + 1; k <= c + 8; k++) {
      const l = this.free[k];
      if (l !== undefined && l.length > 0) {
        const ptr = l.pop()!;
        this.oversized.set(ptr, k);
        this.liveBytes += classBytes(k);
        return [ptr, k];
      }
    }
    this.liveBytes += classBytes(c);
    return [this.bump(c), c];
  }

  private bump(c: number): number {
    const size = classBytes(c);
    if (size >= 1024) this.top = Math.ceil(this.top / 64) * 64; // (no bitwise ops: addresses reach 2^32)
    let ptr = this.top;
    if (ptr + size > this.memory.buffer.byteLength) {
      const reused = this.reclaim(c);
      if (reused !== null) return reused; // (liveBytes already counts class c)
      if (!this.canGrow(ptr + size)) {
        const carved = this.compact(c);
        if (carved !== null) return carved;
        ptr = size >= 1024 ? Math.ceil(this.top / 64) * 64 : this.top;
      }
      if (ptr + size > this.memory.buffer.byteLength) this.grow(ptr + size);
    }
    this.top = ptr + size;
    return ptr;
  }

  /** Return the blocks of collected buffers to the free lists now (where the engine offers cleanupSome). */
  private runFinalizers(): void {
    (this.registry as unknown as CleanupSome).cleanupSome?.();
  }

  private canGrow(needed: number): boolean {
    return Math.ceil(needed / PAGE) <= this.maxPages;
  }

  /**
   * The last resort before running out of address space. Free lists are per size class and never merge, so a
   * long run of programs of many sizes (a 4096² matmul, then a GB-sized gradient arena, ...) can strand most of
   * the memory in blocks too small for the next request. Collect everything, merge adjacent free blocks, give
   * a free run that ends at the bump pointer back to it, and carve a block of class c from the first run that
   * fits (the rest of every run goes back to the free lists as class-sized pieces). Returns the block or null.
   */
  private compact(c: number): number | null {
    this.collect?.(false);
    this.runFinalizers();
    const blocks: [number, number][] = [];
    this.free.forEach((list, k) => {
      for (const ptr of list) blocks.push([ptr, classBytes(k)]);
    });
    this.free.length = 0;
    blocks.sort((a, b) => a[0] - b[0]);
    const runs: [number, number][] = [];
    for (const [ptr, n] of blocks) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[0] + last[1] === ptr) last[1] += n;
      else runs.push([ptr, n]);
    }
    const tail = runs[runs.length - 1];
    if (tail !== undefined && tail[0] + tail[1] === this.top) {
      this.top = tail[0];
      runs.pop();
    }
    const need = classBytes(c);
    let got: number | null = null;
    for (const [start, n] of runs) {
      const at = need >= 1024 ? Math.ceil(start / 64) * 64 : start;
      if (got === null && at + need <= start + n) {
        got = at;
        this.scatter(start, at - start);
        this.scatter(at + need, start + n - at - need);
      } else {
        this.scatter(start, n);
      }
    }
    return got;
  }

  /** Return [ptr, ptr + n) (16-aligned, n a multiple of 16) to the free lists as class-sized blocks. */
  private scatter(ptr: number, n: number): void {
    while (n >= 16) {
      let k = classOf(n);
      if (classBytes(k) > n) k--;
      // Blocks of 1 KiB and more start on 64 bytes (as bump allocation places them): pad with a small block.
      if (classBytes(k) >= 1024 && ptr % 64 !== 0) k = classOf(64 - (ptr % 64));
      (this.free[k] ??= []).push(ptr);
      ptr += classBytes(k);
      n -= classBytes(k);
    }
  }

  /**
   * Before growing: run pending finalizers, then collect garbage if a lot has been reserved since the last
   * collection (so a growing program is not collected at every allocation); a freed block of class c, or null.
   */
  private reclaim(c: number): number | null {
    const cleanup = () => {
      this.runFinalizers();
      const list = this.free[c];
      return list !== undefined && list.length > 0 ? list.pop()! : null;
    };
    let r = cleanup();
    if (r === null && this.collect && this.top >= MINOR_GC_FLOOR && this.top - this.minorMark >= MINOR_GC_FLOOR / 2) {
      this.minorMark = this.top;
      this.collect(true);
      r = cleanup();
      if (r === null && this.top >= FULL_GC_FLOOR && this.top - this.fullMark >= Math.max(FULL_GC_FLOOR / 2, this.top / 4)) {
        this.fullMark = this.top;
        this.collect(false);
        r = cleanup();
      }
    }
    return r;
  }

  private grow(needed: number): void {
    const have = this.memory.buffer.byteLength;
    const want = Math.max(needed, have + Math.floor(have / 2));
    const pages = Math.min(this.maxPages, Math.ceil(want / PAGE)) - have / PAGE;
    if (have / PAGE + pages < Math.ceil(needed / PAGE)) {
      const limit = this.maxPages === MAX_PAGES ? "4 GiB" : `${(this.maxPages * PAGE) / 2 ** 20} MiB`;
      throw new RangeError(
        `cpu backend: out of memory (need ${needed} bytes; the WebAssembly memory is limited to ${limit}, ${this.liveBytes} bytes are live); ` +
          "programs that need more run on the reference backend (jit(f, {backend: 'reference'}))",
      );
    }
    this.memory.grow(pages);
    this.refresh();
  }

  freeRaw(ptr: number, bytes: number): void {
    let c = classOf(bytes);
    const big = this.oversized.get(ptr);
    if (big !== undefined) {
      c = big;
      this.oversized.delete(ptr);
    }
    this.liveBytes -= classBytes(c);
    (this.free[c] ??= []).push(ptr);
  }

  /** A buffer owned by the garbage collector: freed once the returned object is unreachable. */
  alloc(bytes: number): CpuBuffer {
    const [ptr, c] = this.take(classOf(bytes));
    this.oversized.delete(ptr); // the class travels in the held value
    const b = new CpuBuffer(ptr, bytes);
    // Held value packs the pointer (16-aligned) and the size class into one number.
    this.registry.register(b, (ptr / 16) * 256 + c);
    return b;
  }

  private release(held: number): void {
    const c = held % 256;
    const ptr = Math.floor(held / 256) * 16;
    this.liveBytes -= classBytes(c);
    (this.free[c] ??= []).push(ptr);
  }

  /** Bytes obtained from the memory so far (high-water mark of the bump pointer). */
  get reservedBytes(): number {
    return this.top - RESERVED_BYTES;
  }
}

export const sizeClassBytes = (bytes: number): number => classBytes(classOf(bytes));
