// Every cell, one table: gradients through a 20-step nn.rnn scan (checkGrads, order 1, fwd and rev), vmap over a
// batch equals looping apply, leading batch dims in apply equal vmap, jit equals eager, episode resets, and the
// cell agrees with its published equations (plain-JS float64 references in reference.ts) on tiny sizes.

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type Array, grad, jit, np, random, tree, valueAndGrad, vmap } from "../../src/index.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import * as nn from "../../src/nn/index.ts";
import { checkGrads } from "../../src/testing/index.ts";
import { assertClose, assertTreeClose, host } from "./helpers.ts";
import * as R from "./reference.ts";

const test = suite("nn cells");

const I = 3;
const H = 4;
const key = random.key(7);
const [kp, kx, kb] = nn.splitKeys(key, 3);

interface Row {
  readonly name: string;
  readonly cell: nn.Cell;
  /** Plain-JS reference: from host params, a host carry and x, the next host carry and y. */
  readonly ref?: (p: any, c: any, x: number[]) => [any, number[]];
  /** Skip the gradient check (kinks too close). */
  readonly noGradCheck?: boolean;
}

const fill = (rows: number, cols: number, f: (j: number, k: number) => number): number[][] => {
  const out: number[][] = [];
  for (let j = 0; j < rows; j++) {
    const row: number[] = [];
    for (let k = 0; k < cols; k++) row.push(f(j, k));
    out.push(row);
  }
  return out;
};

/** A host scalar, [H, 1], [cols] or [H, cols] value broadcast to [rows][cols]. */
const bcast = (a: unknown, rows: number, cols: number): number[][] => {
  if (typeof a === "number") return fill(rows, cols, () => a);
  const m = a as (number | number[])[];
  if (typeof m[0] === "number") return fill(rows, cols, (_j, k) => m[k] as number);
  return fill(rows, cols, (j, k) => {
    const r = m[j] as number[];
    return r.length === 1 ? r[0] : r[k];
  });
};

const stpnRow = (name: string, opts: Omit<nn.StpnOptions, "hiddenSize">): Row => ({
  name,
  cell: nn.stpn({ hiddenSize: H, ...opts }),
  ref: (p, c, x) => {
    const F = I + H;
    const [h, s] = R.stpnStep({ ...p, lambda: bcast(p.lambda, H, F), gamma: bcast(p.gamma, H, F) }, c.h, c.s, x, opts.normalization ?? "pre", opts.clamp ?? null);
    return [{ h, s }, h];
  },
});

const mpnRow = (name: string, opts: Omit<nn.MpnOptions, "hiddenSize">): Row => ({
  name,
  cell: nn.mpn({ hiddenSize: H, lambdaShape: "matrix", ...opts }),
  ref: (p, c, x) => {
    const sign = opts.etaSign ?? "free";
    const eta = bcast(p.eta, H, I).map((r) => r.map((v) => (sign === "free" ? v : sign === "hebbian" ? Math.exp(v) : -Math.exp(v))));
    const clampL = opts.lambdaClamp ?? 1;
    const lambda = bcast(p.lambda, H, I).map((r) => r.map((v) => Math.min(Math.max(v, 0), clampL)));
    const [y, m] = R.mpnStep({ w: p.w, b: p.b, eta, lambda }, c.m, x, opts.mode ?? "multiplicative", opts.update ?? "hebb", opts.mTanh ?? false);
    return [{ m }, y];
  },
});

const cfcRow = (name: string, opts: nn.CfcOptions): Row => {
  const cell = nn.cfc(opts);
  return {
    name,
    cell,
    ref: (p, c, x) => {
      const mode = opts.mode ?? "default";
      if (cell.wiring === null) {
        const h = R.cfcLayerStep(p.layers[0], x, c.h, 1, mode, null);
        return [{ h }, h];
      }
      const w = cell.wiring.build(I);
      let inp = x;
      let off = 0;
      const out: number[] = [];
      w.layers.forEach((neurons, l) => {
        const prev = l === 0 ? null : w.layers[l - 1];
        const mask = neurons.map((d) => [
          ...(prev === null ? w.sensoryAdjacency.map((r) => Math.abs(r[d])) : prev.map((s) => Math.abs(w.adjacency[s][d]))),
          ...neurons.map(() => 1),
        ]);
        inp = R.cfcLayerStep(p.layers[l], inp, c.h.slice(off, off + neurons.length), 1, mode, mask);
        off += neurons.length;
        out.push(...inp);
      });
      return [{ h: out }, inp];
    },
  };
};

const ltcRow = (name: string, wiring: nn.Wiring): Row => ({
  name,
  cell: nn.ltc({ wiring }),
  ref: (p, c, x) => {
    const w = wiring.build(I);
    const abs = (m: readonly (readonly number[])[]) => m.map((r) => r.map(Math.abs));
    const [h, y] = R.ltcStep(p, c.h, x, abs(w.adjacency), abs(w.sensoryAdjacency), wiring.outputSize);
    return [{ h }, y];
  },
});

const rows: Row[] = [
  { name: "lstm", cell: nn.lstm({ hiddenSize: H }), ref: (p, c, x) => { const [cc, h] = R.lstmStep(p, c.c, c.h, x); return [{ c: cc, h }, h]; } },
  { name: "gru", cell: nn.gru({ hiddenSize: H }), ref: (p, c, x) => { const h = R.gruStep(p, c.h, x); return [{ h }, h]; } },
  { name: "elman", cell: nn.elman({ hiddenSize: H }), ref: (p, c, x) => { const h = R.elmanStep(p, c.h, x); return [{ h }, h]; } },
  stpnRow("stpn", {}),
  stpnRow("stpn post, neuron-wise, clamp", { normalization: "post", plasticity: "neuron", clamp: 0.5 }),
  stpnRow("stpn no norm, scalar", { normalization: "none", plasticity: "scalar" }),
  mpnRow("mpn", {}),
  mpnRow("mpn additive, hebbian eta, mTanh", { mode: "additive", etaSign: "hebbian", mTanh: true, etaShape: "post" }),
  mpnRow("mpn anti-hebbian, oja", { etaSign: "antiHebbian", update: "oja", etaShape: "pre", etaInit: 0.3 }),
  mpnRow("mpn normalized", { update: "normalized", etaShape: "matrix" }),
  cfcRow("cfc", { units: H, backboneUnits: 6 }),
  cfcRow("cfc noGate, 2 backbone layers", { units: H, mode: "noGate", backboneUnits: 5, backboneLayers: 2 }),
  cfcRow("cfc pure", { units: H, mode: "pure", backboneLayers: 0 }),
  cfcRow("cfc wired", { units: nn.wirings.autoNcp(7, 2) }),
  { name: "cfc mixed memory", cell: nn.cfc({ units: H, backboneUnits: 6, mixedMemory: true }) },
  ltcRow("ltc ncp", nn.wirings.autoNcp(6, 1)),
  ltcRow("ltc fully connected", nn.wirings.fullyConnected(H, { outputSize: 2 })),
  { name: "ltc mixed memory", cell: nn.ltc({ hiddenSize: H, mixedMemory: true }) },
];

const xs20 = random.normal(kx, [20, I]).mul(0.8);

for (const row of rows) {
  const params = row.cell.init(kp, I);
  const rnn = nn.rnn(row.cell);

  test(`${row.name}: gradients through a 20-step rnn scan (fwd and rev)`, () => {
    if (row.noGradCheck) return;
    checkGrads((p: unknown, xs: Array) => rnn.apply(p, null, xs), [params, xs20], { order: 1, modes: ["fwd", "rev"], eps: 3e-3 });
  });

  test(`${row.name}: vmap over a batch equals looping apply; leading batch dims equal vmap`, () => {
    const B = 3;
    const xb = random.normal(kb, [2, B, I]);
    const step = vmap(row.cell.apply, { inAxes: [null, 0, 0] });
    let cb = row.cell.initCarry(params, [B]);
    let cd = row.cell.initCarry(params, [B]);
    let yb: Array = np.zeros([]);
    let yd: Array = np.zeros([]);
    for (let t = 0; t < 2; t++) {
      const xt = xb.get(t);
      [cb, yb] = step(params, cb, xt);
      [cd, yd] = row.cell.apply(params, cd, xt);
    }
    for (let b = 0; b < B; b++) {
      let c = row.cell.initCarry(params);
      let y: Array = np.zeros([]);
      for (let t = 0; t < 2; t++) [c, y] = row.cell.apply(params, c, xb.get(t, b));
      assertTreeClose(tree.map((l: Array) => l.get(b), cb), c, `${row.name} vmap carry ${b}`);
      assertTreeClose(yb.get(b), y, `${row.name} vmap y ${b}`);
    }
    assertTreeClose(cd, cb, `${row.name} batched apply carry`);
    assertTreeClose(yd, yb, `${row.name} batched apply y`);
  });

  test(`${row.name}: jit equals eager; resets restart the carry`, () => {
    const f = (p: unknown, xs: Array, r: Array) => rnn.apply(p, null, xs, r);
    const resets = np.array([false, false, false, true, false, false]);
    const xs = xs20.get("0:6");
    const eager = f(params, xs, resets);
    const jitted = jit(f)(params, xs, resets);
    assertTreeClose(jitted, eager, `${row.name} jit`, 1e-6, 1e-5);
    // After the reset at t = 3, outputs equal a fresh run over xs[3:].
    const [, ysTail] = rnn.apply(params, null, xs.get("3:"));
    assertTreeClose((eager[1] as Array).get("3:"), ysTail, `${row.name} reset`);
  });

  if (row.ref !== undefined) {
    test(`${row.name}: agrees with the published equations`, () => {
      const p = host(params);
      let c = host(row.cell.initCarry(params));
      let carry = row.cell.initCarry(params);
      for (let t = 0; t < 3; t++) {
        const x = xs20.get(t);
        let y: Array;
        [carry, y] = row.cell.apply(params, carry, x);
        let yRef: number[];
        [c, yRef] = row.ref!(p, c, x.tolist() as number[]);
        assertClose(y.tolist(), yRef, `${row.name} y at step ${t}`, 2e-5, 2e-4);
        assertClose(host(carry), c, `${row.name} carry at step ${t}`, 2e-5, 2e-4);
      }
    });
  }
}

test("rnn: time-major and batch-major layouts agree; reverse runs backwards", () => {
  const cell = nn.gru({ hiddenSize: H });
  const params = cell.init(kp, I);
  const xb = random.normal(kb, [2, 5, I]); // [batch, T, I]
  const [cB, yB] = nn.rnn(cell).apply(params, null, xb);
  const [cT, yT] = nn.rnn(cell, { timeMajor: true }).apply(params, null, np.swapaxes(xb, 0, 1));
  assertTreeClose(cT, cB, "carry");
  assertTreeClose(np.swapaxes(yT, 0, 1), yB, "outputs");
  const [, yR] = nn.rnn(cell, { reverse: true }).apply(params, null, xb.get(0));
  const [, yF] = nn.rnn(cell).apply(params, null, np.flip(xb.get(0), 0));
  assertTreeClose(yR, np.flip(yF, 0), "reverse");
});

test("rnn({checkpoint: true}): same values and gradients, and the backward pass stores only the step inputs", () => {
  const cell = nn.stpn({ hiddenSize: H });
  const params = cell.init(kp, I);
  const xb = random.normal(kb, [2, 6, I]);
  const loss = (r: nn.Rnn) => (p: unknown) => r.apply(p as never, null, xb)[1].square().sum();
  const [v0, g0] = valueAndGrad(loss(nn.rnn(cell)))(params);
  const [v1, g1] = valueAndGrad(loss(nn.rnn(cell, { checkpoint: true })))(params);
  assertClose(v1.item(), v0.item(), "loss");
  assertTreeClose(g1, g0, "gradients");
  // The checkpointed scan body is a checkpoint call: its forward intermediates are not scan residuals.
  const leaves = tree.leaves(params) as Array[];
  const def = tree.structure(params);
  const staged = (r: nn.Rnn) =>
    String(traceToJaxpr((...ls) => tree.leaves(grad(loss(r))(tree.unflatten(def, ls))) as Array[], leaves.map((l) => l.aval)).jaxpr);
  assert.ok(staged(nn.rnn(cell, { checkpoint: true })).includes("checkpoint"), "a checkpoint call in the staged gradient");
  assert.not.ok(staged(nn.rnn(cell)).includes("checkpoint"));
});

test("every cell's default params and carry are float32", () => {
  const cells: nn.Cell[] = [
    nn.lstm({ hiddenSize: H }), nn.gru({ hiddenSize: H }), nn.elman({ hiddenSize: H }), nn.stpn({ hiddenSize: H }),
    nn.mpn({ hiddenSize: H }), nn.mpn({ hiddenSize: H, etaSign: "hebbian", etaInit: 1 }), nn.cfc({ hiddenSize: H }),
    nn.ltc({ hiddenSize: H }),
  ];
  for (const cell of cells) {
    const p = cell.init(kp, I);
    for (const leaf of [...tree.leaves(p), ...tree.leaves(cell.initCarry(p))] as Array[]) {
      assert.is(leaf.dtype, "float32", `${cell.kind}: a leaf of dtype ${leaf.dtype}`);
    }
  }
});

test("apply names the cell, the shapes and the fix on a wrong input size", () => {
  const cell = nn.lstm({ hiddenSize: H });
  const params = cell.init(kp, I);
  assert.throws(() => cell.apply(params, cell.initCarry(params), np.zeros([I + 1])), /lstm\.apply: x must be \[\.\.\., 3\].*nn\.rnn/);
});

test.run();
