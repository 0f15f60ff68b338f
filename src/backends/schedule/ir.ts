// The schedule IR: what a jaxpr lowers to before any code generation. It is backend-neutral — the CPU
// (WebAssembly) code generator consumes it today and a WGSL generator can consume the same programs.
//
// A Program is a list of Steps over a table of buffers. Most steps are Kernels: loops over an index space
// whose body is a tiny ALU expression language (Expr). Loads read buffers through strided Views, so
// broadcasts, reshapes, transposes, slices and reversals cost nothing at run time. Three kernel kinds:
//   map     out[i] = expr(i) for every i in `space` (several outputs: one loop, shared subexpressions)
//   reduce  acc_r[i] = reduce_j expr_r(i, j) over `rspace`, then epilogue outputs out[i] = expr(acc, i)
//   dot     acc[b,m,n] = sum_k a[b,m,k] b[b,k,n], then epilogue outputs over [B, M, N]
// Control flow (scan, while, cond) stays structured: steps that own sub-programs.

import type { ShapedArray } from "../../core/aval.ts";
import type { DType } from "../../core/dtype.ts";
import type { Params, Primitive } from "../../core/primitive.ts";

export type BufId = number;

/**
 * A strided map from a kernel's loop index space to element offsets: offset + sum_d idx_d * strides_d, plus
 * for each dynamic term clamp(buf[0], 0, max) * stride (dynamicSlice / dynamicUpdateSlice starts; `buf` is
 * an int32 or uint32 scalar, clamped in its own dtype).
 */
export interface View {
  readonly offset: number;
  readonly strides: readonly number[];
  readonly dyn?: readonly DynOffset[];
}

export interface IndexTerm {
  readonly expr: Expr;
  readonly stride: number;
  readonly max: number;
}

export interface DynOffset {
  readonly buf: BufId;
  /** The start's dtype: a uint32 start of 2^31 or more clamps to max, not (as a negative int32) to 0. */
  readonly dtype: DType;
  readonly stride: number;
  readonly max: number;
}

/** ALU operations: the elementwise primitives by name (they keep the primitive's semantics exactly). */
export type AluOp =
  | "neg" | "exp" | "log" | "log1p" | "expm1" | "sin" | "cos" | "tanh" | "logistic" | "sqrt" | "rsqrt"
  | "abs" | "sign" | "floor" | "ceil" | "round" | "erf" | "erfInv" | "isFinite" | "not"
  | "add" | "sub" | "mul" | "div" | "rem" | "pow" | "max" | "min" | "atan2" | "and" | "or" | "xor"
  | "shiftLeft" | "shiftRightLogical" | "shiftRightArithmetic" | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  | "select" | "convert" | "bitcast"
  /** Threefry-2x32 (args k0, k1, x0, x1): the first output word; "threefry2x32hi" of that node: the second. */
  | "threefry2x32" | "threefry2x32hi";

/** argmax/argmin: the index (int32) of the first extreme value along a single reduced dim (NaN counts as extreme). */
export type ReduceOp = "sum" | "max" | "min" | "prod" | "and" | "or" | "argmax" | "argmin";

/**
 * Expressions are hash-consed DAGs (see ExprPool): equal subexpressions are one object, so a code generator
 * evaluates each node once per iteration. `id` is unique per pool.
 */
export type Expr =
  | {
      readonly kind: "load";
      readonly id: number;
      readonly dtype: DType;
      readonly buf: BufId;
      readonly view: View;
      /**
       * Gathers: the address also moves by clamp(expr, 0, max) * stride for each term (exprs are int32 or
       * uint32, clamped in their own dtype).
       */
      readonly index?: readonly IndexTerm[];
    }
  /** The index value offset + sum idx_d * strides_d itself (iota seen through views). */
  | { readonly kind: "iota"; readonly id: number; readonly dtype: DType; readonly view: View }
  | { readonly kind: "const"; readonly id: number; readonly dtype: DType; readonly value: number }
  /** In epilogues: the value of reduction `index` (or the dot product) at this point. */
  | { readonly kind: "acc"; readonly id: number; readonly dtype: DType; readonly index: number }
  | { readonly kind: "op"; readonly id: number; readonly dtype: DType; readonly op: AluOp; readonly args: readonly Expr[] };

export type ExprOf<K extends Expr["kind"]> = Extract<Expr, { kind: K }>;

/** Where a kernel output goes: buffer element view(i) for each point i of the space (row-major when absent). */
export interface KernelOutput {
  readonly buf: BufId;
  readonly expr: Expr;
  readonly view?: View;
}

export interface MapKernel {
  readonly kind: "map";
  readonly space: readonly number[];
  readonly outputs: readonly KernelOutput[];
}

export interface Reduction {
  readonly op: ReduceOp;
  /** Over [...space, ...rspace]. */
  readonly expr: Expr;
}

export interface ReduceKernel {
  readonly kind: "reduce";
  readonly space: readonly number[];
  readonly rspace: readonly number[];
  readonly reductions: readonly Reduction[];
  readonly outputs: readonly KernelOutput[];
}

export interface DotOperand {
  readonly buf: BufId;
  /** Over [B, M, K] for a, [B, K, N] for b. */
  readonly view: View;
}

export interface DotKernel {
  readonly kind: "dot";
  readonly dtype: DType;
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: DotOperand;
  readonly b: DotOperand;
  /** Over the space [batch, m, n]; acc(0) is the product. */
  readonly outputs: readonly KernelOutput[];
}

export type Kernel = MapKernel | ReduceKernel | DotKernel;

export interface BufferDecl {
  readonly dtype: DType;
  /** Elements. */
  readonly size: number;
  readonly role: "input" | "output" | "temp";
}

export type Step =
  | { readonly kind: "kernel"; readonly kernel: Kernel }
  | { readonly kind: "copy"; readonly src: BufId; readonly dst: BufId }
  /** Run one primitive with the reference implementation (anything the compiler does not lower). */
  | {
      readonly kind: "fallback";
      readonly primitive: Primitive;
      readonly params: Params;
      readonly inAvals: readonly ShapedArray[];
      readonly outAvals: readonly ShapedArray[];
      readonly inputs: readonly (BufId | { readonly literal: number })[];
      readonly outputs: readonly BufId[];
    }
  | {
      readonly kind: "scan";
      readonly length: number;
      readonly reverse: boolean;
      readonly body: Program;
      readonly consts: readonly BufId[];
      readonly carryIn: readonly BufId[];
      readonly xs: readonly BufId[];
      readonly carryOut: readonly BufId[];
      readonly ys: readonly BufId[];
    }
  | {
      readonly kind: "while";
      readonly cond: Program;
      readonly body: Program;
      readonly condConsts: readonly BufId[];
      readonly bodyConsts: readonly BufId[];
      readonly carryIn: readonly BufId[];
      readonly carryOut: readonly BufId[];
    }
  /**
   * scatter / scatterAdd into `buf` (which already holds the operand): for each batch point in row-major order,
   * the index expressions (over the batch space) select a corner; out-of-bounds corners are dropped; the
   * update values (over [...batch, ...rest]) are written (or added) at corner + rest offsets. Sequential.
   */
  | {
      readonly kind: "scatter";
      readonly add: boolean;
      readonly buf: BufId;
      readonly batch: readonly number[];
      readonly rest: readonly number[];
      readonly index: readonly Expr[];
      readonly axisStrides: readonly number[];
      readonly axisDims: readonly number[];
      readonly restStrides: readonly number[];
      readonly updates: Expr;
    }
  | {
      readonly kind: "cond";
      readonly index: BufId;
      readonly branches: readonly Program[];
      readonly operands: readonly BufId[];
      readonly outputs: readonly BufId[];
    };

/**
 * A lowered jaxpr. `inputs[i]` is the buffer of invar i (role "input"); `outputs[i]` the buffer of outvar i
 * (role "output", all distinct: pass-through and duplicate outvars get copy steps or extra stores).
 */
export interface Program {
  readonly buffers: readonly BufferDecl[];
  readonly inputs: readonly BufId[];
  readonly outputs: readonly BufId[];
  readonly steps: readonly Step[];
}

// ---------------------------------------------------------------------------------------------------------

/** Interns expression nodes so structurally equal expressions are the same object. */
export class ExprPool {
  private readonly nodes = new Map<string, Expr>();

  private intern<E extends Expr>(key: string, make: (id: number) => E): E {
    let e = this.nodes.get(key);
    if (e === undefined) {
      e = make(this.nodes.size);
      this.nodes.set(key, e);
    }
    return e as E;
  }

  load(buf: BufId, dtype: DType, view: View, index?: readonly IndexTerm[]): Expr {
    const ik = index ? index.map((t) => `${t.expr.id}*${t.stride}<${t.max}`).join(",") : "";
    return this.intern(`L${buf}:${dtype}:${viewKey(view)}:${ik}`, (id) => (index ? { kind: "load", id, dtype, buf, view, index } : { kind: "load", id, dtype, buf, view }));
  }
  /** The same load or iota node seen through another view (index terms kept). */
  reviewed(e: Expr, view: View): Expr {
    if (e.kind === "load") return this.load(e.buf, e.dtype, view, e.index);
    if (e.kind === "iota") return this.iota(e.dtype, view);
    throw new Error(`reviewed: ${e.kind} has no view`);
  }
  iota(dtype: DType, view: View): Expr {
    return this.intern(`I${dtype}:${viewKey(view)}`, (id) => ({ kind: "iota", id, dtype, view }));
  }
  const(dtype: DType, value: number): Expr {
    const v = Object.is(value, -0) ? "-0" : String(value);
    return this.intern(`C${dtype}:${v}`, (id) => ({ kind: "const", id, dtype, value }));
  }
  acc(dtype: DType, index: number): Expr {
    return this.intern(`A${dtype}:${index}`, (id) => ({ kind: "acc", id, dtype, index }));
  }
  op(op: AluOp, dtype: DType, args: readonly Expr[]): Expr {
    return this.intern(`O${op}:${dtype}:${args.map((a) => a.id).join(",")}`, (id) => ({ kind: "op", id, dtype, op, args }));
  }
}

export const viewKey = (v: View): string =>
  `${v.offset}[${v.strides.join(",")}]${v.dyn ? v.dyn.map((d) => `+b${d.buf}*${d.stride}<${d.max}`).join("") : ""}`;

/** Rebuild an expression bottom-up; `leaf` maps load/iota/acc/const nodes (return null to fail the rewrite). */
export function mapLeaves(pool: ExprPool, e: Expr, leaf: (e: Expr) => Expr | null, memo = new Map<Expr, Expr | null>()): Expr | null {
  const hit = memo.get(e);
  if (hit !== undefined) return hit;
  let out: Expr | null;
  if (e.kind === "load" && e.index) {
    const index: IndexTerm[] = [];
    for (const t of e.index) {
      const r = mapLeaves(pool, t.expr, leaf, memo);
      if (r === null) {
        memo.set(e, null);
        return null;
      }
      index.push({ ...t, expr: r });
    }
    out = leaf(pool.load(e.buf, e.dtype, e.view, index));
  } else if (e.kind === "op") {
    const args: Expr[] = [];
    out = null;
    let ok = true;
    for (const a of e.args) {
      const r = mapLeaves(pool, a, leaf, memo);
      if (r === null) {
        ok = false;
        break;
      }
      args.push(r);
    }
    if (ok) out = args.every((a, i) => a === e.args[i]) ? e : pool.op(e.op, e.dtype, args);
  } else {
    out = leaf(e);
  }
  memo.set(e, out);
  return out;
}

/** Every node of an expression DAG once, children before parents. */
export function topoOrder(roots: readonly Expr[]): Expr[] {
  const seen = new Set<Expr>();
  const out: Expr[] = [];
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === "op") e.args.forEach(visit);
    if (e.kind === "load") e.index?.forEach((t) => visit(t.expr));
    out.push(e);
  };
  roots.forEach(visit);
  return out;
}

export const kernelOutputsOf = (k: Kernel): readonly KernelOutput[] => k.outputs;

/** Buffers a kernel reads (loads, dot operands). */
export function kernelInputs(k: Kernel): BufId[] {
  const bufs = new Set<BufId>();
  const roots: Expr[] = k.outputs.map((o) => o.expr);
  if (k.kind === "reduce") roots.push(...k.reductions.map((r) => r.expr));
  if (k.kind === "dot") bufs.add(k.a.buf).add(k.b.buf);
  for (const e of topoOrder(roots)) {
    if (e.kind === "load") bufs.add(e.buf);
    if (e.kind === "load" || e.kind === "iota") e.view.dyn?.forEach((d) => bufs.add(d.buf));
  }
  for (const o of k.outputs) o.view?.dyn?.forEach((d) => bufs.add(d.buf));
  return [...bufs];
}

/** Buffers read by expressions (loads, their dynamic offsets). */
export function exprReads(roots: readonly Expr[]): BufId[] {
  const bufs = new Set<BufId>();
  for (const e of topoOrder(roots)) {
    if (e.kind === "load") bufs.add(e.buf);
    if (e.kind === "load" || e.kind === "iota") e.view.dyn?.forEach((d) => bufs.add(d.buf));
  }
  return [...bufs];
}

/** Kernel steps in a program, nested programs included (what fusion tests count). */
export function countKernels(p: Program): number {
  let n = 0;
  for (const s of p.steps) {
    if (s.kind === "kernel" || s.kind === "scatter") n++;
    else if (s.kind === "scan") n += countKernels(s.body);
    else if (s.kind === "while") n += countKernels(s.cond) + countKernels(s.body);
    else if (s.kind === "cond") n += s.branches.reduce((a, b) => a + countKernels(b), 0);
  }
  return n;
}

/** A one-line-per-step rendering for debugging and test failure messages. */
export function printProgram(p: Program, indent = ""): string {
  const b = (id: BufId) => `b${id}:${p.buffers[id].dtype}[${p.buffers[id].size}]${p.buffers[id].role[0]}`;
  const lines = [`${indent}program (${p.inputs.map(b).join(", ")}) -> (${p.outputs.map(b).join(", ")})`];
  for (const s of p.steps) {
    switch (s.kind) {
      case "kernel": {
        const k = s.kernel;
        const space = k.kind === "dot" ? `[${k.batch},${k.m},${k.n}] k=${k.k}` : `[${k.space.join(",")}]${k.kind === "reduce" ? ` over [${k.rspace.join(",")}]` : ""}`;
        lines.push(`${indent}  ${k.kind} ${space}: ${k.outputs.map((o) => `b${o.buf}${o.view ? viewStr(o.view) : ""} = ${printExpr(o.expr)}`).join("; ")}` +
          (k.kind === "reduce" ? ` | ${k.reductions.map((r) => `${r.op}(${printExpr(r.expr)})`).join(", ")}` : "") +
          (k.kind === "dot" ? ` | a=b${k.a.buf}${viewStr(k.a.view)} b=b${k.b.buf}${viewStr(k.b.view)}` : ""));
        break;
      }
      case "copy":
        lines.push(`${indent}  copy b${s.src} -> b${s.dst}`);
        break;
      case "scatter":
        lines.push(`${indent}  scatter${s.add ? "Add" : ""} b${s.buf}[${s.index.map(printExpr).join(", ")}] over [${s.batch}] x [${s.rest}] = ${printExpr(s.updates)}`);
        break;
      case "fallback":
        lines.push(`${indent}  fallback ${s.primitive.name} (${s.inputs.map((x) => (typeof x === "number" ? `b${x}` : x.literal)).join(", ")}) -> (${s.outputs.map((x) => `b${x}`).join(", ")})`);
        break;
      case "scan":
        lines.push(`${indent}  scan x${s.length} consts(${s.consts}) carry(${s.carryIn}) -> (${s.carryOut}) xs(${s.xs}) ys(${s.ys})`);
        lines.push(printProgram(s.body, indent + "    "));
        break;
      case "while":
        lines.push(`${indent}  while carry(${s.carryIn}) -> (${s.carryOut})`);
        lines.push(printProgram(s.cond, indent + "    "), printProgram(s.body, indent + "    "));
        break;
      case "cond":
        lines.push(`${indent}  cond b${s.index} (${s.operands}) -> (${s.outputs})`);
        for (const br of s.branches) lines.push(printProgram(br, indent + "    "));
        break;
    }
  }
  return lines.join("\n");
}

const viewStr = (v: View) => `@${viewKey(v)}`;

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "load":
      return `b${e.buf}${viewStr(e.view)}${e.index ? `[${e.index.map((t) => `${printExpr(t.expr)}*${t.stride}`).join(", ")}]` : ""}`;
    case "iota":
      return `iota${viewStr(e.view)}`;
    case "const":
      return String(e.value);
    case "acc":
      return `acc${e.index}`;
    case "op":
      return `${e.op}(${e.args.map(printExpr).join(", ")})`;
  }
}
