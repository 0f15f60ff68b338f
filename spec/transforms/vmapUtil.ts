// Helpers for the vmap specs: a seeded PRNG that drives random cases, random arrays by dtype and value kind,
// eager per-lane slicing and stacking (the definition vmap is checked against), and scan, cond and while
// bound directly on the higher-order primitives.

import fc from "fast-check";
import * as assert from "uvu/assert";
import "../../src/backends/reference/index.ts";
import { ArrayBase, fromTypedArray } from "../../src/core/array.ts";
import { aval } from "../../src/core/aval.ts";
import { type DType, allocate } from "../../src/core/dtype.ts";
import * as H from "../../src/core/higherOrder.ts";
import { bind } from "../../src/core/interpreter.ts";
import * as lax from "../../src/core/lax.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import { vmap } from "../../src/transforms/vmap.ts";
import { type Rng, range, rng } from "../support/rng.ts";

export { type Rng, range, rng };

/** What values an operand holds (beyond its dtype): keeps ops in their domains and exercises edge cases. */
export type Kind = "any" | "positive" | "unit" | "nonzero" | "index" | "shift" | "bits";

export interface Operand {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly kind?: Kind;
}

function randomValue(r: Rng, dtype: DType, kind: Kind): number {
  if (dtype === "bool") return r.int(0, 1);
  if (kind === "index") return r.int(-2, 5);
  if (kind === "shift") return r.int(0, 33);
  if (kind === "bits" || (dtype === "uint32" && kind === "any" && r.chance(0.2))) return r.int(0, 0xffffffff);
  if (dtype === "float32") {
    if (kind === "positive") return r.int(1, 32) / 8;
    if (kind === "unit") return r.int(-15, 15) / 16;
    if (kind === "nonzero") return (r.int(1, 24) / 8) * r.pick([-1, 1]);
    return r.int(-24, 24) / 8;
  }
  if (kind === "nonzero") return r.int(1, 6) * (dtype === "uint32" ? 1 : r.pick([-1, 1]));
  if (kind === "positive") return r.int(1, 6);
  return dtype === "uint32" ? r.int(0, 12) : r.int(-6, 6);
}

export function randomArray(r: Rng, shape: readonly number[], dtype: DType, kind: Kind = "any"): ArrayBase {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = randomValue(r, dtype, kind);
  return fromTypedArray(data, aval([...shape], dtype));
}

// ---------------------------------------------------------------------------------------------------------
// The definition of vmap: slice each mapped argument per lane, run f eagerly, stack the results.

/** Lane b of x along axis (eager). */
export function laneOf(x: ArrayBase, axis: number, b: number): ArrayBase {
  const start = x.shape.map((_, i) => (i === axis ? b : 0));
  const limit = x.shape.map((d, i) => (i === axis ? b + 1 : d));
  return lax.reshape(lax.slice(x, start, limit), x.shape.filter((_, i) => i !== axis));
}

/** Stack equal-shaped arrays along a new axis (eager). */
export function stack(xs: readonly ArrayBase[], axis: number): ArrayBase {
  const parts = xs.map((x) => {
    const shape = [...x.shape];
    shape.splice(axis, 0, 1);
    return lax.reshape(x, shape);
  });
  return lax.concatenate(parts, axis);
}

export const asList = (x: unknown): ArrayBase[] => (Array.isArray(x) ? (x as ArrayBase[]) : [x as ArrayBase]);

/** Lane b of every argument (unmapped ones as they are). */
export const laneArgs = (args: readonly unknown[], inAxes: readonly (number | null)[], b: number): unknown[] =>
  args.map((a, i) => (inAxes[i] === null ? a : laneOf(a as ArrayBase, inAxes[i]!, b)));

export function assertClose(actual: ArrayBase, expected: ArrayBase, what: string, tol = 1e-5): void {
  assert.equal([...actual.shape], [...expected.shape], `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const [x, y] = [a[i], e[i]];
    const ok = x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= tol * (1 + Math.abs(y));
    if (!ok) assert.unreachable(`${what}: element ${i} is ${x}, expected ${y}\nactual   ${a}\nexpected ${e}`);
  }
}

/**
 * vmap(f, {inAxes}) against the definition: f run eagerly lane by lane, results stacked. With an rng, every
 * output gets a random out axis (negative ones included). Nothing mapped: the size goes in as axisSize.
 */
export function checkVmap(
  f: (...xs: any[]) => unknown,
  args: readonly unknown[],
  inAxes: readonly (number | null)[],
  size: number,
  what: string,
  r?: Rng,
): void {
  const lanes = range(size).map((b) => f(...laneArgs(args, inAxes, b)));
  const perLane = lanes.map(asList);
  const outAxes = perLane[0].map((o) => (r ? r.int(-(o.ndim + 1), o.ndim) : 0));
  const expected = perLane[0].map((o, k) => stack(perLane.map((l) => l[k]), outAxes[k] < 0 ? outAxes[k] + o.ndim + 1 : outAxes[k]));
  const axisSize = inAxes.every((a) => a === null) ? size : undefined;
  const spec = Array.isArray(lanes[0]) ? outAxes : outAxes[0];
  const got = asList(vmap(f, { inAxes: [...inAxes], outAxes: spec, axisSize })(...args));
  assert.is(got.length, expected.length, `${what}: number of outputs`);
  got.forEach((g, k) => assertClose(g, expected[k], `${what}: output ${k} (inAxes ${JSON.stringify(inAxes)}, outAxes ${JSON.stringify(spec)})`));
}

// ---------------------------------------------------------------------------------------------------------
// scan / cond / while bound directly on the primitives, with explicit consts (the public wrappers are used too).

/** lax.scan over flat lists: body(consts, carry, x) -> [carry, ys]. */
export function scanLike(
  body: (consts: ArrayBase[], carry: ArrayBase[], xs: ArrayBase[]) => [ArrayBase[], ArrayBase[]],
  consts: ArrayBase[],
  carry: ArrayBase[],
  xs: ArrayBase[],
  opts: { length?: number; reverse?: boolean } = {},
): ArrayBase[] {
  const length = opts.length ?? xs[0].shape[0];
  const avals = [...consts, ...carry].map((a) => a.aval).concat(xs.map((x) => aval(x.shape.slice(1), x.dtype, x.weakType)));
  const nc = consts.length;
  const nk = carry.length;
  const { jaxpr, consts: cs } = traceToJaxpr((...a) => {
    const [c, y] = body(a.slice(0, nc), a.slice(nc, nc + nk), a.slice(nc + nk));
    return [...c, ...y];
  }, avals);
  return bind(H.scanP, [...cs, ...consts, ...carry, ...xs], {
    jaxpr,
    numConsts: nc + cs.length,
    numCarry: nk,
    length,
    reverse: opts.reverse ?? false,
    unroll: 1,
  });
}

/** lax.switch over flat lists: branches[clamp(index)](...ops). */
export function condLike(index: ArrayBase, branches: ((...ops: ArrayBase[]) => ArrayBase[])[], ops: ArrayBase[]): ArrayBase[] {
  const traced = branches.map((b) => traceToJaxpr(b, ops.map((o) => o.aval)));
  if (traced.some((t) => t.consts.length > 0)) throw new Error("condLike: branches must not close over arrays");
  return bind(H.condP, [index, ...ops], { branches: traced.map((t) => t.jaxpr) });
}

/** lax.whileLoop over flat lists with explicit consts. */
export function whileLike(
  cond: (consts: ArrayBase[], carry: ArrayBase[]) => ArrayBase,
  body: (consts: ArrayBase[], carry: ArrayBase[]) => ArrayBase[],
  condConsts: ArrayBase[],
  bodyConsts: ArrayBase[],
  carry: ArrayBase[],
): ArrayBase[] {
  const c = traceToJaxpr((...a) => [cond(a.slice(0, condConsts.length), a.slice(condConsts.length))], [...condConsts, ...carry].map((x) => x.aval));
  const b = traceToJaxpr((...a) => body(a.slice(0, bodyConsts.length), a.slice(bodyConsts.length)), [...bodyConsts, ...carry].map((x) => x.aval));
  return bind(H.whileP, [...c.consts, ...condConsts, ...b.consts, ...bodyConsts, ...carry], {
    condJaxpr: c.jaxpr,
    bodyJaxpr: b.jaxpr,
    condNConsts: c.consts.length + condConsts.length,
    bodyNConsts: b.consts.length + bodyConsts.length,
  });
}

/** fast-check over seeds, failing with the seed and the assertion's own message (fc.assert hides the latter). */
export function forAllSeeds(numRuns: number, body: (r: Rng, seed: number) => void): void {
  const out = fc.check(fc.property(fc.integer(), (seed) => body(rng(seed), seed)), { numRuns });
  if (out.failed) {
    const e = out.errorInstance as Error | undefined;
    throw new Error(`counterexample seed ${JSON.stringify(out.counterexample)} (fast-check seed ${out.seed}): ${e?.stack ?? e}`);
  }
}
