// Evaluating kernel expressions inside generated loops. Every load and iota node reads through a cursor: an
// i32 local holding its current byte address (element index for iota) that the loop nest advances. Nodes
// are computed once per iteration into v128 locals, at the loop level where they last change (constants at
// entry, values invariant in the innermost loop before it), in two modes: vector (4 consecutive points
// of the innermost dim) and scalar (one point, splatted; used for tails and single points).

import type { DType } from "../../../core/dtype.ts";
import { itemsize } from "../../../core/dtype.ts";
import { type BufId, type Expr, type View, topoOrder } from "../../schedule/ir.ts";
import type { Func } from "../wasm/module.ts";
import { Op, Simd as S, T } from "../wasm/opcodes.ts";
import { type AluContext, emitAlu } from "./alu.ts";

export interface Cursor {
  /** The kernel slot whose pointer is the base (null for iota: the index value itself). */
  readonly slot: number | null;
  readonly dtype: DType;
  /** Element offset and strides over the loop dims. */
  readonly view: View;
  /** Current byte address (or index) at the innermost point; maintained by the loop nest. */
  readonly local: number;
  /** Dynamic offset terms: clamp(slot's int32 or uint32 scalar, 0, max) * stride elements. */
  readonly dyn?: readonly { readonly slot: number; readonly unsigned: boolean; readonly stride: number; readonly max: number }[];
}

/** A cursor for `view` (registering the slots of its dynamic terms). */
export function makeCursor(f: Func, slots: Slots, slot: number | null, dtype: DType, view: View): Cursor {
  const dyn = view.dyn?.map((d) => ({ slot: slots.slot(d.buf), unsigned: d.dtype === "uint32", stride: d.stride, max: d.max }));
  return { slot, dtype, view, local: f.local(T.i32), dyn };
}

/** cursor += sum of its dynamic terms (in bytes), reading the scalars through the slot pointers. */
export function addDynamic(f: Func, c: Cursor, ptrs: readonly number[]): void {
  if (!c.dyn) return;
  const scale = scaleOf(c);
  for (const d of c.dyn) {
    const v = f.local(T.i32);
    f.get(ptrs[d.slot]).mem(Op.i32_load, 2).set(v);
    // clamp(v, 0, max) in the start's dtype: unsigned, min(v, max) alone (2^31 and up are large, not negative)
    if (!d.unsigned) f.get(v).i32(0).get(v).i32(0).op(Op.i32_gt_s).op(Op.select).set(v);
    f.get(v).i32(d.max).get(v).i32(d.max).op(d.unsigned ? Op.i32_lt_u : Op.i32_lt_s).op(Op.select).set(v);
    f.get(c.local).get(v).i32(d.stride * scale).op(Op.i32_mul).op(Op.i32_add).set(c.local);
  }
}

export const scaleOf = (c: Cursor): number => (c.slot === null ? 1 : itemsize(c.dtype));

/** Load 4 (vector) or 1 (scalar, splatted) elements of a cursor with innermost stride s (elements). */
export function emitLoad(f: Func, c: Cursor, s: number, vector: boolean): void {
  const a = c.local;
  if (c.slot === null) {
    // iota: the index itself, as the iota's dtype.
    f.get(a).simd(S.i32x4_splat);
    if (vector && s !== 0) f.v128(laneBytes([0, s, 2 * s, 3 * s])).simd(S.i32x4_add);
    if (c.dtype === "float32") f.simd(S.f32x4_convert_i32x4_s);
    return;
  }
  const d = c.dtype;
  if (d === "bool") {
    if (!vector || s === 0) {
      f.get(a).mem(Op.i32_load8_u, 0).simd(S.i32x4_splat);
    } else if (s === 1) {
      f.get(a).simdMem(S.v128_load32_zero, 0).simd(S.i16x8_extend_low_i8x16_u).simd(S.i32x4_extend_low_i16x8_u);
    } else {
      f.i32x4(0);
      for (let l = 0; l < 4; l++) laneAddr(f, a, l * s).mem(Op.i32_load8_u, 0, Math.max(0, l * s)).lane(S.i32x4_replace_lane, l);
    }
    f.i32x4(0).simd(S.i32x4_ne);
    return;
  }
  const fl = d === "float32";
  if (!vector || s === 0) {
    f.get(a).simdMem(S.v128_load32_splat, 2);
  } else if (s === 1) {
    f.get(a).simdMem(S.v128_load, 2);
  } else {
    f.get(a).simdMem(S.v128_load32_splat, 2);
    for (let l = 1; l < 4; l++) {
      laneAddr(f, a, l * s * 4).mem(fl ? Op.f32_load : Op.i32_load, 2, Math.max(0, l * s * 4));
      f.lane(fl ? S.f32x4_replace_lane : S.i32x4_replace_lane, l);
    }
  }
}

/**
 * A gathered load: per lane, address = cursor + lane * s (vector mode) + sum clamp(index, 0, max) * stride,
 * all in bytes (the clamp in the index's dtype); then one scalar load per lane.
 */
export function emitGatherLoad(f: Func, c: Cursor, s: number, vector: boolean, terms: readonly { local: number; unsigned: boolean; stride: number; max: number }[]): void {
  const scale = scaleOf(c);
  const addr = f.local(T.v128);
  f.get(c.local).simd(S.i32x4_splat);
  if (vector && s !== 0) f.v128(laneBytes([0, s * scale, 2 * s * scale, 3 * s * scale])).simd(S.i32x4_add);
  for (const t of terms) {
    // A uint32 index of 2^31 or more is large, not negative: it clamps to max.
    if (t.unsigned) f.get(t.local).i32x4(t.max).simd(S.i32x4_min_u);
    else f.get(t.local).i32x4(0).simd(S.i32x4_max_s).i32x4(t.max).simd(S.i32x4_min_s);
    f.i32x4(t.stride * scale).simd(S.i32x4_mul).simd(S.i32x4_add);
  }
  f.set(addr);
  const bool = c.dtype === "bool";
  const fl = c.dtype === "float32";
  f.i32x4(0);
  for (let l = 0; l < (vector ? 4 : 1); l++) {
    f.get(addr).lane(S.i32x4_extract_lane, l);
    if (bool) f.mem(Op.i32_load8_u, 0).lane(S.i32x4_replace_lane, l);
    else if (fl) f.mem(Op.f32_load, 2).lane(S.f32x4_replace_lane, l);
    else f.mem(Op.i32_load, 2).lane(S.i32x4_replace_lane, l);
  }
  if (!vector) {
    // splat lane 0
    f.set(addr).get(addr).get(addr).shuffle([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  }
  if (bool) f.i32x4(0).simd(S.i32x4_ne);
}

/** Load a leaf (load or iota node) through its cursor, gathering when the load has index terms. */
export function emitLeaf(f: Func, em: ExprEmitter, e: Expr, c: Cursor, s: number, vector: boolean): void {
  if (e.kind === "load" && e.index) {
    return emitGatherLoad(f, c, s, vector, e.index.map((t) => ({ local: em.local(t.expr), unsigned: t.expr.dtype === "uint32", stride: t.stride, max: t.max })));
  }
  emitLoad(f, c, s, vector);
}

/** Push the address local + delta bytes (negative deltas are added; positive ones go in the memarg). */
function laneAddr(f: Func, a: number, delta: number): Func {
  f.get(a);
  if (delta < 0) f.i32(delta).op(Op.i32_add);
  return f;
}

export function laneBytes(xs: readonly number[]): number[] {
  const dv = new DataView(new ArrayBuffer(16));
  xs.forEach((x, i) => dv.setInt32(i * 4, x, true));
  return Array.from(new Uint8Array(dv.buffer));
}

/** Store the v128 in local v to 4 (vector) or 1 (scalar: lane 0) elements at cursor c with innermost stride s. */
export function emitStore(f: Func, c: Cursor, s: number, vector: boolean, v: number): void {
  const a = c.local;
  if (c.dtype === "bool") {
    if (vector && s === 1) {
      // 0/1 lanes narrowed to bytes 0..3, stored as one 32-bit lane.
      f.get(a).get(v).i32x4(1).simd(S.v128_and).i32x4(0).simd(S.i16x8_narrow_i32x4_u).i32x4(0).simd(S.i8x16_narrow_i16x8_u);
      f.simdLane(S.v128_store32_lane, 0, 0, 0);
      return;
    }
    const n = vector ? 4 : 1;
    for (let l = 0; l < n; l++) laneAddr(f, a, l * s).get(v).lane(S.i32x4_extract_lane, l).i32(1).op(Op.i32_and).mem(Op.i32_store8, 0, Math.max(0, l * s));
    return;
  }
  if (vector && s === 1) {
    f.get(a).get(v).simdMem(S.v128_store, 2);
    return;
  }
  const n = vector ? 4 : 1;
  for (let l = 0; l < n; l++) laneAddr(f, a, l * s * 4).get(v).simdLane(S.v128_store32_lane, 2, Math.max(0, l * s * 4), l);
}

/**
 * Evaluates expression DAGs: `tierOf` says at which loop level a node is computed (0 = entry,
 * 1 = before the innermost loop, 2 = inside it). `leaf` emits load/iota/acc nodes.
 */
export class ExprEmitter {
  readonly locals = new Map<Expr, number>();
  constructor(
    readonly ctx: AluContext,
    private readonly leaf: (e: Expr, vector: boolean) => void,
  ) {}

  get f(): Func {
    return this.ctx.f;
  }

  /** Compute every node of `roots` whose tier is `tier` (in dependency order) into its local. */
  emitTier(roots: readonly Expr[], tierOf: (e: Expr) => number, tier: number, vector: boolean): void {
    for (const e of topoOrder(roots)) {
      if (tierOf(e) !== tier) continue;
      const l = this.locals.get(e) ?? this.f.local(T.v128);
      this.locals.set(e, l);
      this.value(e, vector);
      this.f.set(l);
    }
  }

  private value(e: Expr, vector: boolean): void {
    const f = this.f;
    switch (e.kind) {
      case "const":
        return constVec(f, e.dtype, e.value);
      case "op":
        return emitAlu(this.ctx, e, e.args.map((a) => this.local(a)));
      default:
        return this.leaf(e, vector);
    }
  }

  local(e: Expr): number {
    const l = this.locals.get(e);
    if (l === undefined) throw new Error(`codegen: node ${e.kind} used before it is computed`);
    return l;
  }
}

export function constVec(f: Func, d: DType, value: number): void {
  if (d === "float32") f.f32x4(value);
  else if (d === "bool") f.i32x4(value ? -1 : 0);
  else f.i32x4(value | 0);
}

/** The tier of each node: max over its leaves of (0 if the leaf never changes, 1 if only outer dims move it, 2 otherwise). */
export function tiers(roots: readonly Expr[], leafTier: (e: Expr) => number): Map<Expr, number> {
  const t = new Map<Expr, number>();
  for (const e of topoOrder(roots)) {
    if (e.kind === "const") t.set(e, 0);
    else if (e.kind === "op") t.set(e, Math.max(0, ...e.args.map((a) => t.get(a)!)));
    else if (e.kind === "load" && e.index) t.set(e, Math.max(leafTier(e), ...e.index.map((x) => t.get(x.expr)!)));
    else t.set(e, leafTier(e));
  }
  return t;
}

const HEAVY = new Set(["exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "logistic", "erf", "div", "sqrt", "threefry2x32"]);

/** Rough cost of evaluating these expressions once (ALU ops, transcendental ones weighted), at least 1. */
export function exprCost(roots: readonly Expr[]): number {
  let c = 0;
  for (const e of topoOrder(roots)) if (e.kind === "op") c += HEAVY.has(e.op) ? 10 : 1;
  return Math.max(1, c);
}

/** Kernel slots: the buffers a kernel touches, in a fixed order (the arg block layout). */
export class Slots {
  readonly bufs: BufId[] = [];
  private readonly index = new Map<BufId, number>();
  slot(b: BufId): number {
    let i = this.index.get(b);
    if (i === undefined) {
      i = this.bufs.length;
      this.bufs.push(b);
      this.index.set(b, i);
    }
    return i;
  }
}

/** Load the slot pointers from the arg block (param 0) into fresh locals. */
export function loadSlotPointers(f: Func, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = f.local(T.i32);
    f.get(0).mem(Op.i32_load, 2, i * 4).set(l);
    out.push(l);
  }
  return out;
}
