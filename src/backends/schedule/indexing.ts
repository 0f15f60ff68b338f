// Lowering of the data-movement primitives that are not pure views: pad and concatenate (boxes of one
// buffer, kept symbolic as pieces), dynamicSlice (a view with dynamic offsets), dynamicUpdateSlice (a copy and
// a store at dynamic offsets), gather (loads with indices) and scatter (a sequential step).

import { type Atom, type Eqn, Literal } from "../../core/jaxpr.ts";
import { type Shape, prod, stridesOf } from "../../core/shape.ts";
import { type DynOffset, type Expr, type Step, exprReads } from "./ir.ts";
import { type LoweringContext, type Piece, type Val } from "./values.ts";
import { sliceView } from "./views.ts";

/** XLA pad: fill with the pad value, then store the part of x that lands inside through a strided view. */
export function pad(cx: LoweringContext, e: Eqn, [x, v]: Val[]): void {
  const out = e.outvars[0];
  const config = e.params.config as [number, number, number][];
  if (config.every(([lo, hi, int]) => lo === 0 && hi === 0 && int === 0)) return cx.define(out, x.expr);
  const outShape = out.aval.shape;
  if (v.expr.kind === "const" && Object.is(v.expr.value, 0) && config.every(([, , int]) => int === 0)) {
    // Zero padding: one box, kept symbolic.
    const first = config.map(([lo]) => Math.max(0, -lo));
    const box = x.aval.shape.map((n, d) => Math.max(0, Math.min(n, outShape[d] - config[d][0]) - first[d]));
    const start = config.map(([lo], d) => lo + first[d]);
    return cx.definePieces(out, prod(box) > 0 ? [{ expr: cx.viewed(x, (w) => sliceView(w, first, null)), box, start }] : []);
  }
  const buf = cx.bufferFor(out, out.aval);
  cx.f.addValue(buf, cx.viewed(v, (w) => ({ ...w, strides: outShape.map(() => 0) })), outShape);
  const ost = stridesOf(outShape);
  const box: number[] = [];
  const start: number[] = [];
  let dst = 0;
  const dstStrides: number[] = [];
  x.aval.shape.forEach((n, d) => {
    const [lo, , interior] = config[d];
    const step = interior + 1;
    const first = lo < 0 ? Math.ceil(-lo / step) : 0;
    const end = Math.min(n, Math.floor((outShape[d] - 1 - lo) / step) + 1);
    box.push(Math.max(end - first, 0));
    start.push(first);
    dst += (lo + first * step) * ost[d];
    dstStrides.push(ost[d] * step);
  });
  if (prod(box) > 0) cx.f.addStore(buf, cx.viewed(x, (w) => sliceView(w, start, null)), box, { offset: dst, strides: dstStrides });
  cx.defineBuffer(out, buf);
}

export function concatenate(cx: LoweringContext, e: Eqn, ins: Val[]): void {
  const out = e.outvars[0];
  const dim = e.params.dimension as number;
  const pieces: Piece[] = [];
  let at = 0;
  for (const x of ins) {
    if (prod(x.aval.shape) > 0) pieces.push({ expr: x.expr, box: x.aval.shape, start: x.aval.shape.map((_, d) => (d === dim ? at : 0)) });
    at += x.aval.shape[dim];
  }
  cx.definePieces(out, pieces);
}

/** Start offsets of dynamicSlice / dynamicUpdateSlice: static for literals, dynamic terms otherwise. */
function startOffsets(cx: LoweringContext, starts: Val[], atoms: readonly Atom[], shape: Shape, sizes: Shape, strides: readonly number[]): { offset: number; dyn: DynOffset[] } {
  let offset = 0;
  const dyn: DynOffset[] = [];
  starts.forEach((s, d) => {
    const max = shape[d] - sizes[d];
    const a = atoms[d];
    if (a instanceof Literal) offset += Math.min(Math.max(Math.trunc(a.value), 0), max) * strides[d];
    else if (max > 0 && strides[d] !== 0) dyn.push({ buf: cx.materialize(s), dtype: s.aval.dtype, stride: strides[d], max });
  });
  return { offset, dyn };
}

export function dynamicSlice(cx: LoweringContext, e: Eqn, [x, ...starts]: Val[]): void {
  const out = e.outvars[0];
  const sizes = e.params.sliceSizes as number[];
  const atoms = e.inputs.slice(1);
  const expr = cx.viewed(x, (v) => {
    const { offset, dyn } = startOffsets(cx, starts, atoms, x.aval.shape, sizes, v.strides);
    const all = [...(v.dyn ?? []), ...dyn];
    return all.length > 0 ? { offset: v.offset + offset, strides: v.strides, dyn: all } : { offset: v.offset + offset, strides: v.strides };
  });
  cx.define(out, expr);
}

export function dynamicUpdateSlice(cx: LoweringContext, e: Eqn, [x, u, ...starts]: Val[]): void {
  const out = e.outvars[0];
  const buf = cx.bufferFor(out, out.aval);
  const shape = x.aval.shape;
  cx.f.addValue(buf, x.expr, shape);
  if (prod(u.aval.shape) > 0) {
    const st = stridesOf(shape);
    const { offset, dyn } = startOffsets(cx, starts, e.inputs.slice(2), shape, u.aval.shape, st);
    cx.f.addStore(buf, u.expr, u.aval.shape, dyn.length > 0 ? { offset, strides: st, dyn } : { offset, strides: st });
  }
  cx.defineBuffer(out, buf);
}

/** gather: a load whose address adds clamped indices read from idx at the same point (fuses both ways). */
export function gather(cx: LoweringContext, e: Eqn, [x, idx]: Val[]): void {
  const out = e.outvars[0];
  const axes = e.params.axes as number[];
  if (x.expr.kind !== "load" || x.expr.index !== undefined) cx.materialize(x);
  const xe = x.expr as Extract<Expr, { kind: "load" }>;
  const xv = xe.view;
  const nb = idx.aval.shape.length - 1;
  const rest = x.aval.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const zeros = rest.map(() => 0);
  const index = axes.map((a, j) => {
    const expr = cx.viewed(idx, (v) => ({ ...v, offset: v.offset + j * v.strides[nb], strides: [...v.strides.slice(0, nb), ...zeros] }));
    return { expr, stride: xv.strides[a], max: x.aval.shape[a] - 1 };
  });
  const view = { ...xv, strides: [...Array(nb).fill(0), ...rest.map((d) => xv.strides[d])] };
  cx.define(out, cx.f.pool.load(xe.buf, xe.dtype, view, index));
}

/** scatter(Add): copy the operand into the output buffer, then one sequential scatter step into it. */
export function scatter(cx: LoweringContext, e: Eqn, [x, idx, u]: Val[], add: boolean): void {
  const out = e.outvars[0];
  const axes = e.params.axes as number[];
  const shape = x.aval.shape;
  const buf = cx.bufferFor(out, out.aval);
  cx.f.addValue(buf, x.expr, shape);
  const nb = idx.aval.shape.length - 1;
  const batch = idx.aval.shape.slice(0, nb);
  const restDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const st = stridesOf(shape);
  if (prod(batch) > 0 && prod(u.aval.shape) > 0) {
    const index = axes.map((_, j) => cx.viewed(idx, (v) => ({ ...v, offset: v.offset + j * v.strides[nb], strides: v.strides.slice(0, nb) })));
    const step: Step = {
      kind: "scatter", add, buf, batch, rest: restDims.map((d) => shape[d]), index,
      axisStrides: axes.map((a) => st[a]), axisDims: axes.map((a) => shape[a]), restStrides: restDims.map((d) => st[d]), updates: u.expr,
    };
    cx.f.addStep(step, [buf, ...exprReads([...index, u.expr])], [buf]);
  }
  cx.defineBuffer(out, buf);
}

