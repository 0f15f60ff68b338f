// vmap's rule table and the batching rules of the first-order primitives (core/primitives.ts). A rule sees the
// primal values (tracers of the enclosing interpreter, or concrete arrays), one batch dimension per operand
// (`null` = not batched: the same value for every lane) and the axis size; it runs under the parent
// interpreter and returns the outputs with their batch dimensions. The higher-order primitives' rules live in
// vmapRulesControl.ts; the interpreter and the public `vmap` in vmap.ts.

import { type ArrayBase, scalar } from "../core/array.ts";
import { bind, bind1 } from "../core/interpreter.ts";
import * as lax from "../core/lax.ts";
import { type Params, type Primitive, RuleTable } from "../core/primitive.ts";
import * as P from "../core/primitives.ts";

/** A batch dimension: the axis of the batched value that runs over the lanes, or null when unbatched. */
export type BDim = number | null;

export type BatchRule = (vals: ArrayBase[], dims: BDim[], params: Params, axisSize: number) => [ArrayBase[], BDim[]];

export const batchRules = new RuleTable<BatchRule>("vmap (batching rules)");

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Move axis `from` of x to position `to` (a transpose; a no-op when they agree). */
export function moveaxis(x: ArrayBase, from: number, to: number): ArrayBase {
  if (from === to) return x;
  const perm = range(x.ndim).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** Put x's batch dimension at `to`; an unbatched x is broadcast along a new axis of `size` there. */
export function bdimTo(x: ArrayBase, from: BDim, to: number, size: number): ArrayBase {
  if (from !== null) return moveaxis(x, from, to);
  const shape = [...x.shape];
  shape.splice(to, 0, size);
  return lax.broadcastInDim(x, shape, range(x.ndim).map((i) => (i < to ? i : i + 1)));
}

/** The batched value's axis for a per-lane axis `a`, when the batch dimension sits at `bdim`. */
const axisAt = (a: number, bdim: number): number => (a < bdim ? a : a + 1);

/** Put every operand's batch dimension at one place (the first batched operand's), broadcasting unbatched ones. */
function align(vals: ArrayBase[], dims: BDim[], size: number): [ArrayBase[], number] {
  const target = dims.find((d) => d !== null) ?? 0;
  return [vals.map((v, i) => (dims[i] === target ? v : bdimTo(v, dims[i], target, size))), target];
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise: operands share one shape, so align the batch dimensions and bind the primitive as it is.

const elementwise = (p: Primitive): BatchRule => (vals, dims, params, size) => {
  const [args, d] = align(vals, dims, size);
  const outs = bind(p, args, params);
  return [outs, outs.map(() => d)];
};

const elementwisePrims = [
  P.negP, P.expP, P.logP, P.log1pP, P.expm1P, P.sinP, P.cosP, P.tanhP, P.logisticP, P.sqrtP, P.rsqrtP, P.absP,
  P.signP, P.floorP, P.ceilP, P.roundP, P.erfP, P.erfInvP, P.isFiniteP, P.notP,
  P.addP, P.subP, P.mulP, P.divP, P.remP, P.powP, P.maxP, P.minP, P.atan2P, P.andP, P.orP, P.xorP,
  P.shiftLeftP, P.shiftRightLogicalP, P.shiftRightArithmeticP, P.eqP, P.neP, P.ltP, P.leP, P.gtP, P.geP,
  P.selectP, P.convertElementTypeP, P.bitcastP, P.stopGradientP, P.threefry2x32P,
];
for (const p of elementwisePrims) batchRules.set(p, elementwise(p));

// iota has no operands, so it is never batched; the rule exists so that the table covers every primitive.
batchRules.set(P.iotaP, (_, __, params) => [bind(P.iotaP, [], params), [null]]);

// ---------------------------------------------------------------------------------------------------------
// Layout: the batch dimension becomes one more axis the op leaves alone.

batchRules.set(P.broadcastInDimP, ([x], [d], params, size) => {
  const { shape, broadcastDimensions } = params;
  const out = bind1(P.broadcastInDimP, [moveaxis(x, d!, 0)], {
    ...params,
    shape: [size, ...shape],
    broadcastDimensions: [0, ...broadcastDimensions.map((i: number) => i + 1)],
  });
  return [[out], [0]];
});

batchRules.set(P.reshapeP, ([x], [d], params, size) => {
  const out = bind1(P.reshapeP, [moveaxis(x, d!, 0)], { ...params, newSizes: [size, ...params.newSizes] });
  return [[out], [0]];
});

batchRules.set(P.transposeP, ([x], [d], params) => {
  const permutation = [d!, ...params.permutation.map((a: number) => axisAt(a, d!))];
  return [[bind1(P.transposeP, [x], { ...params, permutation })], [0]];
});

batchRules.set(P.sliceP, ([x], [d], params, size) => {
  const ins = <T>(xs: readonly T[], v: T) => [...xs.slice(0, d!), v, ...xs.slice(d!)];
  const out = bind1(P.sliceP, [x], {
    ...params,
    startIndices: ins(params.startIndices, 0),
    limitIndices: ins(params.limitIndices, size),
    strides: params.strides === null ? null : ins(params.strides, 1),
  });
  return [[out], [d]];
});

batchRules.set(P.revP, ([x], [d], params) => {
  const dimensions = params.dimensions.map((a: number) => axisAt(a, d!));
  return [[bind1(P.revP, [x], { ...params, dimensions })], [d]];
});

batchRules.set(P.concatenateP, (vals, dims, params, size) => {
  const [args, d] = align(vals, dims, size);
  return [[bind1(P.concatenateP, args, { ...params, dimension: axisAt(params.dimension, d) })], [d]];
});

// A batched pad value: pad with anything, then put each lane's pad value wherever a padded mask says so.
batchRules.set(P.padP, ([x, v], [dx, dv], params, size) => {
  if (dv === null) {
    const config = [...params.config];
    config.splice(dx!, 0, [0, 0, 0]);
    return [[bind1(P.padP, [x, v], { ...params, config })], [dx]];
  }
  const xb = bdimTo(x, dx, 0, size);
  const padded = bind1(P.padP, [xb, lax.convertElementType(0, x.dtype)], { ...params, config: [[0, 0, 0], ...params.config] });
  const inside = lax.broadcastInDim(scalar(true), xb.shape.slice(1), []);
  const mask = bind1(P.padP, [inside, scalar(false)], params);
  const maskB = lax.broadcastInDim(mask, padded.shape, range(mask.ndim).map((i) => i + 1));
  const vb = lax.broadcastInDim(moveaxis(v, dv, 0), padded.shape, [0]);
  return [[bind1(P.selectP, [maskB, vb, padded])], [0]];
});

// ---------------------------------------------------------------------------------------------------------
// Dynamic slicing. With unbatched starts the batch axis is sliced whole from 0; with batched starts every lane
// reads (or writes) its own window, which is a gather (scatter) of whole windows as JAX does it.

/** Each lane's start for each axis as int32[size], clamped so that a window of `sizes` fits `dimSizes`. */
function laneStarts(starts: ArrayBase[], dims: BDim[], dimSizes: readonly number[], sizes: readonly number[], size: number): ArrayBase[] {
  // Clamp above in the start's own dtype: a uint32 start must not wrap to a negative int32 first.
  return starts.map((s, i) => {
    const below = lax.convertElementType(lax.min(bdimTo(s, dims[i], 0, size), dimSizes[i] - sizes[i]), "int32");
    return lax.max(below, 0);
  });
}

/**
 * int32[size, ...sizes, k]: for each lane and window position, [lane, start_0 + j_0, ..., start_n-1 + j_n-1]
 * (without the lane column when the operand is the same for every lane).
 */
function windowIndices(starts: ArrayBase[], sizes: readonly number[], size: number, laneColumn: boolean): ArrayBase {
  const shape = [size, ...sizes];
  const cols = laneColumn ? [lax.iota("int32", shape, 0)] : [];
  starts.forEach((s, i) => cols.push(lax.add(lax.broadcastInDim(s, shape, [0]), lax.iota("int32", shape, i + 1))));
  return lax.concatenate(cols.map((c) => lax.reshape(c, [...shape, 1])), shape.length);
}

const zeroStart = () => scalar(0, "int32");

batchRules.set(P.dynamicSliceP, ([x, ...starts], [dx, ...ds], params, size) => {
  const sizes: number[] = params.sliceSizes;
  if (ds.every((d) => d === null)) {
    const st = [...starts];
    st.splice(dx!, 0, zeroStart());
    const sliceSizes = [...sizes];
    sliceSizes.splice(dx!, 0, size);
    return [[bind1(P.dynamicSliceP, [x, ...st], { ...params, sliceSizes })], [dx]];
  }
  const perLane = dx === null ? x.shape : x.shape.filter((_, i) => i !== dx);
  const idx = windowIndices(laneStarts(starts, ds, perLane, sizes, size), sizes, size, dx !== null);
  const xb = dx === null ? x : moveaxis(x, dx, 0);
  return [[bind1(P.gatherP, [xb, idx], { axes: range(xb.ndim) })], [0]];
});

batchRules.set(P.dynamicUpdateSliceP, ([x, u, ...starts], [dx, du, ...ds], params, size) => {
  const xb = bdimTo(x, dx, 0, size);
  const ub = bdimTo(u, du, 0, size);
  if (ds.every((d) => d === null)) return [[bind1(P.dynamicUpdateSliceP, [xb, ub, zeroStart(), ...starts], params)], [0]];
  const sizes = ub.shape.slice(1);
  const idx = windowIndices(laneStarts(starts, ds, xb.shape.slice(1), sizes, size), sizes, size, true);
  // Each lane writes its own window: the index rows (lane, position) are distinct by construction.
  return [[bind1(P.scatterP, [xb, idx, ub], { axes: range(xb.ndim), uniqueIndices: true })], [0]];
});

// ---------------------------------------------------------------------------------------------------------
// Gather and scatter (see architecture.md for the compact form). A batched operand is one more indexed-over
// "rest" axis; batched indices add a batch dimension to the index array; when both are batched each lane
// must read its own operand slice, so the lane number becomes one more index column (over operand axis 0).
// Such index rows come in `lanes` equal blocks, block L all in lane L (operand axis 0 = L): the `lanes` param
// says so (JAX's operand/indices batching dims), so a backend can give lane L's outputs only lane L's rows.

function withLaneColumn(idx: ArrayBase): ArrayBase {
  const col = lax.iota(idx.dtype, [...idx.shape.slice(0, -1), 1], 0);
  return lax.concatenate([col, idx], idx.ndim - 1);
}

const shifted = (axes: readonly number[]) => axes.map((a) => a + 1);

/** Params without an inner vmap's lane-block hint, for rewrites that move the lane axis or interleave rows. */
const withoutLanes = ({ lanes: _, ...rest }: Params): Params => rest;

batchRules.set(P.gatherP, ([x, idx], [dx, di], params, size) => {
  if (di === null) {
    const out = bind1(P.gatherP, [moveaxis(x, dx!, 0), idx], { ...withoutLanes(params), axes: shifted(params.axes) });
    return [[out], [idx.ndim - 1]];
  }
  const ib = moveaxis(idx, di, 0);
  if (dx === null) return [[bind1(P.gatherP, [x, ib], withoutLanes(params))], [0]];
  const out = bind1(P.gatherP, [moveaxis(x, dx, 0), withLaneColumn(ib)], { ...params, axes: [0, ...shifted(params.axes)], lanes: size });
  return [[out], [0]];
});

for (const p of [P.scatterAddP, P.scatterP]) {
  batchRules.set(p, ([x, idx, u], [dx, di, du], params, size) => {
    const xb = bdimTo(x, dx, 0, size);
    if (di === null) {
      // The operand's batch axis is a rest axis; updates carry it after the index batch dims.
      const ub = bdimTo(u, du, idx.ndim - 1, size);
      return [[bind1(p, [xb, idx, ub], { ...withoutLanes(params), axes: shifted(params.axes) })], [0]];
    }
    const ib = withLaneColumn(moveaxis(idx, di, 0));
    const ub = bdimTo(u, du, 0, size);
    return [[bind1(p, [xb, ib, ub], { ...params, axes: [0, ...shifted(params.axes)], lanes: size })], [0]];
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reductions and scans along axes: renumber the axes around the batch dimension.

const reduceRule = (p: Primitive): BatchRule => ([x], [d], params) => {
  const axes: number[] = params.axes.map((a: number) => axisAt(a, d!));
  const out = bind1(p, [x], { ...params, axes });
  return [[out], [d! - axes.filter((a) => a < d!).length]];
};
for (const p of [P.reduceSumP, P.reduceMaxP, P.reduceMinP, P.reduceProdP, P.reduceAndP, P.reduceOrP]) {
  batchRules.set(p, reduceRule(p));
}

for (const p of [P.argmaxP, P.argminP]) {
  batchRules.set(p, ([x], [d], params) => {
    const axis = axisAt(params.axis, d!);
    return [[bind1(p, [x], { ...params, axis })], [axis < d! ? d! - 1 : d]];
  });
}

batchRules.set(P.cumsumP, ([x], [d], params) => [[bind1(P.cumsumP, [x], { ...params, axis: axisAt(params.axis, d!) })], [d]]);

batchRules.set(P.sortP, (vals, dims, params, size) => {
  const [args, d] = align(vals, dims, size);
  const outs = bind(P.sortP, args, { ...params, dimension: axisAt(params.dimension, d) });
  return [outs, outs.map(() => d)];
});

// ---------------------------------------------------------------------------------------------------------
// dotGeneral. Both batched: the lanes are one more batch dimension pair (output axis 0). One batched: its batch
// axis is a free axis of that operand, and the output keeps it among that operand's free axes.

batchRules.set(P.dotGeneralP, ([a, b], [da, db], params) => {
  const [ca, cb] = params.contracting as [number[], number[]];
  const [ba, bb] = params.batch as [number[], number[]];
  if (da !== null && db !== null) {
    const out = bind1(P.dotGeneralP, [moveaxis(a, da, 0), moveaxis(b, db, 0)], {
      ...params,
      contracting: [shifted(ca), shifted(cb)],
      batch: [[0, ...shifted(ba)], [0, ...shifted(bb)]],
    });
    return [[out], [0]];
  }
  const d = (da ?? db)!;
  const [c, bt] = da !== null ? [ca, ba] : [cb, bb];
  const c2 = c.map((x) => axisAt(x, d));
  const bt2 = bt.map((x) => axisAt(x, d));
  const free = range((da !== null ? a : b).ndim).filter((i) => !c2.includes(i) && !bt2.includes(i));
  const freeBefore = da !== null ? 0 : a.ndim - ca.length - ba.length;
  const out = bind1(P.dotGeneralP, [a, b], {
    ...params,
    contracting: da !== null ? [c2, cb] : [ca, c2],
    batch: da !== null ? [bt2, bb] : [ba, bt2],
  });
  return [[out], [ba.length + freeBefore + free.indexOf(d)]];
});
