// Helpers for the autodiff specs: a seeded PRNG that fast-check drives (a failing case reports its seed),
// float arrays with values in a chosen domain, and closeness assertions that print the numbers.

import fc from "fast-check";
import * as assert from "uvu/assert";
// The modules that register backends and rules (not src/index.ts, so these specs do not depend on every
// other folder loading).
import "../../src/backends/reference/index.ts";
import "../../src/core/higherOrder.ts";
import "../../src/transforms/jvpRules.ts";
import "../../src/transforms/transposeRules.ts";
import "../../src/transforms/controlFlowRules.ts";
import "../../src/transforms/custom.ts";
import "../../src/transforms/jit.ts";
import "../../src/transforms/vmap.ts";
import { ArrayBase, fromTypedArray } from "../../src/core/array.ts";
import { aval } from "../../src/core/aval.ts";
import type { DType } from "../../src/core/dtype.ts";
import * as tree from "../../src/core/tree.ts";
import { type Rng, range, rng } from "../support/rng.ts";

export { type Rng, range, rng };

/**
 * Run `body` for `numRuns` fast-check seeds (deterministic: fast-check's own seed is fixed). For a soak run,
 * PLASTAX_SPEC_RUNS overrides the count and PLASTAX_SPEC_SEED fast-check's seed.
 */
export function forAllSeeds(numRuns: number, body: (r: Rng, seed: number) => void): void {
  const details = fc.check(
    fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => body(rng(seed), seed)),
    { numRuns: Number(process.env.PLASTAX_SPEC_RUNS) || numRuns, seed: Number(process.env.PLASTAX_SPEC_SEED ?? 42), endOnFailure: true },
  );
  if (details.failed) {
    const e = details.errorInstance as Error;
    const seed = (details.counterexample as [number] | null)?.[0];
    if (e instanceof Error) {
      e.message = `[case seed ${seed}] ${e.message}`;
      throw e;
    }
    throw new Error(`[case seed ${seed}] ${String(e)}`);
  }
}

/**
 * Value domains that keep each op smooth within the finite-difference stencil (inputs move by at most 0.02):
 * "any" [-1.5, 1.5]; "positive" [0.5, 2]; "unit" (-0.8, 0.8); "away" |x| in [0.25, 1.5] (away from kinks
 * at 0); "frac" integer + fraction in [0.1, 0.4] or [0.6, 0.9] (away from integers and halves);
 * "distinct" a shuffled grid with spacing 0.15 (no ties for max, min, sort).
 */
export type Kind = "any" | "positive" | "unit" | "away" | "frac" | "distinct";

export function values(r: Rng, n: number, kind: Kind): number[] {
  switch (kind) {
    case "any":
      return range(n).map(() => r.uniform(-1.5, 1.5));
    case "positive":
      return range(n).map(() => r.uniform(0.5, 2));
    case "unit":
      return range(n).map(() => r.uniform(-0.8, 0.8));
    case "away":
      return range(n).map(() => r.uniform(0.25, 1.5) * r.pick([-1, 1]));
    case "frac":
      return range(n).map(() => r.int(-2, 2) + r.pick([r.uniform(0.1, 0.4), r.uniform(0.6, 0.9)]));
    case "distinct": {
      const off = r.uniform(-1, 0);
      return r.perm(n).map((i) => off + 0.15 * i + r.uniform(-0.02, 0.02));
    }
  }
}

export function farray(r: Rng, shape: readonly number[], kind: Kind = "any"): ArrayBase {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromTypedArray(Float32Array.from(values(r, n, kind)), aval([...shape], "float32"));
}

export function iarray(data: readonly number[], shape: readonly number[], dtype: DType = "int32"): ArrayBase {
  const arr = dtype === "int32" ? Int32Array.from(data) : dtype === "uint32" ? Uint32Array.from(data) : dtype === "bool" ? Uint8Array.from(data) : Float32Array.from(data);
  return fromTypedArray(arr, aval([...shape], dtype));
}

export const f32 = (data: readonly number[], shape: readonly number[] = [data.length]): ArrayBase => iarray(data, shape, "float32");

/** Every leaf of `actual` close to the same leaf of `expected` (same structure, shapes and dtypes). */
export function assertTreeClose(actual: unknown, expected: unknown, what: string, tol = 1e-5): void {
  const [al, ad] = tree.flatten(actual);
  const [el, ed] = tree.flatten(expected);
  assert.ok(tree.treedefEqual(ad, ed), `${what}: structure ${ad} vs ${ed}`);
  al.forEach((a, k) => assertClose(a as ArrayBase, el[k] as ArrayBase, `${what} leaf ${k}`, tol));
}

export function assertClose(actual: ArrayBase, expected: ArrayBase, what: string, tol = 1e-5): void {
  assert.equal([...actual.shape], [...expected.shape], `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const [x, y] = [a[i], e[i]];
    const ok = x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= tol * (1 + Math.abs(y));
    if (!ok) assert.unreachable(`${what}: element ${i} is ${x}, expected ${y} (tol ${tol})\nactual   ${Array.from(a)}\nexpected ${Array.from(e)}`);
  }
}

/** Assert fn throws an instance of cls whose message matches every pattern; returns the message. */
export function assertThrows(fn: () => unknown, cls: abstract new (...a: any[]) => Error, patterns: readonly (string | RegExp)[], what: string): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (err === undefined) assert.unreachable(`${what}: expected a ${cls.name}, but nothing was thrown`);
  if (!(err instanceof cls)) assert.unreachable(`${what}: expected a ${cls.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  const msg = (err as Error).message;
  for (const p of patterns) {
    const ok = typeof p === "string" ? msg.includes(p) : p.test(msg);
    if (!ok) assert.unreachable(`${what}: the message should mention ${p}, got:\n${msg}`);
  }
  return msg;
}
