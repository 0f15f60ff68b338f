// The recurrent workloads, per framework: a model is its parameters, its input sequence, a forward function
// returning ys [T, B, H], and the order in which its gradients are reported. plastax uses its `nn` cells
// when `nn` is exported (scanned by `nn.rnn` under jit) and a lax-written LSTM/GRU before that.

import { type Built, jaxImpl, plastaxImpl, tfImpl } from "../impls.ts";
import { type Impl, skip } from "../harness.ts";
import { type Arr, type BackendInfo, fromHost, optional, px } from "../frameworks/plastax.ts";
import * as pxm from "../models/plastax.ts";
import * as jxm from "../models/jaxjs.ts";
import * as tfm from "../models/tfjs.ts";
import { type RnnShapes, gruOracle, lstmOracle } from "../oracle.ts";
import { det } from "../data.ts";
import { RNN, gruInputs, lstmInputs, memo } from "../workloads.ts";

export type CellName = "LSTM" | "GRU" | "STPN" | "MPN" | "CfC" | "LTC";
export type Mode = "fwd" | "grad";

/** A cell as plastax runs it: params (a pytree), xs, forward, and the gradient leaves in report order. */
export interface PxModel {
  readonly params: unknown;
  readonly xs: Arr;
  readonly forward: (params: any, xs: Arr) => Arr;
  /** Gradient leaves in the workload's report order. */
  readonly gradLeaves: (grads: any) => Arr[];
  /** The forward used under valueAndGrad, when it differs (a checkpointed scan body). */
  readonly gradForward?: (params: any, xs: Arr) => Arr;
  /** Host-side layout fix-ups of the outputs (e.g. nn's [out, in] weights to the canonical [in, out]). */
  readonly fixOutputs?: (outs: Float32Array[], mode: Mode) => Float32Array[];
  readonly note: string;
}

/** Minimal view of plastax's `nn` used here (see src/nn/index.ts). */
interface NnLike {
  lstm(o: { hiddenSize: number }): unknown;
  gru(o: { hiddenSize: number }): unknown;
  stpn(o: { hiddenSize: number }): unknown;
  mpn(o: { hiddenSize: number }): unknown;
  cfc(o: { units: number }): unknown;
  ltc(o: { wiring: number }): unknown;
  rnn(cell: unknown, o: { timeMajor: boolean; checkpoint?: boolean }): { init(key: Arr, inputSize: number): unknown; apply(p: unknown, c: null, xs: Arr): [unknown, Arr] };
}
const nn = () => optional<NnLike>("nn");

/** LTC runs 6 ODE unfolds over a dense [B, U, U] synapse tensor per unfold; 32 units keeps it in reach of the reference backend. */
export const LTC_UNITS = 32;

/** [rows, cols] row-major -> [cols, rows]. */
export function transposeHost(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

const S = RNN;

export function stpnInputs(s: RnnShapes = S) {
  const k = 1 / Math.sqrt(s.H);
  const F = s.I + s.H;
  return {
    x: det(s.T * s.B * s.I, 45),
    wi: det(s.H * s.I, 40, -k, k),
    wh: det(s.H * s.H, 41, -k, k),
    b: det(s.H, 42, -k, k),
    lambda: det(s.H * F, 43, 0, 1),
    gamma: det(s.H * F, 44, -0.001 * k, 0.001 * k),
  };
}

export function mpnInputs(s: RnnShapes = S) {
  const bw = Math.sqrt(6 / (s.I + s.H));
  const bb = Math.sqrt(6 / s.H);
  return {
    x: det(s.T * s.B * s.I, 54),
    w: det(s.H * s.I, 50, -bw, bw),
    b: det(s.H, 51, -bb, bb),
    eta: det(1, 52, -Math.sqrt(3), Math.sqrt(3)),
    lambda: det(1, 53, 0.5, 1),
  };
}

/** The plastax model of a cell on a backend, or a Skip with the reason. */
export function plastaxModel(cell: CellName, be: string): PxModel {
  const { T, B, I, H } = S;
  const lib = nn();
  const put = (d: Float32Array, shape: number[]) => fromHost(d, shape, be);
  const rnnOf = (c: unknown, checkpoint = false) => lib!.rnn(c, { timeMajor: true, checkpoint });
  const nnForward = (c: unknown, checkpoint = false) => {
    const r = rnnOf(c, checkpoint);
    return (p: unknown, xs: Arr) => r.apply(p, null, xs)[1];
  };
  switch (cell) {
    case "LSTM": {
      const { x, w } = lstmInputs();
      const xs = put(x, [T, B, I]);
      if (!lib) {
        return {
          params: { wi: put(w.wi, [I, 4 * H]), wh: put(w.wh, [H, 4 * H]), b: put(w.b, [4 * H]) },
          xs,
          forward: pxm.lstmForward,
          gradLeaves: (g) => [g.wi, g.wh, g.b],
          note: "hand-written with lax (nn not exported)",
        };
      }
      return {
        params: { wi: put(transposeHost(w.wi, I, 4 * H), [4 * H, I]), wh: put(transposeHost(w.wh, H, 4 * H), [4 * H, H]), b: put(w.b, [4 * H]) },
        xs,
        forward: nnForward(lib.lstm({ hiddenSize: H })),
        gradLeaves: (g) => [g.wi, g.wh, g.b],
        fixOutputs: (o, mode) => (mode === "fwd" ? o : [o[0], transposeHost(o[1], 4 * H, I), transposeHost(o[2], 4 * H, H), o[3]]),
        note: "nn.lstm",
      };
    }
    case "GRU": {
      const { x, w } = gruInputs();
      const xs = put(x, [T, B, I]);
      if (!lib) {
        return {
          params: { wi: put(w.wi, [I, 3 * H]), wh: put(w.wh, [H, 3 * H]), bi: put(w.bi, [3 * H]), bh: put(w.bh, [3 * H]) },
          xs,
          forward: pxm.gruForward,
          gradLeaves: (g) => [g.wi, g.wh, g.bi, g.bh],
          note: "hand-written with lax (nn not exported)",
        };
      }
      return {
        params: {
          wi: put(transposeHost(w.wi, I, 3 * H), [3 * H, I]),
          wh: put(transposeHost(w.wh, H, 3 * H), [3 * H, H]),
          bi: put(w.bi, [3 * H]),
          bh: put(w.bh, [3 * H]),
        },
        xs,
        forward: nnForward(lib.gru({ hiddenSize: H })),
        gradLeaves: (g) => [g.wi, g.wh, g.bi, g.bh],
        fixOutputs: (o, mode) => (mode === "fwd" ? o : [o[0], transposeHost(o[1], 3 * H, I), transposeHost(o[2], 3 * H, H), o[3], o[4]]),
        note: "nn.gru",
      };
    }
    case "STPN": {
      if (!lib) skip("`nn` is not exported from src/index.ts yet (issue 6)");
      const d = stpnInputs();
      const F = I + H;
      return {
        params: { wi: put(d.wi, [H, I]), wh: put(d.wh, [H, H]), b: put(d.b, [H]), lambda: put(d.lambda, [H, F]), gamma: put(d.gamma, [H, F]) },
        xs: put(d.x, [T, B, I]),
        forward: nnForward(lib!.stpn({ hiddenSize: H })),
        // Every step's intermediates are [B, H, I + H]: stored for 100 steps they need ~5 GB, past what a
        // WebAssembly memory can address. A checkpointed step (jax.checkpoint) stores the carry alone.
        gradForward: nnForward(lib!.stpn({ hiddenSize: H }), true),
        gradLeaves: (g) => [g.wi, g.wh, g.b, g.lambda, g.gamma],
        note: "nn.stpn (per-synapse lambda/gamma, pre-normalisation)",
      };
    }
    case "MPN": {
      if (!lib) skip("`nn` is not exported from src/index.ts yet (issue 6)");
      const d = mpnInputs();
      return {
        params: { w: put(d.w, [H, I]), b: put(d.b, [H]), eta: put(d.eta, []), lambda: put(d.lambda, []) },
        xs: put(d.x, [T, B, I]),
        forward: nnForward(lib!.mpn({ hiddenSize: H })),
        gradLeaves: (g) => [g.w, g.b, g.eta, g.lambda],
        note: "nn.mpn (multiplicative, scalar eta/lambda)",
      };
    }
    case "CfC":
    case "LTC": {
      if (!lib) skip("`nn` is not exported from src/index.ts yet (issue 6)");
      const c = cell === "CfC" ? lib!.cfc({ units: H }) : lib!.ltc({ wiring: LTC_UNITS });
      const r = rnnOf(c);
      const params = px.tree.map((a: Arr) => px.devicePut(a as px.ConcreteArray, be), r.init(px.random.key(0), I));
      return {
        params,
        xs: put(det(T * B * I, cell === "CfC" ? 60 : 70), [T, B, I]),
        forward: (p, xs) => r.apply(p, null, xs)[1],
        gradLeaves: (g) => px.tree.leaves(g) as Arr[],
        note: cell === "CfC" ? "nn.cfc (default mode, 1x128 backbone), params from init(key 0)" : `nn.ltc (${LTC_UNITS} units fully connected, 6 unfolds), params from init(key 0)`,
      };
    }
  }
}

/** plastax: jit(forward) or jit(valueAndGrad(loss)); `fresh` builds a new jit on every call (first-call timing). */
export function plastaxRnnImpl(cell: CellName, mode: Mode, b: BackendInfo, fresh = false): Impl {
  return plastaxImpl(b, (be): Built<unknown> => {
    const m = plastaxModel(cell, be);
    const fix = (o: Float32Array[]) => (m.fixOutputs ? m.fixOutputs(o, mode) : o);
    if (mode === "fwd") {
      const f = px.jit(m.forward, { backend: be });
      return { call: () => f(m.params, m.xs), extract: fix, note: m.note };
    }
    const forward = m.gradForward ?? m.forward;
    const note = m.gradForward ? `${m.note}; rnn({checkpoint: true})` : m.note;
    const make = () => px.jit(px.valueAndGrad((p: unknown, xs: Arr) => pxm.rnnLoss(forward(p, xs))), { backend: be });
    const unpack = ([v, g]: [Arr, unknown]) => [v, ...m.gradLeaves(g)];
    if (fresh) return { call: () => unpack(make()(m.params, m.xs)), extract: fix, note };
    const f = make();
    return { call: () => unpack(f(m.params, m.xs)), extract: fix, note };
  });
}

export const lstmOracleFor = {
  fwd: memo(() => lstmOracle(S, lstmInputs().x, lstmInputs().w, false)),
  grad: memo(() => lstmOracle(S, lstmInputs().x, lstmInputs().w, true)),
};
export const gruOracleFor = {
  fwd: memo(() => gruOracle(S, gruInputs().x, gruInputs().w, false)),
  grad: memo(() => gruOracle(S, gruInputs().x, gruInputs().w, true)),
};

/** jax-js: jit over the unrolled 100-step loop (jax-js has no scan); `fresh` builds a new jit per call. */
export function jaxRnnImpl(cell: "LSTM" | "GRU", mode: Mode, fresh = false): Impl {
  return jaxImpl((jax): Built<unknown> => {
    const np = jax.numpy;
    const { T, B, I, H } = S;
    const arr = (d: Float32Array, shape: number[]) => np.array(d).reshape(shape);
    const G = cell === "LSTM" ? 4 : 3;
    const inp = cell === "LSTM" ? lstmInputs() : gruInputs();
    const xs = arr(inp.x, [T, B, I]);
    const w = inp.w as unknown as Record<string, Float32Array>;
    const names = cell === "LSTM" ? ["wi", "wh", "b"] : ["wi", "wh", "bi", "bh"];
    const shapes: Record<string, number[]> = { wi: [I, G * H], wh: [H, G * H], b: [G * H], bi: [G * H], bh: [G * H] };
    const params = Object.fromEntries(names.map((n) => [n, arr(w[n], shapes[n])]));
    type A = (typeof params)[string];
    const forward = (p: Record<string, A>, x: A) => (cell === "LSTM" ? jxm.lstmForward(jax, p as unknown as jxm.JaxLstm, x) : jxm.gruForward(jax, p as unknown as jxm.JaxGru, x));
    const refs = () => Object.fromEntries(names.map((n) => [n, params[n].ref]));
    const dispose = () => {
      xs.dispose();
      for (const n of names) params[n].dispose();
    };
    if (mode === "fwd") {
      const f = jax.jit(forward);
      return { call: () => f(refs(), xs.ref), dispose: () => (dispose(), f.dispose()), note: "jit of the unrolled loop" };
    }
    const make = () => jax.jit(jax.valueAndGrad((p: Record<string, A>, x: A) => jxm.rnnLoss(forward(p, x))));
    const run = (f: ReturnType<typeof make>) => {
      const [v, g] = f(refs(), xs.ref) as [A, Record<string, A>];
      return [v, ...names.map((n) => g[n])];
    };
    if (fresh) {
      return {
        call: () => {
          const f = make();
          const out = run(f);
          f.dispose();
          return out;
        },
        dispose,
        note: "a new jit(valueAndGrad) per call",
      };
    }
    const f = make();
    return { call: () => run(f), dispose: () => (dispose(), f.dispose()), note: "jit of the unrolled loop" };
  });
}

/** tfjs: eager loop inside tf.tidy, gradients by tf.valueAndGrads. */
export function tfRnnImpl(cell: "LSTM" | "GRU", mode: Mode): Impl {
  return tfImpl((tf) => {
    const { T, B, I, H } = S;
    const G = cell === "LSTM" ? 4 : 3;
    const inp = cell === "LSTM" ? lstmInputs() : gruInputs();
    const xs = tf.tensor(inp.x, [T, B, I]);
    const w = inp.w as unknown as Record<string, Float32Array>;
    const names = cell === "LSTM" ? ["wi", "wh", "b"] : ["wi", "wh", "bi", "bh"];
    const shapes: Record<string, number[]> = { wi: [I, G * H], wh: [H, G * H], b: [G * H], bi: [G * H], bh: [G * H] };
    const ps = names.map((n) => tf.tensor(w[n], shapes[n]));
    type T = (typeof ps)[number];
    const forward = (p: T[], x: T) => (cell === "LSTM" ? tfm.lstmForward(tf, p[0], p[1], p[2], x) : tfm.gruForward(tf, p[0], p[1], p[2], p[3], x));
    const dispose = () => tf.dispose([xs, ...ps]);
    if (mode === "fwd") return { call: () => tf.tidy(() => forward(ps, xs)), dispose };
    const vg = tf.valueAndGrads((...p: T[]) => tfm.rnnLoss(tf, forward(p, xs)));
    return {
      call: () =>
        tf.tidy(() => {
          const { value, grads } = vg(ps);
          return [value, ...grads];
        }),
      dispose,
    };
  });
}
