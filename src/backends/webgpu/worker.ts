// The worker thread that owns the WebGPU device: an interpreter of program templates (protocol.ts) that
// encodes every dispatch of a call into one command encoder and submits once per message batch. It holds
// the buffer pool, the compiled pipelines and a bind-group cache; the main thread only sends plans.
//
// Loops (scan) are unrolled into the open encoder. whileLoop and cond read their predicate / branch index
// back here, in the worker (submit, map, continue): the main thread is not involved and keeps queueing.

/// <reference types="@webgpu/types" />

import { readFileSync, writeSync } from "node:fs";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { requestWebGpuDevice } from "./device.ts";
import { forceGc } from "./gc.ts";
import { BufferPool, type PooledBuffer, classBytes } from "./pool.ts";
import type { DeviceLimits, Hello, MemoryStats, Reply, Request, Step, Template } from "./protocol.ts";

const { syncPort, flag } = workerData as { syncPort: MessagePort; flag: SharedArrayBuffer };
const flagView = new Int32Array(flag);
const port = parentPort!;

/** Idle device memory the pool keeps for reuse. */
const MAX_POOLED_BYTES = 256 << 20;
/** Dispatches per command buffer before it is submitted (bounds encoder memory in long loops). */
const MAX_DISPATCHES_PER_SUBMIT = 16384;
const MAX_BIND_GROUPS = 1024;
/**
 * Each bind group holds a Vulkan descriptor set; lavapipe backs descriptor memory with its own mappings, and a
 * process has at most ~65k (vm.max_map_count): past that the driver crashes. Dropped GPUBindGroup wrappers are
 * tiny, so V8 would rarely collect them on its own: force a GC of this worker every so many creations.
 */
const GC_EVERY_BIND_GROUPS = 1024;
/** PLASTAX_WEBGPU_DEBUG=1 logs every pipeline's compile time. */
const DEBUG = process.env.PLASTAX_WEBGPU_DEBUG === "1";

interface LoadedTemplate {
  readonly tpl: Template;
  readonly consts: Map<number, { b: PooledBuffer; uniform: boolean }>;
}

class Executor {
  private readonly pool: BufferPool;
  /** Kernel parameters (bound as uniforms) live in slabs of their own: no dispatch binds a slab both ways. */
  private readonly uniforms: BufferPool;
  /** Copies between chunks of one slab go through here (WebGPU forbids copying a buffer to itself). */
  private bounce: GPUBuffer | null = null;
  private readonly bufs = new Map<number, PooledBuffer>();
  private readonly pipelines = new Map<number, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; dynamic: boolean; uniform: boolean[] }>();
  private readonly templates = new Map<number, LoadedTemplate>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly staging = new Map<number, GPUBuffer[]>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private epoch = 0;
  private dispatchesInEncoder = 0;
  private errors: string[] = [];
  private submits = 0;
  private bindGroupsCreated = 0;
  private dispatches = 0;

  constructor(private readonly device: GPUDevice) {
    const l = device.limits;
    this.pool = new BufferPool(
      (size) => device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }),
      MAX_POOLED_BYTES,
      Math.max(16, l.minStorageBufferOffsetAlignment, l.minUniformBufferOffsetAlignment),
      () => this.bindGroups.clear(),
    );
    this.uniforms = new BufferPool(
      (size) => device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      MAX_POOLED_BYTES,
      Math.max(16, l.minUniformBufferOffsetAlignment),
      () => this.bindGroups.clear(),
    );
    device.addEventListener("uncapturederror", (ev) => this.error((ev as GPUUncapturedErrorEvent).error.message));
    void device.lost.then((info) => this.error(`WebGPU device lost: ${info.message}`));
  }

  error(msg: string): void {
    if (this.errors.length < 20) this.errors.push(msg);
  }

  private takeErrors(): string[] {
    const e = this.errors;
    this.errors = [];
    return e;
  }

  // ---- encoding ----------------------------------------------------------------------------------------

  private enc(): GPUCommandEncoder {
    if (this.encoder === null) {
      this.encoder = this.device.createCommandEncoder();
      this.epoch++;
    }
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (this.pass === null) this.pass = this.enc().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Submit whatever has been encoded. */
  flush(): void {
    this.endPass();
    if (this.encoder !== null) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.dispatchesInEncoder = 0;
      this.submits++;
    }
    // Only now: buffers released while the encoder was open may be used by what was just submitted.
    this.pool.destroyReleased();
  }

  private use(b: PooledBuffer): GPUBuffer {
    b.epoch = this.epoch;
    return b.gpu;
  }

  /**
   * The bind group of a dispatch. With dynamic offsets (the usual case) it names only the buffers and binding
   * sizes, so every dispatch of a pipeline over chunks of the same slabs shares one.
   */
  private bindGroup(pipe: number, bufs: readonly PooledBuffer[]): GPUBindGroup {
    const p = this.pipelines.get(pipe);
    if (p === undefined) throw new Error(`webgpu worker: unknown pipeline ${pipe}`);
    const maxBinding = this.device.limits.maxStorageBufferBindingSize;
    const sizes = bufs.map((b) => Math.min(b.bytes, maxBinding));
    let key = `${pipe}`;
    for (let i = 0; i < bufs.length; i++) key += p.dynamic ? `:${bufs[i].serial}/${sizes[i]}` : `:${bufs[i].serial}@${bufs[i].offset}/${sizes[i]}`;
    let bg = this.bindGroups.get(key);
    if (bg === undefined) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.delete(this.bindGroups.keys().next().value!);
      if (++this.bindGroupsCreated % GC_EVERY_BIND_GROUPS === 0) forceGc();
      if (DEBUG && this.bindGroupsCreated % 8192 === 0) {
        const lines = readFileSync("/proc/self/maps", "utf8").split("\n");
        const hist = new Map<string, number>();
        for (const l of lines) {
          const [range, , , , , path] = l.split(/\s+/);
          if (!range) continue;
          const [a, b] = range.split("-").map((x) => parseInt(x, 16));
          const key = `${Math.round((b - a) / 1024)}K ${path ?? ""}`;
          hist.set(key, (hist.get(key) ?? 0) + 1);
        }
        const top = [...hist].sort((x, y) => y[1] - x[1]).slice(0, 4).map(([k, v]) => `${v}x ${k}`).join(", ");
        writeSync(2, `[webgpu] ${this.bindGroupsCreated} bind groups created, ${lines.length} mappings: ${top}\n`);
      }
      bg = this.device.createBindGroup({
        layout: p.layout,
        entries: bufs.map((b, i) => ({ binding: i, resource: { buffer: b.gpu, offset: p.dynamic ? 0 : b.offset, size: sizes[i] } })),
      });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  // ---- requests ----------------------------------------------------------------------------------------

  async handle(r: Request): Promise<void> {
    switch (r.op) {
      case "pipeline": {
        const t0 = performance.now();
        const module = this.device.createShaderModule({ code: r.code });
        // The bindings as the code generator declares them: storage (read or read_write), then the uniform.
        const kinds = [...r.code.matchAll(/@binding\((\d+)\) var<(storage, read_write|storage, read|uniform)>/g)].map((m) => m[2]);
        const lim = this.device.limits;
        const uniform = kinds.map((k) => k === "uniform");
        const nUniform = uniform.filter(Boolean).length;
        const dynamic = kinds.length - nUniform <= lim.maxDynamicStorageBuffersPerPipelineLayout && nUniform <= lim.maxDynamicUniformBuffersPerPipelineLayout;
        const layout = this.device.createBindGroupLayout({
          entries: kinds.map((k, i) => ({
            binding: i,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: k === "uniform" ? "uniform" : k === "storage, read" ? "read-only-storage" : "storage", hasDynamicOffset: dynamic },
          })),
        });
        const pipeline = this.device.createComputePipeline({
          layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
          compute: { module, entryPoint: "main" },
        });
        if (DEBUG) writeSync(2, `[webgpu] pipeline ${r.id}: ${(performance.now() - t0).toFixed(1)} ms, ${r.code.length} chars\n`);
        this.pipelines.set(r.id, { pipeline, layout, dynamic, uniform });
        void module.getCompilationInfo().then((info) => {
          for (const m of info.messages) {
            if (m.type === "error") this.error(`WGSL error at line ${m.lineNum}: ${m.message}\n${numbered(r.code)}`);
          }
        });
        return;
      }
      case "template": {
        const consts = new Map<number, { b: PooledBuffer; uniform: boolean }>();
        for (const c of r.tpl.consts) {
          const b = (c.uniform ? this.uniforms : this.pool).acquire(c.data.byteLength);
          this.write(b, c.data);
          consts.set(c.slot, { b, uniform: c.uniform });
        }
        this.templates.set(r.id, { tpl: r.tpl, consts });
        return;
      }
      case "dropTemplate": {
        const t = this.templates.get(r.id);
        if (t === undefined) return;
        for (const c of t.consts.values()) (c.uniform ? this.uniforms : this.pool).release(c.b);
        this.templates.delete(r.id);
        return;
      }
      case "run":
        return this.run(r.tpl, r.ins, r.outs);
      case "write": {
        const b = this.pool.acquire(r.bytes);
        if (r.data.byteLength > 0) this.write(b, r.data);
        this.bufs.set(r.id, b);
        return;
      }
      case "free": {
        const b = this.bufs.get(r.id);
        if (b === undefined) return;
        this.bufs.delete(r.id);
        this.pool.release(b);
        return;
      }
      case "read": {
        const b = this.bufs.get(r.id);
        if (b === undefined) {
          this.reply(r.sync, { req: r.req, errors: [...this.takeErrors(), `webgpu: read of unknown buffer ${r.id}`] });
          return;
        }
        // Not awaited: later requests keep encoding while this buffer maps.
        void this.readBack(b, r.bytes).then(
          (data) => this.reply(r.sync, { req: r.req, data, errors: this.takeErrors() }, [data]),
          (e) => this.reply(r.sync, { req: r.req, errors: [...this.takeErrors(), String(e)] }),
        );
        return;
      }
      case "stats":
        this.reply(r.sync, { req: r.req, stats: this.stats(), errors: this.takeErrors() });
        return;
      case "finish":
        this.flush();
        await this.device.queue.onSubmittedWorkDone();
        this.reply(r.sync, { req: r.req, errors: this.takeErrors() });
        return;
      case "trim":
        this.flush();
        this.pool.trim();
        for (const list of this.staging.values()) for (const s of list) s.destroy();
        this.staging.clear();
        return;
    }
  }

  private write(b: PooledBuffer, data: ArrayBuffer): void {
    // queue.writeBuffer runs before the open (unsubmitted) encoder's commands: if those still use this
    // recycled buffer, submit them first.
    if (b.epoch === this.epoch && this.encoder !== null) this.flush();
    this.device.queue.writeBuffer(b.gpu, b.offset, data);
  }

  reply(sync: boolean, msg: Reply, transfer: ArrayBuffer[] = []): void {
    if (sync) {
      syncPort.postMessage(msg, transfer);
      Atomics.store(flagView, 0, 1);
      Atomics.notify(flagView, 0);
    } else {
      port.postMessage(msg, transfer);
    }
  }

  private stats(): MemoryStats {
    return {
      liveBytes: this.pool.liveBytes,
      pooledBytes: this.pool.pooledBytes,
      liveBuffers: this.pool.liveBuffers,
      pooledBuffers: this.pool.pooledBuffers,
      slabBytes: this.pool.slabBytes,
      pipelines: this.pipelines.size,
      bindGroups: this.bindGroups.size,
      submits: this.submits,
      dispatches: this.dispatches,
    };
  }

  /** Copy `bytes` of a buffer into a fresh ArrayBuffer (submits what is pending). */
  private async readBack(b: PooledBuffer, bytes: number): Promise<ArrayBuffer> {
    if (bytes === 0) return new ArrayBuffer(0);
    const size = classBytes(bytes);
    const s = this.staging.get(size)?.pop() ?? this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.endPass();
    this.enc().copyBufferToBuffer(this.use(b), b.offset, s, 0, bytes);
    this.flush();
    try {
      await s.mapAsync(GPUMapMode.READ, 0, bytes);
      const out = s.getMappedRange(0, bytes).slice(0);
      s.unmap();
      let list = this.staging.get(size);
      if (list === undefined) this.staging.set(size, (list = []));
      if (list.length < 4) list.push(s);
      else s.destroy();
      return out;
    } catch (e) {
      s.destroy();
      throw e;
    }
  }

  // ---- templates ---------------------------------------------------------------------------------------

  private async run(id: number, ins: readonly number[], outs: readonly number[]): Promise<void> {
    const t = this.templates.get(id);
    if (t === undefined) throw new Error(`webgpu worker: unknown template ${id}`);
    const { tpl } = t;
    const slots: (PooledBuffer | undefined)[] = new Array(tpl.slotBytes.length);
    ins.forEach((bid, i) => {
      const b = this.bufs.get(bid);
      if (b === undefined) throw new Error(`webgpu worker: input buffer ${bid} is not alive`);
      slots[i] = b;
    });
    outs.forEach((bid, i) => {
      const b = this.pool.acquire(tpl.slotBytes[tpl.nInputs + i]);
      this.bufs.set(bid, b);
      slots[tpl.nInputs + i] = b;
    });
    for (const [slot, c] of t.consts) slots[slot] = c.b;
    const r = this.steps(tpl, tpl.steps, slots, 0);
    if (r !== undefined) await r;
  }

  /** Runs steps; returns a promise only when a step had to wait for a readback (while, cond). */
  private steps(tpl: Template, steps: readonly Step[], slots: (PooledBuffer | undefined)[], t: number): Promise<void> | undefined {
    for (let i = 0; i < steps.length; i++) {
      const r = this.step(tpl, steps[i], slots, t);
      if (r !== undefined) return r.then(() => this.steps(tpl, steps.slice(i + 1), slots, t));
    }
    return undefined;
  }

  private step(tpl: Template, s: Step, slots: (PooledBuffer | undefined)[], t: number): Promise<void> | undefined {
    const slot = (i: number): PooledBuffer => {
      const b = slots[i];
      if (b === undefined) throw new Error(`webgpu worker: slot ${i} used before allocation`);
      return b;
    };
    switch (s.k) {
      case "dispatch": {
        const bufs = s.slots.map(slot);
        // One array bound twice (x * x) would be two overlapping writable bindings, which WebGPU rejects:
        // bind a copy for the second.
        let copies: PooledBuffer[] | null = null;
        for (let i = 1; i < bufs.length; i++) {
          if (bufs.indexOf(bufs[i]) < i) {
            const c = this.pool.acquire(bufs[i].bytes);
            this.copyChunk(bufs[i], bufs[i].offset, c, c.offset, bufs[i].bytes);
            bufs[i] = c;
            (copies ??= []).push(c);
          }
        }
        const bg = this.bindGroup(s.pipe, bufs);
        const pass = this.computePass();
        for (const b of bufs) this.use(b);
        const p = this.pipelines.get(s.pipe)!;
        pass.setPipeline(p.pipeline);
        if (p.dynamic) pass.setBindGroup(0, bg, bufs.map((b) => b.offset));
        else pass.setBindGroup(0, bg);
        pass.dispatchWorkgroups(s.groups[0], s.groups[1], s.groups[2]);
        if (copies !== null) for (const c of copies) this.pool.release(c);
        this.dispatches++;
        if (++this.dispatchesInEncoder >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
        return undefined;
      }
      case "copy": {
        if (s.bytes === 0) return undefined;
        this.endPass();
        const src = slot(s.src);
        const dst = slot(s.dst);
        this.copyChunk(src, src.offset + s.srcOff + s.srcStep * t, dst, dst.offset + s.dstOff + s.dstStep * t, s.bytes);
        return undefined;
      }
      case "alloc":
        slots[s.slot] = this.pool.acquire(tpl.slotBytes[s.slot]);
        return undefined;
      case "free":
        this.pool.release(slot(s.slot));
        slots[s.slot] = undefined;
        return undefined;
      case "loop":
        return this.loop(tpl, s, slots, 0);
      case "while":
        return this.whileLoop(tpl, s, slots);
      case "cond":
        return this.readWord(slot(s.index)).then((w) => {
          const i = Math.max(0, Math.min(s.branches.length - 1, w | 0));
          return this.steps(tpl, s.branches[i], slots, t);
        });
    }
  }

  private loop(tpl: Template, s: Extract<Step, { k: "loop" }>, slots: (PooledBuffer | undefined)[], from: number): Promise<void> | undefined {
    for (let i = from; i < s.n; i++) {
      const r = this.steps(tpl, s.body, slots, s.reverse ? s.n - 1 - i : i);
      if (r !== undefined) return r.then(() => this.loop(tpl, s, slots, i + 1));
    }
    return undefined;
  }

  private async whileLoop(tpl: Template, s: Extract<Step, { k: "while" }>, slots: (PooledBuffer | undefined)[]): Promise<void> {
    for (;;) {
      await this.steps(tpl, s.cond, slots, 0);
      const b = slots[s.pred];
      if (b === undefined) throw new Error("webgpu worker: while predicate slot is empty");
      if ((await this.readWord(b)) === 0) return;
      await this.steps(tpl, s.body, slots, 0);
    }
  }

  /** Encode a copy between absolute byte offsets of two pooled buffers (which may share a slab). */
  private copyChunk(src: PooledBuffer, from: number, dst: PooledBuffer, to: number, bytes: number): void {
    this.endPass();
    if (src.gpu !== dst.gpu) {
      this.enc().copyBufferToBuffer(this.use(src), from, this.use(dst), to, bytes);
    } else {
      const tmp = this.bounceBuffer(bytes);
      this.enc().copyBufferToBuffer(this.use(src), from, tmp, 0, bytes);
      this.enc().copyBufferToBuffer(tmp, 0, this.use(dst), to, bytes);
    }
  }

  private bounceBuffer(bytes: number): GPUBuffer {
    if (this.bounce === null || this.bounce.size < bytes) {
      // The old one may still be used by encoded copies; WebGPU keeps it alive until they have run.
      this.bounce = this.device.createBuffer({ size: classBytes(Math.max(bytes, 1 << 16)), usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    }
    return this.bounce;
  }

  private async readWord(b: PooledBuffer): Promise<number> {
    return new Int32Array(await this.readBack(b, 4))[0];
  }
}

const numbered = (code: string) =>
  code
    .split("\n")
    .map((l, i) => `${String(i + 1).padStart(4)}  ${l}`)
    .join("\n");

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let device: GPUDevice;
  let adapter = "unknown adapter";
  try {
    device = await requestWebGpuDevice();
    const info = (device as unknown as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    if (info) adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(" / ");
  } catch (e) {
    const hello: Hello = { ready: false, error: e instanceof Error ? e.message : String(e) };
    port.postMessage(hello);
    return;
  }
  const l = device.limits;
  const limits: DeviceLimits = {
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
  const ex = new Executor(device);
  // Requests are handled strictly in order; a batch that waits (while, cond) holds back the next ones.
  let chain: Promise<void> = Promise.resolve();
  port.on("message", (batch: Request[]) => {
    chain = chain.then(async () => {
      for (const r of batch) {
        try {
          await ex.handle(r);
        } catch (e) {
          ex.error(e instanceof Error ? e.message : String(e));
          // A request someone is waiting for must be answered, or the main thread would sleep until timeout.
          if ("req" in r) ex.reply(r.sync, { req: r.req, errors: [] });
        }
      }
      ex.flush();
    });
  });
  // A software adapter (lavapipe, SwiftShader) runs workgroups on CPU threads: workgroup-memory kernels
  // gain nothing there and take seconds to compile, so the code generator avoids them.
  const cpu = /llvmpipe|lavapipe|swiftshader|software/i.test(adapter);
  const hello: Hello = { ready: true, limits, adapter, cpu };
  port.postMessage(hello);
}

void main();
