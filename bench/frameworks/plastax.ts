// plastax as the bench sees it: only the public API (src/index.ts). Namespaces (np, nn, envs, rl) are looked
// up at run time, so the bench still runs, saying what it skipped and why, where one is missing; WebGPU is
// started with the exported initWebGpu where an adapter exists.

import * as px from "../../src/index.ts";

export { px };
export type Arr = px.Array;

const api = px as unknown as Record<string, unknown>;

/** The subset of `np` the bench uses; absent until `np` is exported from src/index.ts. */
interface NpLike {
  array(data: Float32Array | Int32Array, dtype?: string): Arr;
  matmul(a: Arr, b: Arr): Arr;
  sum(x: Arr, axis?: number | number[] | null): Arr;
}
export const np = api.np as NpLike | undefined;

/** An exported namespace of the public API, or undefined while it is not exported yet. */
export const optional = <T = Record<string, any>>(name: string): T | undefined => api[name] as T | undefined;

/** Why a namespace is unavailable, or null when it is exported. */
export const missing = (name: string, issue: string): string | null =>
  api[name] === undefined ? `\`${name}\` is not exported from src/index.ts yet (${issue})` : null;

/** A float32 (or int32) array with this shape, placed on `backend`. */
export function fromHost(data: Float32Array | Int32Array, shape: readonly number[], backend: string): Arr {
  const dtype = data instanceof Int32Array ? "int32" : "float32";
  if (np) return px.devicePut(px.lax.reshape(np.array(data, dtype), shape) as px.ConcreteArray, backend);
  const b = px.getBackend(backend);
  const aval = { shape: [...shape], dtype, weakType: false } as const;
  return new px.ConcreteArray(aval, b.fromHost(data.slice(), aval), b);
}

export const matmul = (a: Arr, b: Arr): Arr =>
  np ? np.matmul(a, b) : px.lax.dotGeneral(a, b, { contracting: [[a.ndim - 1], [b.ndim - 2]] });

export const sum = (x: Arr, axes?: number[]): Arr => (np ? np.sum(x, axes ?? null) : px.lax.reduceSum(x, axes));

/** Host copy as float32 (bool and int outputs converted). */
export function toF32(x: Arr): Float32Array {
  const d = x.dataSync();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/** Every leaf of a pytree of arrays, in tree order, as host float32. */
export const leavesF32 = (tree: unknown): Float32Array[] => px.tree.leaves(tree).map((l) => toF32(l as Arr));

/** Wait for every leaf (a host read: the timed call ends with the result on the host, as for the peers). */
export function sync(tree: unknown): void {
  for (const l of px.tree.leaves(tree)) (l as Arr).dataSync();
}
export async function syncAsync(tree: unknown): Promise<void> {
  await Promise.all(px.tree.leaves(tree).map((l) => (l as Arr).data()));
}

export interface BackendInfo {
  readonly name: string;
  /** Set when the backend is registered but cannot run here. */
  readonly skip?: string;
  /** Asynchronous backends time `runAsync` (host reads through `data()`). */
  readonly async: boolean;
  /** The WebGPU adapter is a software rasteriser (lavapipe): it runs, slowly; heavy cases are opt-in. */
  readonly software?: boolean;
  /** The device, for the table's notes (e.g. the WebGPU adapter). */
  readonly device?: string;
}

/**
 * The backends to bench: whatever `px.backendNames()` lists, filtered by `only`. WebGPU needs an adapter and
 * `await px.initWebGpu()`; without an adapter it is listed as skipped, with the reason.
 */
export async function plastaxBackends(only?: readonly string[]): Promise<BackendInfo[]> {
  const names = px.backendNames().filter((n) => !only || only.includes(n));
  const out: BackendInfo[] = [];
  for (const name of names) {
    if (name !== "webgpu") {
      out.push({ name, async: false });
      continue;
    }
    try {
      await px.initWebGpu();
      out.push({ name, async: true, software: px.webgpuIsSoftware(), device: px.webgpuAdapter() });
    } catch (e) {
      out.push({ name, async: true, skip: `no WebGPU adapter (${e instanceof Error ? e.message.split("\n")[0] : String(e)})` });
    }
  }
  return out;
}
