// lax: thin, checked wrappers that bind primitives. Binary ops accept JS scalars and numpy-broadcast and
// promote (JAX's lax requires equal dtypes; we apply weak-type promotion so `lax.mul(x, 2)` reads naturally).
// Everything above core (np, nn, envs, rl) builds on these functions.

import { ArrayBase, type ArrayLike, scalar } from "./array.ts";
import { avalStr } from "./aval.ts";
import { type DType, isFloat, resultType, scalarTypeInfo, type TypeInfo } from "./dtype.ts";
import { DTypeError, ShapeError } from "./errors.ts";
import { asArray, bind, bind1 } from "./interpreter.ts";
import type { Primitive } from "./primitive.ts";
import * as P from "./primitives.ts";
import { type Shape, broadcastShapes, shapeEq, shapeStr, normalizeAxes, checkShape } from "./shape.ts";

export type Array = ArrayBase;

const info = (x: ArrayLike): TypeInfo =>
  x instanceof ArrayBase ? { dtype: x.dtype, weakType: x.weakType } : scalarTypeInfo(x);

/** Convert to a dtype (no-op when it already has it). `weakType` keeps weakness for promotion. */
export function convertElementType(x: ArrayLike, newDtype: DType, weakType = false): Array {
  if (!(x instanceof ArrayBase)) return scalar(x, newDtype, weakType);
  if (x.dtype === newDtype && x.weakType === weakType) return x;
  return bind1(P.convertElementTypeP, [x], { newDtype, weakType });
}

/** Promote operands to their common dtype (JAX lattice with weak types). */
export function promote(op: string, ...xs: ArrayLike[]): Array[] {
  const t = resultType(...xs.map(info));
  return xs.map((x) => {
    if (!(x instanceof ArrayBase)) return scalar(x, t.dtype, t.weakType);
    return x.dtype === t.dtype ? x : convertElementType(x, t.dtype, t.weakType);
  });
}

export function broadcastInDim(x: Array, shape: Shape, broadcastDimensions: readonly number[]): Array {
  if (shapeEq(x.shape, shape) && broadcastDimensions.every((d, i) => d === i)) return x;
  return bind1(P.broadcastInDimP, [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
}

/** numpy-style broadcast of one array to a shape (rank promotion on the left). */
export function broadcastTo(x: ArrayLike, shape: Shape, op = "broadcastTo"): Array {
  const a = asArray(x);
  if (shapeEq(a.shape, shape)) return a;
  const out = broadcastShapes(op, a.shape, shape);
  if (!shapeEq(out, shape)) {
    throw new ShapeError(`${op}: cannot broadcast ${avalStr(a.aval)} to shape ${shapeStr(shape)}`);
  }
  const off = shape.length - a.ndim;
  // Size-1 dims that must stretch stay as broadcast dims: broadcastInDim allows operand size 1.
  return broadcastInDim(a, shape, a.shape.map((_, i) => i + off));
}

function broadcastAll(op: string, xs: Array[]): Array[] {
  const shape = broadcastShapes(op, ...xs.map((x) => x.shape));
  return xs.map((x) => broadcastTo(x, shape, op));
}

const unaryOp = (p: Primitive) => (x: ArrayLike): Array => bind1(p, [asArray(x)]);
const binaryOp = (p: Primitive) => (x: ArrayLike, y: ArrayLike): Array => {
  const [a, b] = broadcastAll(p.name, promote(p.name, x, y));
  return bind1(p, [a, b]);
};

export const neg = unaryOp(P.negP);
export const exp = unaryOp(P.expP);
export const log = unaryOp(P.logP);
export const log1p = unaryOp(P.log1pP);
export const expm1 = unaryOp(P.expm1P);
export const sin = unaryOp(P.sinP);
export const cos = unaryOp(P.cosP);
export const tanh = unaryOp(P.tanhP);
export const logistic = unaryOp(P.logisticP);
export const sqrt = unaryOp(P.sqrtP);
export const rsqrt = unaryOp(P.rsqrtP);
export const abs = unaryOp(P.absP);
export const sign = unaryOp(P.signP);
export const floor = unaryOp(P.floorP);
export const ceil = unaryOp(P.ceilP);
export const round = unaryOp(P.roundP);
export const erf = unaryOp(P.erfP);
export const erfInv = unaryOp(P.erfInvP);
export const isFinite = unaryOp(P.isFiniteP);
export const not = unaryOp(P.notP);
export const stopGradient = unaryOp(P.stopGradientP);

export const add = binaryOp(P.addP);
export const sub = binaryOp(P.subP);
export const mul = binaryOp(P.mulP);
export const div = binaryOp(P.divP);
export const rem = binaryOp(P.remP);
export const pow = binaryOp(P.powP);
export const max = binaryOp(P.maxP);
export const min = binaryOp(P.minP);
export const atan2 = binaryOp(P.atan2P);
export const bitwiseAnd = binaryOp(P.andP);
export const bitwiseOr = binaryOp(P.orP);
export const bitwiseXor = binaryOp(P.xorP);
export const shiftLeft = binaryOp(P.shiftLeftP);
export const shiftRightLogical = binaryOp(P.shiftRightLogicalP);
export const shiftRightArithmetic = binaryOp(P.shiftRightArithmeticP);
export const eq = binaryOp(P.eqP);
export const ne = binaryOp(P.neP);
export const lt = binaryOp(P.ltP);
export const le = binaryOp(P.leP);
export const gt = binaryOp(P.gtP);
export const ge = binaryOp(P.geP);

/** Elementwise choice: pred ? onTrue : onFalse, broadcasting all three. */
export function select(pred: ArrayLike, onTrue: ArrayLike, onFalse: ArrayLike): Array {
  const p = asArray(pred);
  if (p.dtype !== "bool") throw new DTypeError(`select: predicate must be bool, got ${avalStr(p.aval)} (compare with a value first, e.g. x.gt(0))`);
  const [t, f] = promote("select", onTrue, onFalse);
  const [pb, tb, fb] = broadcastAll("select", [p, t, f]);
  return bind1(P.selectP, [pb, fb, tb]);
}

export function bitcastConvertType(x: Array, newDtype: DType): Array {
  if (x.dtype === newDtype) return x;
  return bind1(P.bitcastP, [x], { newDtype });
}

export function iota(dtype: DType, shape: Shape, dimension = 0): Array {
  return bind1(P.iotaP, [], { dtype, shape: checkShape("iota", [...shape]), dimension });
}

export function reshape(x: ArrayLike, newSizes: Shape): Array {
  const a = asArray(x);
  if (shapeEq(a.shape, newSizes)) return a;
  return bind1(P.reshapeP, [a], { newSizes: checkShape("reshape", [...newSizes]) });
}

export function transpose(x: Array, permutation: readonly number[]): Array {
  if (permutation.every((d, i) => d === i) && permutation.length === x.ndim) return x;
  return bind1(P.transposeP, [x], { permutation: [...permutation] });
}

export function slice(x: Array, startIndices: readonly number[], limitIndices: readonly number[], strides?: readonly number[]): Array {
  return bind1(P.sliceP, [x], { startIndices: [...startIndices], limitIndices: [...limitIndices], strides: strides ? [...strides] : null });
}

const asIndex = (op: string, i: ArrayLike): Array => {
  const a = asArray(i);
  if (a.dtype !== "int32" && a.dtype !== "uint32") throw new DTypeError(`${op}: start indices must be integers, got ${avalStr(a.aval)}`);
  return a.dtype === "int32" ? a : convertElementType(a, "int32");
};

/** Slice of static size at traced start positions; starts are clamped so the slice fits (JAX semantics). */
export function dynamicSlice(x: Array, starts: readonly ArrayLike[], sliceSizes: readonly number[]): Array {
  return bind1(P.dynamicSliceP, [x, ...starts.map((s) => asIndex("dynamicSlice", s))], { sliceSizes: [...sliceSizes] });
}

export function dynamicUpdateSlice(x: Array, update: ArrayLike, starts: readonly ArrayLike[]): Array {
  const u = convertElementType(asArray(update), x.dtype, x.weakType);
  return bind1(P.dynamicUpdateSliceP, [x, u, ...starts.map((s) => asIndex("dynamicUpdateSlice", s))]);
}

export function concatenate(xs: readonly ArrayLike[], dimension: number): Array {
  if (xs.length === 0) throw new ShapeError("concatenate: needs at least one array");
  const arrs = promote("concatenate", ...xs);
  if (arrs.length === 1) return arrs[0];
  return bind1(P.concatenateP, arrs, { dimension });
}

export function pad(x: Array, padValue: ArrayLike, config: readonly (readonly [number, number, number])[]): Array {
  const v = convertElementType(asArray(padValue), x.dtype, x.weakType);
  return bind1(P.padP, [x, v], { config: config.map((c) => [...c]) });
}

export function rev(x: Array, dimensions: readonly number[]): Array {
  if (dimensions.length === 0) return x;
  return bind1(P.revP, [x], { dimensions: [...dimensions] });
}

export function gather(x: Array, idx: Array, axes: readonly number[]): Array {
  return bind1(P.gatherP, [x, asIndex("gather", idx)], { axes: [...axes] });
}

export interface ScatterOptions {
  /**
   * The caller promises that no two index rows name the same element (JAX's `unique_indices`). Backends may
   * then update in parallel without ordering duplicates (webgpu: one thread per update instead of per
   * output element). Results are unspecified if the promise is broken.
   */
  readonly uniqueIndices?: boolean;
}

const scatterParams = (axes: readonly number[], opts: ScatterOptions) => (opts.uniqueIndices ? { axes: [...axes], uniqueIndices: true } : { axes: [...axes] });

export function scatterAdd(x: Array, idx: Array, updates: ArrayLike, axes: readonly number[], opts: ScatterOptions = {}): Array {
  const u = convertElementType(asArray(updates), x.dtype, x.weakType);
  return bind1(P.scatterAddP, [x, asIndex("scatterAdd", idx), u], scatterParams(axes, opts));
}

export function scatter(x: Array, idx: Array, updates: ArrayLike, axes: readonly number[], opts: ScatterOptions = {}): Array {
  const u = convertElementType(asArray(updates), x.dtype, x.weakType);
  return bind1(P.scatterP, [x, asIndex("scatter", idx), u], scatterParams(axes, opts));
}

const reducer = (p: Primitive) => (x: ArrayLike, axes?: number | readonly number[] | null): Array => {
  const a = asArray(x);
  const ax = normalizeAxes(p.name, axes, a.ndim);
  if (ax.length === 0) return a;
  return bind1(p, [a], { axes: ax.sort((i, j) => i - j) });
};
export const reduceSum = reducer(P.reduceSumP);
export const reduceMax = reducer(P.reduceMaxP);
export const reduceMin = reducer(P.reduceMinP);
export const reduceProd = reducer(P.reduceProdP);
export const reduceAnd = reducer(P.reduceAndP);
export const reduceOr = reducer(P.reduceOrP);

export function argmax(x: Array, axis: number, indexDtype: DType = "int32"): Array {
  return bind1(P.argmaxP, [x], { axis, indexDtype });
}
export function argmin(x: Array, axis: number, indexDtype: DType = "int32"): Array {
  return bind1(P.argminP, [x], { axis, indexDtype });
}
export function cumsum(x: Array, axis: number, reverse = false): Array {
  return bind1(P.cumsumP, [x], { axis, reverse });
}

export interface DotDimensionNumbers {
  readonly contracting: readonly [readonly number[], readonly number[]];
  readonly batch?: readonly [readonly number[], readonly number[]];
}

/** XLA DotGeneral: output dims are batch, then a's free dims, then b's free dims. */
export function dotGeneral(a: ArrayLike, b: ArrayLike, dims: DotDimensionNumbers): Array {
  const [x, y] = promote("dotGeneral", a, b);
  const batch = dims.batch ?? [[], []];
  return bind1(P.dotGeneralP, [x, y], {
    contracting: [[...dims.contracting[0]], [...dims.contracting[1]]],
    batch: [[...batch[0]], [...batch[1]]],
  });
}

/** Sort operands along `dimension` by the first one (stable; NaN last ascending). */
export function sort(operands: readonly Array[], dimension: number, descending = false): Array[] {
  return bind(P.sortP, operands, { dimension, descending });
}

export function threefry2x32(k0: Array, k1: Array, x0: Array, x1: Array): [Array, Array] {
  const shape = broadcastShapes("threefry2x32", k0.shape, k1.shape, x0.shape, x1.shape);
  const args = [k0, k1, x0, x1].map((a) => {
    if (a.dtype !== "uint32") throw new DTypeError(`threefry2x32: operands must be uint32, got ${avalStr(a.aval)}`);
    return broadcastTo(a, shape, "threefry2x32");
  });
  const [y0, y1] = bind(P.threefry2x32P, args);
  return [y0, y1];
}

export const isFloatArray = (x: Array): boolean => isFloat(x.dtype);

/** Clamp an int32 scalar index into [0, n-1] (lax.switch semantics). */
export function clampIndex(i: Array, n: number): Array {
  return min(max(i, 0), n - 1);
}
