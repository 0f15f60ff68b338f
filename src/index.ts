// plastax's public entry: import { np, lax, random, nn, optim, envs, rl, grad, vmap, jit } from "plastax".
import "./backends/reference/index.ts";
import "./backends/cpu/index.ts";
// Registers "webgpu"; nothing touches Dawn until `await initWebGpu()`.
export { initWebGpu, webgpuAvailable, webgpuAdapter, webgpuIsSoftware, webgpuMemoryStats, setWebGpuOptions, WebGpuError, type WebGpuOptions } from "./backends/webgpu/index.ts";
import "./core/higherOrder.ts";

export { ArrayBase as Array, ConcreteArray, Tracer, isArray, type ArrayLike } from "./core/array.ts";
export type { DType } from "./core/dtype.ts";
export { ShapeError, DTypeError, ConcretizationError, TracerLeakError, StructureError } from "./core/errors.ts";
export { getBackend, setDefaultBackend, defaultBackendName, backendNames, type Backend } from "./core/backend.ts";
export { devicePut } from "./core/interpreter.ts";
export * as tree from "./core/tree.ts";
export * as lax from "./core/lax.ts";
import "./transforms/jvpRules.ts";
import "./transforms/transposeRules.ts";
export { jvp } from "./transforms/jvp.ts";
export { grad, valueAndGrad, vjp, linearize } from "./transforms/ad.ts";
export { jit, type JitOptions, type Jitted } from "./transforms/jit.ts";
import "./transforms/controlFlowRules.ts";
export { scan, cond, switchCase, whileLoop, foriLoop, map } from "./transforms/controlFlow.ts";
export { customJvp, customVjp, checkpoint, remat } from "./transforms/custom.ts";
export * as np from "./numpy/index.ts";
export * as random from "./random/index.ts";
export { vmap, type VmapOptions } from "./transforms/vmap.ts";
export { jacfwd, jacrev, hessian } from "./transforms/jacobians.ts";
export * as nn from "./nn/index.ts";
export * as optim from "./optim/index.ts";
export * as envs from "./envs/index.ts";
export * as testing from "./testing/index.ts";
export * as rl from "./rl/index.ts";
