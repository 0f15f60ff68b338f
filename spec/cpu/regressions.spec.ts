// Regressions found by the transform specs running on the cpu backend, pinned on minimal programs against
// the reference backend: arena liveness of buffers written by several steps; uint32 start indices and
// gather indices of 2^31 and more (they clamp to the top, not to 0 as negative int32s would); tanh rounding
// to exactly +-1 too early (found by the programs spec: a later float -> int conversion makes one ulp a unit).

import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ArrayBase } from "../../src/core/array.ts";
import { aval } from "../../src/core/aval.ts";
import type { DType, TypedArray } from "../../src/core/dtype.ts";
import * as lax from "../../src/core/lax.ts";
import type { Params, Primitive } from "../../src/core/primitive.ts";
import * as P from "../../src/core/primitives.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import { bind1 } from "../../src/core/interpreter.ts";
import { ExprPool, type Program } from "../../src/backends/schedule/ir.ts";
import { planMemory } from "../../src/backends/schedule/memory.ts";
import { contiguous } from "../../src/backends/schedule/views.ts";
import { cond, grad, jit, vmap } from "../../src/index.ts";
import { EXACT, assertClose, av, runJaxpr, runPrimitive } from "./helpers.ts";

const test = suite("cpu regressions");

test("planMemory: a buffer written again later keeps its space until that write, even if never read", () => {
  // b0 is zero-filled (step 0), b1 is computed (step 1), a box of b0 is stored (step 2), b1 is read (step 3):
  // b0 is dead, but step 2 still writes it, so b0 and b1 must not share memory.
  const pool = new ExprPool();
  const map = (buf: number, value: number) => ({ kind: "kernel" as const, kernel: { kind: "map" as const, space: [4], outputs: [{ buf, expr: pool.const("float32", value) }] } });
  const p: Program = {
    buffers: [{ dtype: "float32", size: 4, role: "temp" }, { dtype: "float32", size: 4, role: "temp" }, { dtype: "float32", size: 4, role: "output" }],
    inputs: [],
    outputs: [2],
    steps: [
      map(0, 0),
      map(1, 1),
      { kind: "kernel", kernel: { kind: "map", space: [2], outputs: [{ buf: 0, expr: pool.const("float32", 2), view: { offset: 1, strides: [1] } }] } },
      { kind: "kernel", kernel: { kind: "map", space: [4], outputs: [{ buf: 2, expr: pool.load(1, "float32", contiguous([4])) }] } },
    ],
  };
  const plan = planMemory(p, (b) => 4 * p.buffers[b].size, () => 0);
  assert.is.not(plan.offsets.get(0), plan.offsets.get(1), "b0 (written at steps 0 and 2) and b1 (live over steps 1..3) overlap");
});

test("jit(grad(jit f)) with a cond and a dead zero-padded value (compose seed 607872650)", () => {
  // The inner jit's primal outputs are dead in the gradient; the zero-padded shift of x is still assembled
  // (a fill, then a store after the forward cond), and its second write used to land on a cond residual.
  const f = (x: ArrayBase) => {
    const v1 = lax.mul(lax.cumsum(x, 1, true), 0.5);
    const v2 = lax.neg(v1);
    const v3 = cond(lax.gt(lax.reduceSum(v2), 0), (u: ArrayBase, v: ArrayBase) => lax.mul(lax.sin(u), v), (u: ArrayBase, v: ArrayBase) => lax.sub(lax.tanh(v), u), v2, v1);
    const v4 = lax.pad(lax.slice(x, [1, 0], [2, 1]), 0, [[0, 1, 0], [0, 0, 0]]);
    let total = lax.mul(lax.reduceSum(x), 0);
    [x, v1, v2, v3, v4].forEach((v, i) => (total = lax.add(total, lax.mul(lax.reduceSum(v), 1 / (i + 1)))));
    return total;
  };
  const { jaxpr } = traceToJaxpr((x) => [grad(jit(f))(x) as ArrayBase], [av([2, 1])]);
  for (const x of [[0.7, -0.3], [-0.7, 0.3]]) {
    const { cpu, ref } = runJaxpr(jaxpr, [Float32Array.from(x)]);
    assertClose(cpu[0], ref[0], { rel: 1e-6, abs: 1e-6 }, `grad at ${x}`);
  }
});

const arr = (d: DType, xs: readonly number[]): TypedArray => (d === "uint32" ? Uint32Array.from(xs) : Int32Array.from(xs));
const BIG = [0x80000000, 0xfffffffe, 0xffffffff];

/** The primitive eagerly and as a compiled one-equation jaxpr, against the reference. */
function both(p: Primitive, params: Params, inputs: TypedArray[], dtypes: DType[], shapes: number[][], what: string): void {
  const inAvals = dtypes.map((d, i) => av(shapes[i], d));
  const e = runPrimitive(p, params, inputs, inAvals);
  assertClose(e.cpu[0], e.ref[0], EXACT, `${what} (eager)`);
  const { jaxpr } = traceToJaxpr((...xs) => [bind1(p, xs, params)], inAvals);
  const c = runJaxpr(jaxpr, inputs);
  assertClose(c.cpu[0], c.ref[0], EXACT, `${what} (compiled)`);
}

test("dynamicSlice / dynamicUpdateSlice: uint32 starts of 2^31 and more clamp to the last start", () => {
  const shape = [3, 4, 2];
  const x = Float32Array.from({ length: 24 }, (_, i) => i);
  const u = Float32Array.from({ length: 4 }, (_, i) => -1 - i);
  for (const big of BIG) {
    // Mixed dtypes: a big uint32, a small uint32, a negative int32.
    const dts: DType[] = ["uint32", "uint32", "int32"];
    const starts = [arr("uint32", [big]), arr("uint32", [1]), arr("int32", [-2])];
    both(P.dynamicSliceP, { sliceSizes: [2, 2, 1] }, [x, ...starts], ["float32", ...dts], [shape, [], [], []], `dynamicSlice at (${big}, 1, -2)`);
    both(P.dynamicUpdateSliceP, {}, [x, u, ...starts], ["float32", "float32", ...dts], [shape, [2, 2, 1], [], [], []], `dynamicUpdateSlice at (${big}, 1, -2)`);
  }
});

test("gather: uint32 indices of 2^31 and more clamp to the last element", () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => i);
  const idx = Uint32Array.from([...BIG, 1, 0, 0xfffffffe, 2, 0x80000000]);
  both(P.gatherP, { axes: [0, 1] }, [x, idx], ["float32", "uint32"], [[3, 4], [4, 2]], "gather");
  both(P.gatherP, { axes: [1] }, [x, Uint32Array.from(BIG)], ["float32", "uint32"], [[3, 4], [3, 1]], "gather along axis 1");
});

test("vmap(dynamicSlice) with batched uint32 starts (vmap spec counterexample)", () => {
  // Per lane: x u32[3,3,2] with starts (0xfffffffe, 5, 2) and (3, 0xffffffff, 2), slice sizes [2,3,2].
  const f = (x: ArrayBase, a: ArrayBase, b: ArrayBase, c: ArrayBase) => bind1(P.dynamicSliceP, [x, a, b, c], { sliceSizes: [2, 3, 2] });
  const g = vmap(f, { inAxes: [2, 0, 0, 0] });
  const inAvals = [aval([3, 3, 2, 2], "uint32"), aval([2], "uint32"), aval([2], "uint32"), aval([2], "uint32")];
  const inputs = [Uint32Array.from({ length: 36 }, (_, i) => 1000 + i), Uint32Array.from([0xfffffffe, 3]), Uint32Array.from([5, 0xffffffff]), Uint32Array.from([2, 2])];
  const { jaxpr } = traceToJaxpr((...xs) => [g(...(xs as [ArrayBase, ArrayBase, ArrayBase, ArrayBase]))], inAvals);
  const { cpu, ref } = runJaxpr(jaxpr, inputs);
  assertClose(cpu[0], ref[0], EXACT, "vmap(dynamicSlice)");
  // The lanes themselves, as the vmap spec computes its expectation.
  for (let lane = 0; lane < 2; lane++) {
    const xl = Uint32Array.from({ length: 18 }, (_, i) => inputs[0][Math.floor(i / 2) * 4 + lane * 2 + (i % 2)]);
    both(P.dynamicSliceP, { sliceSizes: [2, 3, 2] }, [xl, ...inputs.slice(1).map((s) => s.subarray(lane, lane + 1).slice())], ["uint32", "uint32", "uint32", "uint32"], [[3, 3, 2], [], [], []], `lane ${lane}`);
  }
});

test("tanh near saturation rounds like the reference: no early +-1 (programs spec counterexample)", () => {
  // tanh(16 * d) of d = -0.5595313 is -0.99999994; the cpu's y / (y + 2), y = expm1(2|x|) >= 2^24, rounded
  // y + 2 and returned -1, which a float -> int32 conversion turned into -1 instead of 0.
  const xs = Float32Array.from({ length: 4096 }, (_, i) => (i % 2 ? -1 : 1) * (8 + (2 * i) / 4096));
  const f = (x: ArrayBase) => [lax.tanh(x), lax.convertElementType(lax.tanh(x), "int32")];
  const e = runPrimitive(P.tanhP, {}, [xs], [av([xs.length])]);
  assertClose(e.cpu[0], e.ref[0], EXACT, "tanh on |x| in [8, 10] (eager)");
  const { jaxpr } = traceToJaxpr(f, [av([xs.length])]);
  const c = runJaxpr(jaxpr, [xs]);
  assertClose(c.cpu[0], c.ref[0], EXACT, "tanh on |x| in [8, 10] (compiled)");
  assertClose(c.cpu[1], c.ref[1], EXACT, "int32(tanh(x)) on |x| in [8, 10]");
});

test("int32(tanh(reduceSum(broadcast d))) (programs spec seed 10, element 18)", () => {
  const g = (d: ArrayBase) => [lax.convertElementType(lax.tanh(lax.reduceSum(lax.broadcastInDim(d, [5, 16], [0]), [1])), "int32")];
  const { jaxpr } = traceToJaxpr(g, [av([5])]);
  const d = Float32Array.from([0.26529058814048767, -0.5595313310623169, -1.7176365852355957, 0.5595313310623169, -1.8529164791107178]);
  const { cpu, ref } = runJaxpr(jaxpr, [d]);
  assertClose(cpu[0], ref[0], EXACT, "int32(tanh(16 d))");
});

test.run();
