// WGSL for the primitives the scheduler leaves as opaque steps ("fallback" steps: on the CPU they run the
// reference implementation; here each has a kernel of its own): gather, scatter(Add), argmax/argmin,
// cumsum, pad, concatenate, dynamic(Update)Slice, threefry2x32 and sort (sort.ts).
//
// Semantics are the reference's (reference/kernels/*.ts). Scatters are atomics-free: a thread owns a fixed
// set of output elements and walks the updates in batch order, so duplicates accumulate (or overwrite)
// exactly in the reference's order and float sums match it bit for bit.

import type { ShapedArray } from "../../../core/aval.ts";
import type { DType } from "../../../core/dtype.ts";
import * as P from "../../../core/primitives.ts";
import { prod, stridesOf } from "../../../core/shape.ts";
import type { BufId, Step } from "../../schedule/ir.ts";
import { storageType, wgslType } from "./alu.ts";
import {
  type CodegenContext, type Dispatch, type KernelPlan, type PlanOp, type Ref, ShaderBuilder, WG, grid, offsetOf,
  splitIndex, workgroupIndex,
} from "./shader.ts";
import { emitSort } from "./sort.ts";

type FallbackStep = Extract<Step, { kind: "fallback" }>;

export interface Operand {
  readonly ref: Ref;
  readonly aval: ShapedArray;
}

/** Consts of a kernel plan under construction (literal operands become one-element constant buffers). */
export class ConstTable {
  readonly data: ArrayBuffer[] = [];
  add(buf: ArrayBuffer): Ref {
    this.data.push(buf);
    return { t: "const", i: this.data.length - 1 };
  }
}

export function literalBuffer(value: number, d: DType): ArrayBuffer {
  const out = new ArrayBuffer(4);
  if (d === "float32") new Float32Array(out)[0] = value;
  else if (d === "int32") new Int32Array(out)[0] = value;
  else new Uint32Array(out)[0] = d === "bool" ? (value ? 1 : 0) : value;
  return out;
}

export function emitFallback(s: FallbackStep, cx: CodegenContext): KernelPlan {
  const consts = new ConstTable();
  const ins: Operand[] = s.inputs.map((x, i) => ({
    ref: typeof x === "number" ? ({ t: "buf", id: x } as Ref) : consts.add(literalBuffer(x.literal, s.inAvals[i].dtype)),
    aval: s.inAvals[i],
  }));
  const outs: Operand[] = s.outputs.map((b: BufId, i) => ({ ref: { t: "buf", id: b }, aval: s.outAvals[i] }));
  const p = s.params;
  const plan = (ops: PlanOp[], scratch: number[] = []): KernelPlan => ({ scratch, consts: consts.data, ops });
  const one = (d: Dispatch | null): KernelPlan => plan(d === null ? [] : [{ op: "dispatch", d }]);
  switch (s.primitive) {
    case P.gatherP:
      return one(gather(ins[0], ins[1], outs[0], p.axes, cx));
    case P.scatterAddP:
    case P.scatterP:
      return plan(scatter(ins[0], ins[1], ins[2], outs[0], p.axes, s.primitive === P.scatterAddP, p.uniqueIndices === true, p.lanes as number | undefined, cx));
    case P.argmaxP:
    case P.argminP:
      return one(argReduce(ins[0], outs[0], p.axis, s.primitive === P.argmaxP, cx));
    case P.cumsumP:
      return one(cumsum(ins[0], outs[0], p.axis, p.reverse, cx));
    case P.padP:
      return one(pad(ins[0], ins[1], outs[0], p.config, cx));
    case P.concatenateP:
      return plan(concatenate(ins, outs[0], p.dimension, cx));
    case P.dynamicSliceP:
      return one(dynamicSlice(ins[0], ins.slice(1), outs[0], cx));
    case P.dynamicUpdateSliceP:
      return plan(dynamicUpdateSlice(ins[0], ins[1], ins.slice(2), outs[0], cx));
    case P.threefry2x32P:
      return one(threefry(ins, outs, cx));
    case P.sortP: {
      const r = emitSort(ins, outs, p.dimension, p.descending, cx);
      return plan(r.ops, r.scratch);
    }
    default:
      if (s.primitive.name === "customLin") {
        throw new TypeError(
          `can't apply forward-mode autodiff (jvp) to a customVjp function (${p.name}); use reverse mode (grad/vjp), ` +
            `or define the function with customJvp instead`,
        );
      }
      throw new Error(`webgpu backend: no kernel for primitive "${s.primitive.name}"`);
  }
}

/** A 1-D kernel with one thread per element of [0, n); `body` gets the index name `t`. */
export function perElement(n: number, cx: CodegenContext, sb: ShaderBuilder, body: (lines: string[]) => void, shared?: string[]): Dispatch | null {
  if (n === 0) return null;
  const groups = grid(Math.ceil(n / WG), cx.maxGroupsPerDim);
  const lines = [`let t = ${workgroupIndex(sb, groups)} * ${WG}u + lidx;`, `if (t >= ${sb.u(n)}) { return; }`];
  body(lines);
  return sb.dispatch(lines, groups, { shared });
}

const arr = (sb: ShaderBuilder, o: Operand, write = false) => sb.buffer(o.ref, o.aval.dtype, write);

/** An index operand element as a u32 clamped into [0, dim - 1] (gather's out-of-bounds rule). */
function clampedIndex(sb: ShaderBuilder, v: string, d: DType, dim: number): string {
  return d === "int32" ? `u32(clamp(${v}, 0i, ${sb.i(dim - 1)}))` : `min(${v}, ${sb.u(dim - 1)})`;
}

/** Offset of rest-position `r` (over the dims of x not in `axes`) as a u32 expression. */
function restOffset(sb: ShaderBuilder, lines: string[], r: string, shape: readonly number[], axes: readonly number[]): string {
  const st = stridesOf(shape);
  const dims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const idx = splitIndex(sb, lines, r, dims.map((d) => shape[d]));
  return offsetOf(sb, { offset: 0, strides: dims.map((d) => st[d]) }, idx);
}

function gather(x: Operand, idx: Operand, out: Operand, axes: readonly number[], cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const shape = x.aval.shape;
  const st = stridesOf(shape);
  const R = prod(shape.filter((_, d) => !axes.includes(d)));
  const k = axes.length;
  return perElement(prod(out.aval.shape), cx, sb, (lines) => {
    const X = arr(sb, x);
    const I = arr(sb, idx);
    lines.push(`let R = ${sb.u(R)};`, "let bq = t / R;", "let r = t % R;");
    const rest = restOffset(sb, lines, "r", shape, axes);
    const terms = axes.map((a, j) => `${clampedIndex(sb, `${I}[bq * ${k}u + ${j}u]`, idx.aval.dtype, shape[a])} * ${sb.u(st[a])}`);
    lines.push(`${arr(sb, out, true)}[t] = ${X}[${[...terms, rest].join(" + ")}];`);
  });
}

/**
 * Without atomics, and in the reference's order: a thread owns output positions and walks every update row in
 * batch order (duplicates then add, or overwrite, exactly as the reference does), which costs outputs x rows.
 * With unique indices (vmap of dynamicUpdateSlice, lax.scatter(..., {uniqueIndices: true})) no two rows meet,
 * so one thread per (row, rest position) writes its element directly. Under vmap (`lanes`: rows in equal
 * blocks by lane, operand axis 0 the lane) a thread owning a position of lane L walks lane L's rows only.
 */
function scatter(x: Operand, idx: Operand, upd: Operand, out: Operand, axes: readonly number[], add: boolean, unique: boolean, lanes: number | undefined, cx: CodegenContext): PlanOp[] {
  const shape = x.aval.shape;
  const ops: PlanOp[] = [{ op: "copy", src: x.ref, dst: out.ref, bytes: 4 * prod(shape) }];
  const R = prod(shape.filter((_, d) => !axes.includes(d)));
  const B = prod(idx.aval.shape.slice(0, -1));
  const A = prod(axes.map((a) => shape[a]));
  const k = axes.length;
  if (B === 0 || R === 0) return ops;
  if (unique) {
    const d = scatterUnique(idx, upd, out, axes, add, R, cx);
    if (d !== null) ops.push({ op: "dispatch", d });
    return ops;
  }
  // Threads own (axis position, rest position) pairs when rest positions alone give little parallelism.
  const byPosition = R < WG && A * R <= 1 << 22;
  const sb = new ShaderBuilder(cx);
  const d = perElement(byPosition ? A * R : R, cx, sb, (lines) => {
    const I = arr(sb, idx);
    const U = arr(sb, upd);
    const O = arr(sb, out, true);
    lines.push(`let R = ${sb.u(R)};`, byPosition ? "let a = t / R;" : "", "let r = t % R;");
    const rest = restOffset(sb, lines, "r", shape, axes);
    // vmap's lane blocks: positions of lane L (axis 0, the most significant of `a`) meet only rows of block L.
    const blocked = byPosition && lanes !== undefined && axes[0] === 0 && shape[0] === lanes && B % lanes === 0 && lanes > 1;
    if (blocked) {
      lines.push(`let rows = ${sb.u(B / lanes)};`, `let lane = a / ${sb.u(A / lanes)};`);
      lines.push("for (var b = lane * rows; b < (lane + 1u) * rows; b = b + 1u) {");
    } else {
      lines.push(`for (var b = 0u; b < ${sb.u(B)}; b = b + 1u) {`);
    }
    // A thread owning axis position `a` takes only the rows that land there.
    const elsewhere = byPosition && k > 0 ? `${axes.map((a, j) => `u32(j${j}) * ${sb.u(prod(axes.slice(j + 1).map((x) => shape[x])))}`).join(" + ")} != a` : null;
    emitRowUpdate(sb, lines, { idx, out, axes, rest, add, I, O, value: `${U}[b * R + r]`, skip: "continue", elsewhere, indent: "  " });
    lines.push("}");
  });
  if (d !== null) ops.push({ op: "dispatch", d });
  return ops;
}

function scatterUnique(idx: Operand, upd: Operand, out: Operand, axes: readonly number[], add: boolean, R: number, cx: CodegenContext): Dispatch | null {
  const shape = out.aval.shape;
  const B = prod(idx.aval.shape.slice(0, -1));
  const sb = new ShaderBuilder(cx);
  return perElement(B * R, cx, sb, (lines) => {
    const I = arr(sb, idx);
    const U = arr(sb, upd);
    const O = arr(sb, out, true);
    lines.push(`let R = ${sb.u(R)};`, "let b = t / R;", "let r = t % R;");
    const rest = restOffset(sb, lines, "r", shape, axes);
    emitRowUpdate(sb, lines, { idx, out, axes, rest, add, I, O, value: `${U}[t]`, skip: "return", elsewhere: null, indent: "" });
  });
}

/**
 * Row b's update of one element: its index columns j0.. (uint32 indices saturate into i32), out-of-bounds rows
 * skipped as the reference drops them (`skip`: continue in a loop over rows, return in a thread per row), an
 * optional further skip condition, the target offset o (axis positions plus the rest offset), then the write
 * (add for scatterAdd, or for bool, set otherwise).
 */
function emitRowUpdate(
  sb: ShaderBuilder,
  lines: string[],
  o: { idx: Operand; out: Operand; axes: readonly number[]; rest: string; add: boolean; I: string; O: string; value: string; skip: "continue" | "return"; elsewhere: string | null; indent: string },
): void {
  const { axes, indent: p, I, O, value: u } = o;
  const shape = o.out.aval.shape;
  const st = stridesOf(shape);
  const k = axes.length;
  const col = (j: number) => `${I}[b * ${k}u + ${j}u]`;
  axes.forEach((_, j) => lines.push(`${p}let j${j} = ${o.idx.aval.dtype === "int32" ? col(j) : `i32(min(${col(j)}, 2147483647u))`};`));
  if (k > 0) lines.push(`${p}if (${axes.map((a, j) => `j${j} < 0i || j${j} >= ${sb.i(shape[a])}`).join(" || ")}) { ${o.skip}; }`);
  if (o.elsewhere !== null) lines.push(`${p}if (${o.elsewhere}) { ${o.skip}; }`);
  lines.push(`${p}let o = ${[...axes.map((a, j) => `u32(j${j}) * ${sb.u(st[a])}`), o.rest].join(" + ")};`);
  const merged = o.out.aval.dtype === "bool" ? `${O}[o] | ${u}` : `${O}[o] + ${u}`;
  lines.push(`${p}${O}[o] = ${o.add ? merged : u};`);
}

function around(shape: readonly number[], axis: number) {
  return { outer: prod(shape.slice(0, axis)), len: shape[axis], inner: prod(shape.slice(axis + 1)) };
}

function argReduce(x: Operand, out: Operand, axis: number, isMax: boolean, cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const { outer, len, inner } = around(x.aval.shape, axis);
  const float = x.aval.dtype === "float32";
  if (float) sb.need("is_nan");
  return perElement(outer * inner, cx, sb, (lines) => {
    const X = arr(sb, x);
    const better = isMax ? "v > best" : "v < best";
    lines.push(
      `let inner = ${sb.u(inner)};`,
      `let first = (t / inner) * ${sb.u(len * inner)} + t % inner;`,
      `var best = ${X}[first];`,
      "var at = 0u;",
      float ? "if (!is_nan(best)) {" : "{",
      `  for (var k = 1u; k < ${sb.u(len)}; k = k + 1u) {`,
      `    let v = ${X}[first + k * inner];`,
      float ? "    if (is_nan(v)) { at = k; break; }" : "",
      `    if (${better}) { best = v; at = k; }`,
      "  }",
      "}",
      `${arr(sb, out, true)}[t] = ${storageType(out.aval.dtype) === "u32" ? "at" : `${wgslType(out.aval.dtype)}(at)`};`,
    );
  });
}

function cumsum(x: Operand, out: Operand, axis: number, reverse: boolean, cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const { outer, len, inner } = around(x.aval.shape, axis);
  const T = storageType(x.aval.dtype);
  const float = x.aval.dtype === "float32";
  return perElement(outer * inner, cx, sb, (lines) => {
    const X = arr(sb, x);
    const O = arr(sb, out, true);
    lines.push(
      `let inner = ${sb.u(inner)};`,
      `let len = ${sb.u(len)};`,
      `let first = (t / inner) * len * inner + t % inner;`,
      `var acc: ${T} = ${T}(0);`,
      // Kahan compensation brings the float32 running sum close to the reference's float64 one. The
      // multiplication by a 1 the compiler cannot see through keeps it from simplifying (s - acc) - y to 0.
      "var comp = 0.0f;",
      `let one = select(1.0f, 0.0f, t == 4294967295u);`,
      "for (var kk = 0u; kk < len; kk = kk + 1u) {",
      `  let p = first + ${reverse ? "(len - 1u - kk)" : "kk"} * inner;`,
      float
        ? `  let y = ${X}[p] - comp;\n    let s = (acc + y) * one;\n    comp = (s - acc) - y;\n    acc = s;`
        : `  acc = acc + ${X}[p];`,
      `  ${O}[p] = acc;`,
      "}",
    );
  });
}

function pad(x: Operand, v: Operand, out: Operand, config: readonly (readonly [number, number, number])[], cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const shape = x.aval.shape;
  const oshape = out.aval.shape;
  const xst = stridesOf(shape);
  return perElement(prod(oshape), cx, sb, (lines) => {
    const V = arr(sb, v);
    const empty = shape.some((n) => n === 0);
    const idx = splitIndex(sb, lines, "t", oshape);
    lines.push("var inside = true;", "var src = 0u;");
    config.forEach(([lo, , interior], d) => {
      const step = interior + 1;
      lines.push(
        "{",
        `  let q = i32(${idx[d]}) - ${sb.i(lo)};`,
        `  let step = ${sb.i(step)};`,
        `  if (q < 0i || q % step != 0i || q / step >= ${sb.i(shape[d])}) { inside = false; }`,
        `  else { src = src + u32(q / step) * ${sb.u(xst[d])}; }`,
        "}",
      );
    });
    // An empty operand is all padding (and must not be bound: WebGPU drops unused bindings from the layout).
    lines.push(`${arr(sb, out, true)}[t] = select(${V}[0], ${empty ? `${V}[0]` : `${arr(sb, x)}[src]`}, inside);`);
  });
}

function concatenate(xs: readonly Operand[], out: Operand, dim: number, cx: CodegenContext): PlanOp[] {
  const oshape = out.aval.shape;
  const ost = stridesOf(oshape);
  const outer = prod(oshape.slice(0, dim));
  const ops: PlanOp[] = [];
  let at = 0;
  for (const x of xs) {
    const shape = x.aval.shape;
    const n = prod(shape);
    if (n > 0 && outer === 1) {
      // Every operand is one contiguous block of the output.
      ops.push({ op: "copy", src: x.ref, dst: out.ref, bytes: 4 * n, dstOff: 4 * at * ost[dim] });
    } else if (n > 0) {
      const sb = new ShaderBuilder(cx);
      const d = perElement(n, cx, sb, (lines) => {
        const idx = splitIndex(sb, lines, "t", shape);
        lines.push(`${arr(sb, out, true)}[${offsetOf(sb, { offset: at * ost[dim], strides: ost }, idx)}] = ${arr(sb, x)}[t];`);
      });
      if (d !== null) ops.push({ op: "dispatch", d });
    }
    at += shape[dim];
  }
  return ops;
}

/** Clamped start indices (XLA: [0, dim - size]) as u32 lets s0, s1, ... */
function starts(sb: ShaderBuilder, lines: string[], ss: readonly Operand[], shape: readonly number[], sizes: readonly number[]): string[] {
  return ss.map((s, d) => {
    const S = arr(sb, s);
    const hi = shape[d] - sizes[d];
    lines.push(s.aval.dtype === "int32" ? `let st${d} = u32(clamp(${S}[0], 0i, ${sb.i(hi)}));` : `let st${d} = min(${S}[0], ${sb.u(hi)});`);
    return `st${d}`;
  });
}

function dynamicSlice(x: Operand, ss: readonly Operand[], out: Operand, cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const shape = x.aval.shape;
  const sizes = out.aval.shape;
  const st = stridesOf(shape);
  return perElement(prod(sizes), cx, sb, (lines) => {
    const s = starts(sb, lines, ss, shape, sizes);
    const idx = splitIndex(sb, lines, "t", sizes);
    const off = shape.map((_, d) => `(${s[d]} + ${idx[d]}) * ${sb.u(st[d])}`);
    lines.push(`${arr(sb, out, true)}[t] = ${arr(sb, x)}[${off.length ? off.join(" + ") : "0u"}];`);
  });
}

function dynamicUpdateSlice(x: Operand, u: Operand, ss: readonly Operand[], out: Operand, cx: CodegenContext): PlanOp[] {
  const shape = x.aval.shape;
  const ushape = u.aval.shape;
  const st = stridesOf(shape);
  const ops: PlanOp[] = [{ op: "copy", src: x.ref, dst: out.ref, bytes: 4 * prod(shape) }];
  const sb = new ShaderBuilder(cx);
  const d = perElement(prod(ushape), cx, sb, (lines) => {
    const s = starts(sb, lines, ss, shape, ushape);
    const idx = splitIndex(sb, lines, "t", ushape);
    const off = shape.map((_, k) => `(${s[k]} + ${idx[k]}) * ${sb.u(st[k])}`);
    lines.push(`${arr(sb, out, true)}[${off.length ? off.join(" + ") : "0u"}] = ${arr(sb, u)}[t];`);
  });
  if (d !== null) ops.push({ op: "dispatch", d });
  return ops;
}

function threefry(ins: readonly Operand[], outs: readonly Operand[], cx: CodegenContext): Dispatch | null {
  const sb = new ShaderBuilder(cx);
  const rounds: string[] = [];
  const rotA = [13, 15, 26, 6];
  const rotB = [17, 29, 16, 24];
  for (let g = 1; g <= 5; g++) {
    for (const r of g % 2 === 1 ? rotA : rotB) rounds.push(`a = a + b;`, `b = (b << ${r}u) | (b >> ${32 - r}u);`, `b = b ^ a;`);
    rounds.push(`a = a + ks${g % 3};`, `b = b + ks${(g + 1) % 3} + ${g}u;`);
  }
  return perElement(prod(ins[0].aval.shape), cx, sb, (lines) => {
    const [k0, k1, x0, x1] = ins.map((o) => arr(sb, o));
    lines.push(
      `let ks0 = ${k0}[t];`,
      `let ks1 = ${k1}[t];`,
      "let ks2 = ks0 ^ ks1 ^ 0x1bd11bdau;",
      `var a = ${x0}[t] + ks0;`,
      `var b = ${x1}[t] + ks1;`,
      ...rounds,
      `${arr(sb, outs[0], true)}[t] = a;`,
      `${arr(sb, outs[1], true)}[t] = b;`,
    );
  });
}
