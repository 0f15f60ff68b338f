// A generator of random straight-line programs over lax (a small DAG of primitives: elementwise chains with
// broadcasting, reductions, matmuls with epilogues, layout ops, selects, concatenations, gathers/scatters,
// random bits), shared by the specs that compare backends on them (cpu against the reference; reference, cpu
// and webgpu against each other). Inputs: full0, full1 [A, B], row [B], col [A], w [B, B].

import fc from "fast-check";
import type { ArrayBase } from "../../src/core/array.ts";
import * as lax from "../../src/core/lax.ts";

type Kind = "full" | "row" | "col" | "scalar";
interface Value {
  readonly x: ArrayBase;
  readonly kind: Kind;
}

export interface Step {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly v: number;
}

const OPS = 18;

/** The program as a function of (full0, full1, row, col, w); several outputs, intermediates included. */
export function build(A: number, B: number, steps: readonly Step[], outPicks: readonly number[]) {
  return (...ins: ArrayBase[]): ArrayBase[] => {
    const [full0, full1, row, col, w] = ins;
    const vals: Value[] = [
      { x: full0, kind: "full" }, { x: full1, kind: "full" }, { x: row, kind: "row" }, { x: col, kind: "col" },
    ];
    const full = (v: Value): ArrayBase => {
      switch (v.kind) {
        case "full":
          return v.x;
        case "row":
          return lax.broadcastInDim(v.x, [A, B], [1]);
        case "col":
          return lax.broadcastInDim(v.x, [A, B], [0]);
        case "scalar":
          return lax.broadcastInDim(v.x, [A, B], []);
      }
    };
    const pick = (i: number) => vals[i % vals.length];
    for (const s of steps) {
      const x = pick(s.a);
      const y = pick(s.b);
      const unary = [lax.tanh, lax.sin, lax.logistic, (t: ArrayBase) => lax.log(lax.add(lax.abs(t), 1)), (t: ArrayBase) => lax.exp(lax.tanh(t)), lax.neg, (t: ArrayBase) => lax.mul(t, 0.5)];
      switch (s.op % OPS) {
        case 0:
        case 1:
          vals.push({ x: unary[s.v % unary.length](x.x), kind: x.kind });
          break;
        case 2: {
          const bin = [lax.add, lax.sub, lax.mul, lax.max, lax.min, (p: ArrayBase, q: ArrayBase) => lax.div(p, lax.add(lax.abs(q), 1))][s.v % 6];
          const same = x.kind === y.kind;
          vals.push(same ? { x: bin(x.x, y.x), kind: x.kind } : { x: bin(full(x), full(y)), kind: "full" });
          break;
        }
        case 3: {
          const f = full(x);
          const red = s.v % 2 === 0 ? lax.reduceSum : lax.reduceMax;
          const axis = s.v % 3;
          if (axis === 2) vals.push({ x: lax.mul(red(f, [0, 1]), 0.01), kind: "scalar" });
          else vals.push({ x: lax.mul(red(f, [axis]), 0.1), kind: axis === 0 ? "row" : "col" });
          break;
        }
        case 4: {
          const m = lax.dotGeneral(full(x), w, { contracting: [[1], [0]] });
          const epi = [(t: ArrayBase) => t, lax.tanh, (t: ArrayBase) => lax.add(t, full(y))][s.v % 3];
          vals.push({ x: epi(m), kind: "full" });
          break;
        }
        case 5:
          vals.push({ x: lax.select(lax.gt(full(x), full(y)), full(x), lax.mul(full(y), 0.3)), kind: "full" });
          break;
        case 6:
          vals.push({ x: lax.rev(full(x), s.v % 2 === 0 ? [0] : [0, 1]), kind: "full" });
          break;
        case 7: {
          const c = lax.concatenate([full(x), full(y)], s.v % 2);
          vals.push({ x: s.v % 2 === 0 ? lax.slice(c, [A >> 1, 0], [(A >> 1) + A, B]) : lax.slice(c, [0, B >> 1], [A, (B >> 1) + B]), kind: "full" });
          break;
        }
        case 8: {
          // contractions over transposed operands: x w^T, and x (x^T y) / A
          const xw = lax.dotGeneral(full(x), lax.transpose(w, [1, 0]), { contracting: [[1], [1]] });
          const xty = lax.dotGeneral(full(x), full(y), { contracting: [[0], [0]] });
          const r = s.v % 2 === 0 ? xw : lax.dotGeneral(full(x), xty, { contracting: [[1], [0]] });
          vals.push({ x: lax.mul(r, 0.1 / A), kind: "full" });
          break;
        }
        case 9: {
          const cum = lax.cumsum(full(x), s.v % 2, s.v % 3 === 0);
          vals.push({ x: lax.mul(cum, 0.2), kind: "full" });
          break;
        }
        case 10: {
          const r = lax.reshape(full(x), [A * B]);
          vals.push({ x: lax.reshape(lax.rev(r, [0]), [A, B]), kind: "full" });
          break;
        }
        case 11: {
          const i = lax.convertElementType(lax.gt(x.x, 0), "float32");
          vals.push({ x: lax.add(i, lax.mul(x.x, 0.5)), kind: x.kind });
          break;
        }
        case 12: {
          // take-along-axis: y[a, argmax_b in[a, b]] (argmax of an input: computed values can tie within tolerance)
          const raw = vals[s.a % 2].x;
          const arg = s.v % 2 === 0 ? lax.argmax(raw, 1) : lax.argmin(raw, 1);
          const idx = lax.concatenate([lax.iota("int32", [A, 1], 0), lax.reshape(arg, [A, 1])], 1);
          vals.push({ x: lax.gather(full(y), idx, [0, 1]), kind: "col" });
          break;
        }
        case 13: {
          // a row chosen by data, and written back elsewhere
          const start = lax.argmax(lax.reduceSum(vals[s.a % 2].x, [1]), 0);
          const r = lax.dynamicSlice(full(y), [start, 0], [1, B]);
          const upd = lax.dynamicUpdateSlice(full(x), lax.tanh(r), [lax.sub(A - 1, start), 0]);
          vals.push(s.v % 2 === 0 ? { x: lax.reshape(r, [B]), kind: "row" } : { x: upd, kind: "full" });
          break;
        }
        case 14: {
          // random bits, as floats in [0, 1)
          const k = lax.convertElementType(s.v, "uint32");
          const ctr = lax.iota("uint32", [A, B], s.v % 2);
          const [b0, b1] = lax.threefry2x32(lax.broadcastInDim(k, [A, B], []), lax.broadcastInDim(k, [A, B], []), ctr, lax.bitcastConvertType(lax.convertElementType(full(x), "int32"), "uint32"));
          const u = lax.mul(lax.convertElementType(lax.shiftRightLogical(lax.bitwiseXor(b0, b1), lax.convertElementType(9, "uint32")), "float32"), 2 ** -23);
          vals.push({ x: u, kind: "full" });
          break;
        }
        case 16: {
          // x.at[a, argmax_b y[a, b]].add(v) (or .set, with colliding indices: the last write wins)
          const raw = vals[s.b % 2].x;
          const cols = s.v % 3 === 2 ? lax.broadcastInDim(lax.argmax(lax.reduceSum(raw, [0]), 0), [A, 1], []) : lax.reshape(lax.argmax(raw, 1), [A, 1]);
          const idx = lax.concatenate([s.v % 3 === 2 ? lax.broadcastInDim(lax.convertElementType(0, "int32"), [A, 1], []) : lax.iota("int32", [A, 1], 0), cols], 1);
          const upd = lax.tanh(lax.reduceSum(full(x), [1]));
          vals.push({ x: s.v % 2 === 0 ? lax.scatterAdd(full(x), idx, upd, [0, 1]) : lax.scatter(full(x), idx, upd, [0, 1]), kind: "full" });
          break;
        }
        case 17: {
          // elementwise ops on concatenations (computed piece by piece), then a slice across the pieces
          const c1 = lax.concatenate([full(x), full(y)], 1);
          const c2 = lax.concatenate([lax.tanh(full(y)), full(x)], 1);
          const r = lax.select(lax.gt(c1, 0), lax.exp(lax.neg(lax.abs(c1))), lax.mul(c2, 2));
          vals.push({ x: lax.slice(r, [0, B >> 1], [A, (B >> 1) + B]), kind: "full" });
          break;
        }
        case 15: {
          const p = lax.pad(full(x), 0, [[1, 2, 1], [-1, 1, 0]]);
          vals.push({ x: lax.add(lax.slice(p, [1, 0], [1 + A, B]), full(y)), kind: "full" });
          break;
        }
      }
    }
    const outs = outPicks.map((i) => vals[4 + (i % Math.max(1, vals.length - 4))]?.x ?? vals[0].x);
    outs.push(vals[vals.length - 1].x);
    return outs;
  };
}

export const stepArb = fc.record({ op: fc.nat(), a: fc.nat(), b: fc.nat(), v: fc.nat() });

/** A random program for fast-check: [A, B, its steps (1..maxSteps), extra output picks, a seed for its inputs]. */
export const programArb = (maxSteps: number, seed: fc.Arbitrary<number> = fc.integer()) =>
  fc.tuple(
    fc.constantFrom(1, 3, 5, 8, 17),
    fc.constantFrom(1, 4, 7, 16, 33),
    fc.array(stepArb, { minLength: 1, maxLength: maxSteps }),
    fc.array(fc.nat(), { maxLength: 3 }),
    seed,
  );

/** The input shapes of a program over [A, B]. */
export const inputShapes = (A: number, B: number): number[][] => [[A, B], [A, B], [B], [A], [B, B]];
