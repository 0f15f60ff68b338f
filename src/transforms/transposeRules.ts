// Transpose rules for the linear first-order primitives: one row per primitive.

import { type ArrayBase, fromTypedArray } from "../core/array.ts";
import { aval } from "../core/aval.ts";
import { bind1 } from "../core/interpreter.ts";
import * as lax from "../core/lax.ts";
import type { Primitive } from "../core/primitive.ts";
import * as P from "../core/primitives.ts";
import { type Cotangent, type LinearArg, isUndefined, transposeRules } from "./transpose.ts";
import { range, zerosLike } from "./util.ts";

const avalOf = (x: LinearArg) => x.aval;
const orNull = (cond: boolean, f: () => ArrayBase): Cotangent => (cond ? f() : null);

transposeRules.set(P.negP, ([ct]) => [lax.neg(ct!)]);
transposeRules.set(P.addP, ([ct], [x, y]) => [orNull(isUndefined(x), () => ct!), orNull(isUndefined(y), () => ct!)]);
transposeRules.set(P.subP, ([ct], [x, y]) => [orNull(isUndefined(x), () => ct!), orNull(isUndefined(y), () => lax.neg(ct!))]);
transposeRules.set(P.mulP, ([ct], [x, y]) => {
  if (isUndefined(x) && isUndefined(y)) throw new TypeError("transpose: mul of two linear values is not linear");
  return isUndefined(x) ? [bind1(P.mulP, [ct!, y as ArrayBase]), null] : [null, bind1(P.mulP, [x as ArrayBase, ct!])];
});
transposeRules.set(P.divP, ([ct], [x, y]) => {
  if (!isUndefined(x) || isUndefined(y)) throw new TypeError("transpose: div is linear only in its numerator");
  return [bind1(P.divP, [ct!, y as ArrayBase]), null];
});
transposeRules.set(P.convertElementTypeP, ([ct], [x]) => [lax.convertElementType(ct!, x.aval.dtype, x.aval.weakType)]);
transposeRules.set(P.reduceSumP, ([ct], [x], { axes }) => {
  const kept = range(x.aval.shape.length).filter((d) => !axes.includes(d));
  return [lax.broadcastInDim(ct!, x.aval.shape, kept)];
});
transposeRules.set(P.broadcastInDimP, ([ct], [x], { shape, broadcastDimensions }) => {
  const inShape = x.aval.shape;
  const bdims = broadcastDimensions as number[];
  // Sum over new dims and over dims stretched from size 1, then reshape back to the operand's shape.
  const summed = range(shape.length).filter((d) => !bdims.includes(d) || (inShape[bdims.indexOf(d)] === 1 && shape[d] !== 1));
  return [lax.reshape(lax.reduceSum(ct!, summed), inShape)];
});
transposeRules.set(P.reshapeP, ([ct], [x]) => [lax.reshape(ct!, x.aval.shape)]);
transposeRules.set(P.transposeP, ([ct], _x, { permutation }) => {
  const inv = new Array<number>(permutation.length);
  (permutation as number[]).forEach((p, i) => (inv[p] = i));
  return [lax.transpose(ct!, inv)];
});
transposeRules.set(P.revP, ([ct], _x, { dimensions }) => [lax.rev(ct!, dimensions)]);
transposeRules.set(P.cumsumP, ([ct], _x, { axis, reverse }) => [lax.cumsum(ct!, axis, !reverse)]);
transposeRules.set(P.sliceP, ([ct], [x], { startIndices, strides }) => {
  const shape = x.aval.shape;
  const st: number[] = strides ?? shape.map(() => 1);
  const outShape = ct!.shape;
  const cfg = shape.map((d, i): [number, number, number] => {
    const lo = startIndices[i];
    const last = outShape[i] === 0 ? lo - 1 : lo + (outShape[i] - 1) * st[i];
    return [lo, d - last - 1, st[i] - 1];
  });
  return [lax.pad(ct!, 0, cfg)];
});
transposeRules.set(P.padP, ([ct], [x, v], { config }) => {
  const cfg = config as [number, number, number][];
  let tx: Cotangent = null;
  if (isUndefined(x)) {
    const unpadded = lax.pad(ct!, 0, cfg.map(([lo, hi]) => [-lo, -hi, 0] as [number, number, number]));
    tx = lax.slice(unpadded, cfg.map(() => 0), unpadded.shape, cfg.map(([, , interior]) => interior + 1));
  }
  const tv = isUndefined(v) ? lax.sub(lax.reduceSum(ct!), tx === null ? 0 : lax.reduceSum(tx)) : null;
  return [tx, tv];
});
transposeRules.set(P.concatenateP, ([ct], xs, { dimension }) => {
  let offset = 0;
  return xs.map((x) => {
    const n = x.aval.shape[dimension];
    const start = ct!.shape.map((_, d) => (d === dimension ? offset : 0));
    const limit = ct!.shape.map((s, d) => (d === dimension ? offset + n : s));
    offset += n;
    return orNull(isUndefined(x), () => lax.slice(ct!, start, limit));
  });
});
transposeRules.set(P.selectP, ([ct], [p, f, t]) => {
  const pred = p as ArrayBase;
  const zeros = zerosLike(ct!.aval);
  return [null, orNull(isUndefined(f), () => lax.select(pred, zeros, ct!)), orNull(isUndefined(t), () => lax.select(pred, ct!, zeros))];
});
transposeRules.set(P.dynamicSliceP, ([ct], [x, ...starts]) => [
  bind1(P.dynamicUpdateSliceP, [zerosLike(x.aval), ct!, ...(starts as ArrayBase[])]),
  ...starts.map(() => null),
]);
transposeRules.set(P.dynamicUpdateSliceP, ([ct], [x, u, ...starts]) => {
  const s = starts as ArrayBase[];
  return [
    orNull(isUndefined(x), () => bind1(P.dynamicUpdateSliceP, [ct!, zerosLike(u.aval), ...s])),
    orNull(isUndefined(u), () => bind1(P.dynamicSliceP, [ct!, ...s], { sliceSizes: [...u.aval.shape] })),
    ...s.map(() => null),
  ];
});
// gather clamps its indices but scatterAdd drops out-of-bounds ones, so clamp before scattering back.
transposeRules.set(P.gatherP, ([ct], [x, idx], { axes, lanes }) => [
  bind1(P.scatterAddP, [zerosLike(x.aval), clampIndices(idx as ArrayBase, x.aval.shape, axes), ct!], indexParams(axes, lanes)),
  null,
]);

/** Gather/scatter params, keeping vmap's lane-block hint (see vmapRules.ts) where the indices carry it. */
const indexParams = (axes: readonly number[], lanes: number | undefined) => (lanes === undefined ? { axes } : { axes, lanes });

/** Clamp each index column j of idx [...batch, k] into [0, shape[axes[j]] - 1], as gather does. */
function clampIndices(idx: ArrayBase, shape: readonly number[], axes: readonly number[]): ArrayBase {
  const hi = fromTypedArray(Int32Array.from(axes, (a) => shape[a] - 1), aval([axes.length], "int32"));
  return lax.min(lax.max(idx, 0), lax.broadcastInDim(hi, idx.shape, [idx.ndim - 1]));
}

/** 1 where an index tuple is in bounds (scatter drops the others, so their updates get no cotangent). */
function inBounds(shape: readonly number[], idx: ArrayBase, axes: number[], like: ArrayBase): ArrayBase {
  let ok: ArrayBase | null = null;
  axes.forEach((a, j) => {
    const col = lax.reshape(lax.slice(idx, idx.shape.map((_, d) => (d === idx.ndim - 1 ? j : 0)), idx.shape.map((s, d) => (d === idx.ndim - 1 ? j + 1 : s))), idx.shape.slice(0, -1));
    const c = lax.bitwiseAnd(lax.ge(col, 0), lax.lt(col, shape[a]));
    ok = ok === null ? c : lax.bitwiseAnd(ok, c);
  });
  const batch = idx.ndim - 1;
  const mask = lax.broadcastInDim(ok!, like.shape, range(batch));
  return lax.select(mask, like, zerosLike(like.aval));
}

for (const p of [P.scatterAddP, P.scatterP] as Primitive[]) {
  transposeRules.set(p, ([ct], [x, idx, u], { axes, lanes }) => {
    const i = idx as ArrayBase;
    const tx = orNull(isUndefined(x), () => (p === P.scatterAddP ? ct! : bind1(P.scatterP, [ct!, i, zerosLike(u.aval)], indexParams(axes, lanes))));
    const tu = orNull(isUndefined(u), () => inBounds(x.aval.shape, i, axes, bind1(P.gatherP, [ct!, i], indexParams(axes, lanes))));
    return [tx, null, tu];
  });
}

transposeRules.set(P.dotGeneralP, ([ct], [a, b], { contracting, batch }) => {
  const [ca, cb] = contracting as [number[], number[]];
  const [ba, bb] = batch as [number[], number[]];
  const aNd = avalOf(a).shape.length;
  const bNd = avalOf(b).shape.length;
  const aFree = range(aNd).filter((d) => !ca.includes(d) && !ba.includes(d));
  const bFree = range(bNd).filter((d) => !cb.includes(d) && !bb.includes(d));
  const nb = ba.length;
  const ctBatch = range(nb);
  const ctAFree = aFree.map((_, j) => nb + j);
  const ctBFree = bFree.map((_, j) => nb + aFree.length + j);
  let ta: Cotangent = null;
  let tb: Cotangent = null;
  if (isUndefined(a)) {
    // ct · b over b's free dims -> [batch, aFree, b's contracting dims in b order]; permute into a's layout.
    const r = bind1(P.dotGeneralP, [ct!, b as ArrayBase], { contracting: [ctBFree, bFree], batch: [ctBatch, bb] });
    const cbSorted = [...cb].sort((x, y) => x - y);
    const pos = new Array<number>(aNd);
    ba.forEach((d, i) => (pos[d] = i));
    aFree.forEach((d, j) => (pos[d] = nb + j));
    ca.forEach((d, k) => (pos[d] = nb + aFree.length + cbSorted.indexOf(cb[k])));
    ta = lax.transpose(r, pos);
  }
  if (isUndefined(b)) {
    // a · ct over a's free dims -> [batch, a's contracting dims in a order, bFree]; permute into b's layout.
    const r = bind1(P.dotGeneralP, [a as ArrayBase, ct!], { contracting: [aFree, ctAFree], batch: [ba, ctBatch] });
    const caSorted = [...ca].sort((x, y) => x - y);
    const pos = new Array<number>(bNd);
    bb.forEach((d, i) => (pos[d] = i));
    cb.forEach((d, k) => (pos[d] = nb + caSorted.indexOf(ca[k])));
    bFree.forEach((d, j) => (pos[d] = nb + ca.length + j));
    tb = lax.transpose(r, pos);
  }
  return [ta, tb];
});
