// jit on WebGPU: random programs against the reference backend, fusion pinned by counting dispatches,
// control flow (scan, foriLoop, whileLoop with a data-dependent predicate, cond) inside and outside jit,
// and gradients through jit. Tolerances: rtol 1e-5, atol 1e-5 (float32 kernels against the reference's
// per-op float64 rounding; transcendental ops are within a few ulp).

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { webgpuFinish, webgpuMemoryStats } from "../../src/backends/webgpu/index.ts";
import type { ArrayBase, ConcreteArray } from "../../src/core/array.ts";
import { aval } from "../../src/core/aval.ts";
import { getBackend } from "../../src/core/backend.ts";
import { devicePut } from "../../src/core/interpreter.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import type { DType, TypedArray } from "../../src/core/dtype.ts";
import * as lax from "../../src/core/lax.ts";
import { valueAndGrad } from "../../src/transforms/ad.ts";
import { cond, foriLoop, scan, whileLoop } from "../../src/transforms/controlFlow.ts";
import { jit } from "../../src/transforms/jit.ts";
import { vmap } from "../../src/transforms/vmap.ts";
import { EXACT, type Rand, type Tol, assertClose, checkJitAgainstReference, on, put, randData, randInt, ready, rng, sizeOf, timedTest } from "./helpers.ts";

const s = suite("webgpu jit");
const test = (name: string, fn: () => unknown) => timedTest(s, name, fn);
const TOL: Tol = { rtol: 1e-5, atol: 1e-5 };
const f32 = (r: Rand, shape: number[], lo = -1, hi = 1) => ({ data: randData(r, "float32", sizeOf(shape), { lo, hi }), shape, dtype: "float32" as DType });
const dot = (a: ArrayBase, b: ArrayBase) => lax.dotGeneral(a, b, { contracting: [[a.ndim - 1], [0]], batch: [[], []] } as never);

/** A random straight-line program over x:[4,5], y:[4,5], v:[5]: values stay bounded so tolerances mean something. */
function randomProgram(r: Rand): (x: ArrayBase, y: ArrayBase, v: ArrayBase, w: ArrayBase) => ArrayBase[] {
  const steps = Array.from({ length: 12 }, () => [randInt(r, 0, 11), r(), r()] as const);
  return (x, y, v, w) => {
    const pool: ArrayBase[] = [x, y];
    const pick = (u: number) => pool[Math.floor(u * pool.length)];
    for (const [op, u1, u2] of steps) {
      const a = pick(u1);
      const b = pick(u2);
      let out: ArrayBase;
      switch (op) {
        case 0: out = lax.tanh(lax.add(a, b)); break;
        case 1: out = lax.mul(a, b); break;
        case 2: out = lax.sin(lax.sub(a, b)); break;
        case 3: out = lax.add(a, lax.broadcastInDim(v, [4, 5], [1])); break;
        case 4: out = lax.broadcastInDim(lax.reduceSum(a, [1]), [4, 5], [0]); out = lax.mul(out, 0.2); break;
        case 5: out = lax.select(lax.gt(a, b), a, lax.neg(b)); break;
        case 6: out = lax.tanh(dot(dot(a, w), lax.transpose(w, [1, 0]))); break;
        case 7: out = lax.reshape(lax.transpose(lax.reshape(a, [2, 2, 5]), [1, 0, 2]), [4, 5]); break;
        case 8: out = lax.div(a, lax.add(lax.abs(b), 1)); break;
        case 9: out = lax.max(a, lax.broadcastInDim(lax.reduceMax(b, [0]), [4, 5], [1])); break;
        case 10: out = lax.logistic(lax.mul(a, 3)); break;
        default: out = lax.rev(lax.exp(lax.mul(a, 0.5)), [0]);
      }
      pool.push(out);
    }
    return [pool[pool.length - 1], pool[pool.length - 2], lax.reduceSum(pool[pool.length - 3], [0, 1])];
  };
}

if (ready) {
  test("random programs: jit(f) on webgpu matches f on the reference backend", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(1000 + seed);
      const ins = [f32(r, [4, 5]), f32(r, [4, 5]), f32(r, [5]), f32(r, [5, 3])];
      checkJitAgainstReference(`random program ${seed}`, ins, randomProgram(r), TOL);
    }
  });

  test("random programs staged with traceToJaxpr, through Backend.compile, against the reference's", () => {
    for (let seed = 11; seed <= 13; seed++) {
      const r = rng(2000 + seed);
      const ins = [f32(r, [4, 5]), f32(r, [4, 5]), f32(r, [5]), f32(r, [5, 3])];
      const prog = randomProgram(r);
      const { jaxpr, consts } = traceToJaxpr((...xs) => prog(xs[0], xs[1], xs[2], xs[3]), ins.map((x) => aval(x.shape, x.dtype)));
      const run = (b: string) => {
        const backend = getBackend(b);
        const args = [...consts.map((c) => devicePut(c as ConcreteArray, backend)), ...ins.map((x) => put(b, x.data, x.shape, x.dtype) as ConcreteArray)];
        const outs = backend.compile(jaxpr)(args.map((a) => a.buffer));
        return outs.map((buf, i) => backend.toHost(buf, jaxpr.outAvals[i]));
      };
      const want = run("reference");
      run("webgpu").forEach((g, i) => assertClose(g, want[i], TOL, `staged program ${seed} output ${i}`));
    }
  });

  test("fusion: an elementwise chain of 12 ops is one dispatch", async () => {
    const f = jit((x: ArrayBase) => {
      let y = x;
      for (let i = 0; i < 4; i++) y = lax.tanh(lax.add(lax.mul(y, 1.5), 0.25));
      return y;
    }, { backend: "webgpu" });
    const x = put("webgpu", Float32Array.from({ length: 1000 }, (_, i) => i / 1000), [1000], "float32");
    await (f(x) as ArrayBase).data(); // compile and warm up
    await webgpuFinish();
    const before = webgpuMemoryStats().dispatches;
    const y = f(x) as ArrayBase;
    await y.data();
    assert.is(webgpuMemoryStats().dispatches - before, 1);
    const want = on("reference", () => {
      let z = put("reference", x.dataSync(), [1000], "float32");
      for (let i = 0; i < 4; i++) z = lax.tanh(lax.add(lax.mul(z, 1.5), 0.25));
      return z.dataSync();
    });
    assertClose(y.dataSync(), want, TOL, "fused chain");
  });

  test("outputs that are inputs, duplicates and literals", () => {
    checkJitAgainstReference("odd outputs", [f32(rng(3), [3])], (x) => [x, lax.add(x, 1), lax.add(x, 1), lax.convertElementType(lax.iota("int32", [2]), "float32"), x], TOL);
  });

  test("scan: an RNN over 30 steps (forward and reverse), eagerly and under jit", () => {
    const r = rng(7);
    const rnn = (reverse: boolean) => (h0: ArrayBase, xs: ArrayBase, W: ArrayBase) => {
      const [h, ys] = scan((h: ArrayBase, x: ArrayBase) => {
        const hn = lax.tanh(lax.add(dot(h, W), x));
        return [hn, lax.reduceSum(hn, [0])];
      }, h0, xs, { reverse });
      return [h as ArrayBase, ys as ArrayBase];
    };
    const ins = [f32(r, [8]), f32(r, [30, 8]), f32(r, [8, 8], -0.5, 0.5)];
    checkJitAgainstReference("rnn scan", ins, rnn(false), TOL);
    checkJitAgainstReference("reverse rnn scan", ins, rnn(true), TOL);
    const eager = on("webgpu", () => rnn(false)(...ins.map((x) => put("webgpu", x.data, x.shape, x.dtype)) as [ArrayBase, ArrayBase, ArrayBase]));
    const want = on("reference", () => rnn(false)(...ins.map((x) => put("reference", x.data, x.shape, x.dtype)) as [ArrayBase, ArrayBase, ArrayBase]));
    eager.forEach((g, i) => assertClose(g.dataSync(), want[i].dataSync(), TOL, `eager scan output ${i}`));
  });

  test("foriLoop: static bounds (scan) and traced bounds (while)", () => {
    const r = rng(11);
    const body = (i: ArrayBase, c: ArrayBase) => lax.add(lax.mul(c, 0.9), lax.mul(lax.convertElementType(i, "float32"), 0.1));
    checkJitAgainstReference("static foriLoop", [f32(r, [6])], (c) => [foriLoop(0, 25, body, c)], TOL);
    const n = { data: Int32Array.of(17), shape: [], dtype: "int32" as DType };
    checkJitAgainstReference("traced foriLoop", [f32(r, [6]), n], (c, hi) => [foriLoop(0, hi, body, c)], TOL);
  });

  test("whileLoop with a data-dependent predicate", () => {
    const f = (x: ArrayBase, k: ArrayBase) => {
      const [y, n, acc] = whileLoop(
        ([y]: ArrayBase[]) => lax.lt(lax.reduceSum(y, [0]), 1000),
        ([y, n, acc]: ArrayBase[]) => [lax.add(lax.mul(y, 1.7), 0.5), lax.add(n, k), lax.add(acc, lax.reduceMax(y, [0]))],
        [x, lax.mul(k, 0), lax.convertElementType(0, "float32")],
      );
      return [y, n, acc];
    };
    const r = rng(13);
    const k = { data: Int32Array.of(3), shape: [], dtype: "int32" as DType };
    checkJitAgainstReference("while", [f32(r, [5], 0, 1), k], f, TOL);
    const eager = on("webgpu", () => f(put("webgpu", Float32Array.of(1, 2, 3, 4, 5), [5], "float32"), put("webgpu", Int32Array.of(3), [], "int32")));
    const want = on("reference", () => f(put("reference", Float32Array.of(1, 2, 3, 4, 5), [5], "float32"), put("reference", Int32Array.of(3), [], "int32")));
    eager.forEach((g, i) => assertClose(g.dataSync(), want[i].dataSync(), TOL, `eager while output ${i}`));
  });

  test("cond: branch chosen on device data, inside jit and inside scan", () => {
    const r = rng(17);
    const f = (x: ArrayBase, t: ArrayBase) => [cond(lax.gt(lax.reduceSum(x, [0]), t), (a: ArrayBase) => lax.tanh(a), (a: ArrayBase) => lax.mul(a, -2), x) as ArrayBase];
    for (const th of [-100, 100]) checkJitAgainstReference(`cond ${th}`, [f32(r, [7]), { data: Float32Array.of(th), shape: [], dtype: "float32" }], f, TOL);
    const g = (c0: ArrayBase, xs: ArrayBase) => {
      const [c] = scan((c: ArrayBase, x: ArrayBase) => {
        const nc = cond(lax.gt(x, 0), (a: ArrayBase) => lax.add(a, x), (a: ArrayBase) => lax.mul(a, 0.5), c) as ArrayBase;
        return [nc, null];
      }, c0, xs);
      return [c as ArrayBase];
    };
    checkJitAgainstReference("cond in scan", [f32(r, []), f32(r, [12])], g, TOL);
  });

  test("scatters with unique indices: vmapped dynamicUpdateSlice over 2,000 lanes, and lax.scatter(..., {uniqueIndices})", () => {
    const r = rng(77);
    const n = 2000;
    const grids = f32(r, [n, 10, 10]);
    const rows = { data: Int32Array.from({ length: n }, () => randInt(r, -2, 11)), shape: [n], dtype: "int32" as DType };
    const cols = { data: Int32Array.from({ length: n }, () => randInt(r, 0, 9)), shape: [n], dtype: "int32" as DType };
    const patch = f32(r, [n, 2, 3]);
    // Each lane writes a 2x3 patch at a (clamped) data-dependent corner of its own grid.
    const write = vmap((g: ArrayBase, i: ArrayBase, j: ArrayBase, u: ArrayBase) => lax.dynamicUpdateSlice(g, u, [i, j]));
    checkJitAgainstReference("vmapped dynamicUpdateSlice", [grids, rows, cols, patch], (g, i, j, u) => [write(g, i, j, u) as ArrayBase], EXACT);
    // A permutation of rows: unique by construction; set and add.
    const perm = Int32Array.from({ length: 50 }, (_, i) => (i * 17) % 50);
    const idx = { data: perm, shape: [50, 1], dtype: "int32" as DType };
    const base = f32(r, [50, 4]);
    const upd = f32(r, [50, 4]);
    checkJitAgainstReference("unique scatter / scatterAdd", [base, idx, upd], (x, i, u) => [lax.scatter(x, i, u, [0], { uniqueIndices: true }), lax.scatterAdd(x, i, u, [0], { uniqueIndices: true })], EXACT);
  });

  test("vmapped scatters with duplicate indices, lane blocks (vmap, vmap of vmap, and a gather's transpose)", () => {
    const r = rng(78);
    const n = 1500;
    const grids = f32(r, [n, 6, 5]);
    // Three writes per lane, at positions that repeat within a lane (the last write wins; adds accumulate).
    const pos = { data: Int32Array.from({ length: n * 3 * 2 }, (_, i) => randInt(r, i % 2 === 0 ? -1 : 0, i % 2 === 0 ? 6 : 4) % 2), shape: [n, 3, 2], dtype: "int32" as DType };
    const vals = f32(r, [n, 3]);
    const setAdd = (g: ArrayBase, p: ArrayBase, v: ArrayBase) => [lax.scatter(g, p, v, [0, 1]), lax.scatterAdd(g, p, v, [0, 1])];
    checkJitAgainstReference("vmapped scatter/scatterAdd", [grids, pos, vals], (g, p, v) => vmap(setAdd)(g, p, v) as ArrayBase[], EXACT);
    // Nested: [30, 50] lanes; the outer vmap must not reuse the inner lane-block hint.
    const resh = (x: { data: TypedArray; shape: number[]; dtype: DType }) => ({ ...x, shape: [30, 50, ...x.shape.slice(1)] });
    checkJitAgainstReference("vmap(vmap(scatter))", [resh(grids), resh(pos), resh(vals)], (g, p, v) => vmap(vmap(setAdd))(g, p, v) as ArrayBase[], EXACT);
    // The transpose of a vmapped gather is a vmapped scatterAdd with the same lane blocks.
    const picked = (g: ArrayBase, p: ArrayBase) => lax.reduceSum(lax.mul(lax.gather(g, p, [0, 1]), lax.gather(g, p, [0, 1])), [0]);
    const loss = (g: ArrayBase, p: ArrayBase) => lax.reduceSum(vmap(picked)(g, p) as ArrayBase, [0]);
    checkJitAgainstReference("grad of a vmapped gather", [grids, pos], (g, p) => [valueAndGrad(loss)(g, p)[1] as ArrayBase], { rtol: 1e-6, atol: 1e-6 });
  });

  test("gradients through jit: an MLP loss", () => {
    const r = rng(19);
    const loss = (W1: ArrayBase, b1: ArrayBase, W2: ArrayBase, x: ArrayBase) => {
      const h = lax.tanh(lax.add(dot(x, W1), lax.broadcastInDim(b1, [16, 12], [1])));
      const y = dot(h, W2);
      return lax.reduceSum(lax.mul(y, y), [0, 1]);
    };
    const ins = [f32(r, [6, 12], -0.5, 0.5), f32(r, [12]), f32(r, [12, 3], -0.5, 0.5), f32(r, [16, 6])];
    const run = (b: string, wrap: (f: (...a: ArrayBase[]) => unknown) => (...a: ArrayBase[]) => unknown) =>
      on(b, () => {
        const vg = valueAndGrad(loss, { argnums: [0, 1, 2] } as never);
        const [v, g] = wrap((...a: ArrayBase[]) => vg(...a))(...ins.map((x) => put(b, x.data, x.shape, x.dtype))) as [ArrayBase, ArrayBase[]];
        return [v, ...g];
      });
    const want = run("reference", (f) => f);
    const got = run("webgpu", (f) => jit(f, { backend: "webgpu" }));
    want.forEach((w, i) => assertClose(got[i].dataSync(), w.dataSync(), { rtol: 1e-4, atol: 1e-4 }, `value/grad ${i}`));
  });
}

s.run();
