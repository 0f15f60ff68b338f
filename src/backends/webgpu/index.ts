// The WebGPU backend ("webgpu"): WGSL kernels generated from the shared scheduler's programs (schedule/),
// run by a worker thread that owns the Dawn device (worker.ts, through client.ts). May import core and
// backends/schedule only.
//
//   import { initWebGpu } from "plastax";   // src/index.ts re-exports the functions below
//   await initWebGpu();                 // once: starts the worker and gets the device
//   setDefaultBackend("webgpu");        // or jit(f, {backend: "webgpu"}), devicePut(x, "webgpu")
//
// Both eager ops and jit calls compile a program (cached: eager ops by primitive, params and shapes) and
// send one "run" request; the worker encodes all its dispatches into one command buffer. Buffers are freed
// without reference counting: a FinalizationRegistry returns the device memory of collected arrays to the
// pool, and the backend forces a major GC when device allocations pile up (V8 cannot see device memory).
// Finalizers run between tasks, so a long synchronous loop of eager ops keeps its garbage until it yields
// (await a timer turn) — or write the loop as jit/scan, whose temporaries are freed inside the call.
// `await x.data()` is the fast read; `x.dataSync()` blocks the main thread until the worker answers.

import type { ShapedArray } from "../../core/aval.ts";
import { type Backend, type Buffer, type Executable, registerBackend } from "../../core/backend.ts";
import { type DType, type TypedArray, typedArrayCtor } from "../../core/dtype.ts";
import * as H from "../../core/higherOrder.ts";
import { Jaxpr, Var } from "../../core/jaxpr.ts";
import type { Params, Primitive } from "../../core/primitive.ts";
import { prod } from "../../core/shape.ts";
import { lowerJaxpr } from "../schedule/lower.ts";
import type { Capabilities } from "../schedule/lower.ts";
import type { Program } from "../schedule/ir.ts";
import { Client, WebGpuError } from "./client.ts";
import { compileTemplate, deviceBytes } from "./compile.ts";
import { forceGc } from "./gc.ts";
import type { MemoryStats, Reply, Template } from "./protocol.ts";

/** A device buffer owned by one array. Arrays are immutable, so a host copy, once read, stays valid. */
export class GpuBuffer {
  host: TypedArray | undefined;
  constructor(
    readonly id: number,
    readonly bytes: number,
    readonly dtype: DType,
    readonly size: number,
  ) {}
}

/**
 * Device memory is invisible to V8, so a program making many device arrays from few JS objects would never
 * trigger the major GC that runs their finalizers. The backend therefore forces one (through a gc function
 * obtained without command-line flags) after this many new buffers, or this many new bytes, since the last.
 */
const GC_EVERY_BUFFERS = 8192;
const GC_EVERY_BYTES = 256 << 20;


/** Arrays at most this big keep a host copy of what was uploaded or read (scalars become IR literals often). */
const HOST_COPY_MAX = 1024;
/** Eager-op programs kept compiled. */
const EAGER_CACHE_MAX = 4096;

// The ALU ops and reductions codegen/alu.ts implements; anything newer in the shared IR becomes an opaque
// step with a kernel of its own (codegen/fallback.ts).
const ALU_OPS = new Set<string>([
  "neg", "exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "logistic", "sqrt", "rsqrt", "abs", "sign", "floor",
  "ceil", "round", "erf", "erfInv", "isFinite", "not", "add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2",
  "and", "or", "xor", "shiftLeft", "shiftRightLogical", "shiftRightArithmetic", "eq", "ne", "lt", "le", "gt", "ge",
  "select", "convert", "bitcast",
]);
const REDUCE_OPS = new Set<string>(["sum", "max", "min", "prod", "and", "or"]);
const CAPS: Capabilities = {
  alu: (op) => ALU_OPS.has(op),
  reduce: (op) => REDUCE_OPS.has(op),
  dot: () => true,
  controlFlow: true,
  scatter: false,
};

const NOT_READY =
  'the "webgpu" backend is not initialised: `await initWebGpu()` (exported by plastax) before ' +
  "using it. On a machine without a GPU, install the lavapipe software driver with `bash scripts/setup-webgpu.sh`.";

let client: Client | null = null;
let starting: Promise<Client> | null = null;

/** Start the device worker; must be awaited once before the backend is used. Safe to call again. */
export async function initWebGpu(): Promise<void> {
  starting ??= Client.start().catch((e) => {
    starting = null;
    const msg = e instanceof Error ? e.message : String(e);
    throw new WebGpuError(`initWebGpu: ${msg}${/setup-webgpu/.test(msg) ? "" : " (on Debian, `bash scripts/setup-webgpu.sh` installs a software adapter)"}`);
  });
  client = await starting;
}

/** Whether the WebGPU backend can run here (starts it when it can); never throws. */
export async function webgpuAvailable(): Promise<boolean> {
  try {
    await initWebGpu();
    return true;
  } catch {
    return false;
  }
}

function ready(): Client {
  if (client === null) throw new WebGpuError(NOT_READY);
  return client;
}

/** Device memory in use and pooled, plus counters (a synchronous round trip to the worker). */
export function webgpuMemoryStats(): MemoryStats {
  return ready().stats();
}

/** Resolves when the device has finished everything submitted so far (for timing). */
export async function webgpuFinish(): Promise<void> {
  await ready().finish();
}

/** Return the pool's idle buffers to the driver. */
export function webgpuTrim(): void {
  ready().send({ op: "trim" });
}

export interface WebGpuOptions {
  /**
   * Kernels that stage data in workgroup memory (the tiled matmul). Default: on for GPUs, off for software
   * adapters (lavapipe), where they are no faster and each takes seconds to compile.
   */
  readonly sharedMemory?: boolean;
  /** Bind at most this many storage buffers per kernel (default: the device's limit; lower it to test packing). */
  readonly maxBindings?: number;
}

let options: WebGpuOptions = {};

/** Change code-generation options; programs compiled from now on use them. */
export function setWebGpuOptions(o: WebGpuOptions): void {
  options = { ...options, ...o };
  (instance as WebGpuBackend | null)?.clearCaches();
}

/** The adapter the worker uses, e.g. "mesa / llvmpipe / ...". */
export function webgpuAdapter(): string {
  return ready().adapter;
}

/** Whether the adapter is a software rasteriser on the CPU (lavapipe, SwiftShader): correct, not fast. */
export function webgpuIsSoftware(): boolean {
  return ready().cpu;
}

// ---------------------------------------------------------------------------------------------------------

class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  private nextId = 1;
  private nextTemplate = 1;
  private readonly pipelines = new Map<string, number>();
  private readonly freed = new FinalizationRegistry<number>((id) => {
    this.freedSinceGc++;
    this.c.send({ op: "free", id });
  });
  private buffersSinceGc = 0;
  private bytesSinceGc = 0;
  private freedSinceGc = 0;
  private gcInterval = GC_EVERY_BUFFERS;
  private readonly dropped = new FinalizationRegistry<number>((id) => this.c.send({ op: "dropTemplate", id }));
  private compiled = new WeakMap<Jaxpr, Executable>();
  private readonly eager = new Map<string, Executable>();
  private readonly jaxprIds = new WeakMap<Jaxpr, number>();

  constructor(private readonly c: Client) {}

  clearCaches(): void {
    this.compiled = new WeakMap();
    this.eager.clear();
  }

  private newBuffer(aval: ShapedArray): GpuBuffer {
    const size = prod(aval.shape);
    const b = new GpuBuffer(this.nextId++, deviceBytes(size), aval.dtype, size);
    this.freed.register(b, b.id);
    this.buffersSinceGc++;
    this.bytesSinceGc += b.bytes;
    const scale = this.gcInterval / GC_EVERY_BUFFERS;
    if (this.buffersSinceGc >= this.gcInterval || this.bytesSinceGc >= GC_EVERY_BYTES * scale) {
      // A program that keeps what it allocates gains nothing from collecting: collect less often then.
      const useful = this.freedSinceGc >= this.buffersSinceGc / 4;
      this.gcInterval = useful ? GC_EVERY_BUFFERS : Math.min(this.gcInterval * 2, 1 << 20);
      this.buffersSinceGc = 0;
      this.bytesSinceGc = 0;
      this.freedSinceGc = 0;
      forceGc();
    }
    return b;
  }

  fromHost(data: TypedArray, aval: ShapedArray): Buffer {
    const b = this.newBuffer(aval);
    const words = data instanceof Uint8Array ? Uint32Array.from(data) : data.slice();
    if (b.size <= HOST_COPY_MAX) b.host = data;
    this.c.send({ op: "write", id: b.id, bytes: b.bytes, data: words.buffer as ArrayBuffer }, words.buffer as ArrayBuffer);
    return b;
  }

  toHost(buf: Buffer, aval: ShapedArray): TypedArray {
    const b = buf as GpuBuffer;
    if (b.host !== undefined) return b.host.slice();
    const r = this.c.requestSync<Extract<Reply, { data: ArrayBuffer }>>((req) => ({ op: "read", id: b.id, bytes: b.bytes, req, sync: true }));
    return this.hostValue(b, r.data, aval.dtype);
  }

  async toHostAsync(buf: Buffer, aval: ShapedArray): Promise<TypedArray> {
    const b = buf as GpuBuffer;
    if (b.host !== undefined) return b.host.slice();
    const r = await this.c.request<Extract<Reply, { data: ArrayBuffer }>>((req) => ({ op: "read", id: b.id, bytes: b.bytes, req, sync: false }));
    return this.hostValue(b, r.data, aval.dtype);
  }

  private hostValue(b: GpuBuffer, data: ArrayBuffer, dtype: DType): TypedArray {
    const v: TypedArray = dtype === "bool" ? Uint8Array.from(new Uint32Array(data)) : new (typedArrayCtor(dtype))(data);
    if (b.size <= HOST_COPY_MAX) {
      b.host = v;
      return v.slice();
    }
    return v;
  }

  execute(p: Primitive, params: Params, inputs: readonly Buffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): Buffer[] {
    if (p === H.jitP || p === H.checkpointP || p === H.customJvpCallP || p === H.customVjpCallP) {
      return this.compile(params.jaxpr as Jaxpr)(inputs);
    }
    if (p === H.customLinP) {
      throw new TypeError(
        `can't apply forward-mode autodiff (jvp) to a customVjp function (${params.name}); use reverse mode (grad/vjp), ` +
          `or define the function with customJvp instead`,
      );
    }
    const key = `${p.name}|${this.paramsKey(params)}|${inAvals.map(avalKey).join(",")}`;
    let exe = this.eager.get(key);
    if (exe === undefined) {
      const invars = inAvals.map((a) => new Var(a));
      const outvars = outAvals.map((a) => new Var(a));
      exe = this.build(new Jaxpr(invars, [{ primitive: p, inputs: invars, params, outvars }], outvars));
      if (this.eager.size >= EAGER_CACHE_MAX) this.eager.delete(this.eager.keys().next().value!);
      this.eager.set(key, exe);
    }
    return exe(inputs);
  }

  compile(jaxpr: Jaxpr): Executable {
    let exe = this.compiled.get(jaxpr);
    if (exe === undefined) {
      exe = this.build(jaxpr);
      this.compiled.set(jaxpr, exe);
    }
    return exe;
  }

  /** Lower, generate and register a program; the executable sends one run request per call. */
  private build(jaxpr: Jaxpr): Executable {
    const program: Program = lowerJaxpr(jaxpr, CAPS);
    const limits = {
      maxBindings: Math.min(options.maxBindings ?? Infinity, this.c.limits.maxStorageBuffersPerShaderStage),
      maxGroupsPerDim: this.c.limits.maxComputeWorkgroupsPerDimension,
      sharedMemory: options.sharedMemory ?? !this.c.cpu,
    };
    const tpl: Template = compileTemplate(program, limits, (code) => this.pipeline(code));
    const id = this.nextTemplate++;
    this.c.send({ op: "template", id, tpl });
    const outAvals = jaxpr.outAvals;
    const exe: Executable = (inputs) => {
      const outs = outAvals.map((a) => this.newBuffer(a));
      this.c.send({ op: "run", tpl: id, ins: (inputs as GpuBuffer[]).map((b) => b.id), outs: outs.map((b) => b.id) });
      return outs;
    };
    this.dropped.register(exe, id);
    return exe;
  }

  private pipeline(code: string): number {
    let id = this.pipelines.get(code);
    if (id === undefined) {
      id = this.pipelines.size + 1;
      this.pipelines.set(code, id);
      this.c.send({ op: "pipeline", id, code });
    }
    return id;
  }

  /** Params as a cache key; jaxprs (higher-order primitives) by identity. */
  private paramsKey(params: Params): string {
    for (const _ in params) {
      return this.paramsJson(params);
    }
    return "";
  }

  private paramsJson(params: Params): string {
    return JSON.stringify(params, (_k, v) => {
      if (v instanceof Jaxpr) {
        let id = this.jaxprIds.get(v);
        if (id === undefined) this.jaxprIds.set(v, (id = this.jaxprIds.get(v) ?? nextJaxprId++));
        return `jaxpr#${id}`;
      }
      if (typeof v === "function") throw new Error("webgpu: a function-valued param reached the eager cache");
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      return v;
    });
  }
}

let nextJaxprId = 1;
const avalKey = (a: ShapedArray) => `${a.dtype}[${a.shape.join(",")}]`;

let instance: WebGpuBackend | null = null;
registerBackend("webgpu", () => (instance = new WebGpuBackend(ready())));

export { WebGpuError };
export type { MemoryStats };
