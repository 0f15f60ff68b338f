// The one small interface every backend implements, and the registry that picks one by name.
// Backends own their buffers; arrays hold an opaque buffer plus the backend that made it.

import type { ShapedArray } from "./aval.ts";
import type { TypedArray } from "./dtype.ts";
import type { Jaxpr } from "./jaxpr.ts";
import type { Params, Primitive } from "./primitive.ts";

export type Buffer = unknown;

/** A compiled program: runs a jaxpr on buffers of this backend. */
export type Executable = (inputs: readonly Buffer[]) => Buffer[];

export interface Backend {
  readonly name: string;
  /** Copy host data in; the backend may keep the typed array as is (the caller gives up ownership). */
  fromHost(data: TypedArray, aval: ShapedArray): Buffer;
  /** Read a buffer back; the result must not alias memory the backend will write again. */
  toHost(buf: Buffer, aval: ShapedArray): TypedArray;
  toHostAsync(buf: Buffer, aval: ShapedArray): Promise<TypedArray>;
  /** Run one primitive eagerly (higher-order primitives included: they carry their jaxprs in params). */
  execute(p: Primitive, params: Params, inputs: readonly Buffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): Buffer[];
  /** Compile a whole jaxpr (jit). */
  compile(jaxpr: Jaxpr): Executable;
}

const factories = new Map<string, () => Backend>();
const instances = new Map<string, Backend>();

export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
}

export function backendNames(): string[] {
  return [...factories.keys()];
}

export function getBackend(name?: string): Backend {
  const n = name ?? defaultBackendName();
  let b = instances.get(n);
  if (b === undefined) {
    const f = factories.get(n);
    if (f === undefined) {
      throw new RangeError(`getBackend: unknown backend "${n}"; available: ${backendNames().join(", ") || "(none registered)"}`);
    }
    b = f();
    instances.set(n, b);
  }
  return b;
}

let defaultName: string | undefined;

export function defaultBackendName(): string {
  if (defaultName !== undefined) return defaultName;
  const env = typeof process !== "undefined" ? process.env?.PLASTAX_BACKEND : undefined;
  if (env && factories.has(env)) return env;
  return factories.has("cpu") ? "cpu" : "reference";
}

export function setDefaultBackend(name: string): void {
  if (!factories.has(name)) {
    throw new RangeError(`setDefaultBackend: unknown backend "${name}"; available: ${backendNames().join(", ")}`);
  }
  getBackend(name); // a backend that cannot start here (webgpu before initWebGpu) says so now, naming the fix
  defaultName = name;
}
