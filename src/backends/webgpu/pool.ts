// Device memory by size class, recycled LIFO. Arrays come and go by the thousand in eager code; creating a
// GPUBuffer costs far more than popping a free list.
//
// Small arrays (up to SLAB_MAX bytes) are chunks of large slab buffers, bound with dynamic offsets (see
// worker.ts): a dispatch then binds the same few slabs every time, so its bind group is created once and
// reused, instead of once per dispatch. That matters twice on lavapipe: a bind group costs ~70 us to create,
// and every live descriptor set holds a memory mapping, of which a process has at most ~65k.

/// <reference types="@webgpu/types" />

export interface PooledBuffer {
  readonly gpu: GPUBuffer;
  /** Byte offset of this chunk in `gpu` (0 for buffers of their own). */
  readonly offset: number;
  /** Size-class bytes: what may be bound. */
  readonly bytes: number;
  /** Identifies `gpu`, for bind-group cache keys. */
  readonly serial: number;
  /** The worker's command-encoder epoch this buffer was last used in (see worker.ts: writes). */
  epoch: number;
}

/** Chunks up to this size live in slabs. */
export const SLAB_MAX = 64 << 10;
const SLAB_BYTES = 4 << 20;

/** Size classes: multiples of `align` up to 4 `align`, then four per power of two (at most 25% waste). */
export function classBytes(bytes: number, align = 16): number {
  const b = Math.max(bytes, 4);
  if (b <= 4 * align) return Math.ceil(b / align) * align;
  const e = Math.ceil(Math.log2(b)) - 1; // 2^e < b <= 2^(e+1)
  const quarter = 2 ** e / 4;
  const c = 2 ** e + Math.ceil((b - 2 ** e) / quarter) * quarter;
  return Math.ceil(c / align) * align;
}

export class BufferPool {
  private readonly free = new Map<number, PooledBuffer[]>();
  /**
   * Released buffers over the pool's limit, waiting to be destroyed: the worker's open command encoder may still
   * use them, and a buffer destroyed before its commands are submitted fails the whole submit. Destroying after
   * the submit is safe (WebGPU keeps it alive until submitted work completes): the worker calls destroyReleased.
   */
  private readonly doomed: GPUBuffer[] = [];
  private serial = 0;
  liveBytes = 0;
  liveBuffers = 0;
  pooledBytes = 0;
  pooledBuffers = 0;
  slabBytes = 0;

  constructor(
    private readonly create: (bytes: number) => GPUBuffer,
    /** Idle bytes of buffers of their own kept for reuse; those released beyond it are destroyed. */
    private readonly maxPooledBytes: number,
    /** Offset alignment of chunks (the device's storage/uniform binding offset alignment). */
    readonly align: number,
    private readonly onDestroy: () => void = () => {},
  ) {}

  acquire(bytes: number): PooledBuffer {
    const size = classBytes(bytes, this.align);
    let b = this.free.get(size)?.pop();
    if (b !== undefined) {
      this.pooledBytes -= size;
      this.pooledBuffers--;
    } else if (size <= SLAB_MAX) {
      b = this.newSlab(size);
    } else {
      b = { gpu: this.create(size), offset: 0, bytes: size, serial: this.serial++, epoch: -1 };
    }
    this.liveBytes += size;
    this.liveBuffers++;
    return b;
  }

  /** Carve a new slab into chunks of `size`: return one, pool the rest. */
  private newSlab(size: number): PooledBuffer {
    const n = Math.max(1, Math.floor(SLAB_BYTES / size));
    const gpu = this.create(n * size);
    const serial = this.serial++;
    this.slabBytes += n * size;
    const list = this.list(size);
    for (let i = n - 1; i >= 1; i--) list.push({ gpu, offset: i * size, bytes: size, serial, epoch: -1 });
    this.pooledBytes += (n - 1) * size;
    this.pooledBuffers += n - 1;
    return { gpu, offset: 0, bytes: size, serial, epoch: -1 };
  }

  private list(size: number): PooledBuffer[] {
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    return list;
  }

  release(b: PooledBuffer): void {
    this.liveBytes -= b.bytes;
    this.liveBuffers--;
    if (b.bytes > SLAB_MAX && this.pooledBytes + b.bytes > this.maxPooledBytes) {
      this.doomed.push(b.gpu);
      return;
    }
    this.list(b.bytes).push(b);
    this.pooledBytes += b.bytes;
    this.pooledBuffers++;
  }

  /** Destroy the buffers released over the limit; call once what was encoded with them is submitted. */
  destroyReleased(): void {
    if (this.doomed.length === 0) return;
    for (const g of this.doomed) g.destroy();
    this.doomed.length = 0;
    this.onDestroy();
  }

  /** Destroy every idle buffer of its own (slabs stay: their chunks may be live); call after a submit. */
  trim(): void {
    this.destroyReleased();
    for (const [size, list] of this.free) {
      if (size <= SLAB_MAX) continue;
      for (const b of list) b.gpu.destroy();
      this.pooledBytes -= size * list.length;
      this.pooledBuffers -= list.length;
      this.free.delete(size);
    }
    this.onDestroy();
  }
}
