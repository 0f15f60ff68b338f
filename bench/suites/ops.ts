// Suite (a): single operations and the framework's own overheads. Single ops run eagerly in every framework
// (what a user types); the elementwise chain runs under jit where the framework has one (fusion is the point);
// the overhead rows time a 4-element op eagerly and a jitted 4-element function; the compile row times the
// first call of a freshly built jit(grad(LSTM over 100 steps)).

import type { Case } from "../harness.ts";
import { jaxImpl, plastaxImpl, tfImpl, unsupported } from "../impls.ts";
import { chainOracle, matmulOracle, rowSumOracle, sumOracle } from "../oracle.ts";
import { fromHost, matmul, px, sum } from "../frameworks/plastax.ts";
import { CHAIN_N, ROWS, SUM_N, chainInputs, jitCallInputs, matmulInputs, memo, rowSumInputs, sumInputs, tinyInputs } from "../workloads.ts";
import type { SuiteContext } from "./context.ts";
import { jaxRnnImpl, lstmOracleFor, plastaxRnnImpl } from "./rnn.ts";

const { lax } = px;

/**
 * The big size (4096², the WebGPU issue's GPU workload: 137 GFLOP a call) runs in the full bench only, without
 * the JS peers (~14 s a call at their 1024² rate; that row compares them) and without the float64 oracle
 * (minutes in JS): plastax's backends and PyTorch are checked against each other.
 */
const BIG_MATMUL = 4096;

function matmulCase(ctx: SuiteContext, n: number): Case {
  const inputs = memo(() => matmulInputs(n));
  const big = n >= BIG_MATMUL;
  const tooSlow = `left out at ${n}²: ~14 s a call at this peer's 1024² rate (see ops/matmul-1024)`;
  return {
    id: `ops/matmul-${n}`,
    suite: "ops",
    workload: `matmul ${n}x${n} @ ${n}x${n} f32`,
    // k = n products of values in [-1, 1]: float32 accumulation error grows like sqrt(n) ulp of the sum.
    tol: { rtol: 1e-4, atol: 1e-4 * Math.sqrt(n) },
    oracle: big ? undefined : () => [matmulOracle(inputs().a, inputs().b, n)],
    derive: (ms) => ({ value: (2 * n ** 3) / (ms * 1e6), unit: "GFLOP/s" }),
    heavy: n >= 1024,
    impls: [
      ...ctx.backends.map((b) =>
        plastaxImpl(b, (be) => {
          const A = fromHost(inputs().a, [n, n], be);
          const B = fromHost(inputs().b, [n, n], be);
          return { call: () => matmul(A, B) };
        }),
      ),
      big ? unsupported("jax-js", "wasm", tooSlow) : jaxImpl((jax) => {
        const np = jax.numpy;
        const A = np.array(inputs().a).reshape([n, n]);
        const B = np.array(inputs().b).reshape([n, n]);
        return { call: () => np.matmul(A.ref, B.ref), dispose: () => (A.dispose(), B.dispose()) };
      }),
      big ? unsupported("tfjs", "wasm", tooSlow) : tfImpl((tf) => {
        const A = tf.tensor(inputs().a, [n, n]);
        const B = tf.tensor(inputs().b, [n, n]);
        return { call: () => tf.matMul(A, B), dispose: () => tf.dispose([A, B]) };
      }),
    ],
  };
}

function chainCase(ctx: SuiteContext): Case {
  const { x, a, b } = chainInputs();
  return {
    id: "ops/chain-1e6",
    suite: "ops",
    workload: "tanh(a*x+b)*sigmoid(x), 1e6 f32 (jit where available)",
    tol: { rtol: 1e-5, atol: 1e-5 },
    oracle: () => [chainOracle(x, a, b)],
    derive: (ms) => ({ value: CHAIN_N / (ms * 1e6), unit: "Gelem/s" }),
    impls: [
      ...ctx.backends.map((bk) =>
        plastaxImpl(bk, (be) => {
          const X = fromHost(x, [CHAIN_N], be);
          const f = px.jit((v: px.Array) => lax.mul(lax.tanh(lax.add(lax.mul(a, v), b)), lax.logistic(v)), { backend: be });
          return { call: () => f(X) };
        }),
      ),
      jaxImpl((jax) => {
        const { numpy: np, nn } = jax;
        const X = np.array(x);
        type A = typeof X;
        const f = jax.jit((v: A) => np.tanh(v.ref.mul(a).add(b)).mul(nn.sigmoid(v)));
        return { call: () => f(X.ref), dispose: () => (X.dispose(), f.dispose()) };
      }),
      tfImpl((tf) => {
        const X = tf.tensor(x);
        return {
          call: () => tf.tidy(() => tf.mul(tf.tanh(tf.add(tf.mul(X, a), b)), tf.sigmoid(X))),
          dispose: () => X.dispose(),
          note: "eager (no jit in tfjs)",
        };
      }),
    ],
  };
}

function sumCase(ctx: SuiteContext): Case {
  const { x } = sumInputs();
  return {
    id: "ops/sum-1e6",
    suite: "ops",
    workload: "sum of 1e6 f32",
    // 1e6 values in [0, 1): float32 summation order changes the result by up to ~1e-4 relative.
    tol: { rtol: 1e-3, atol: 0 },
    oracle: () => [sumOracle(x)],
    impls: [
      ...ctx.backends.map((b) =>
        plastaxImpl(b, (be) => {
          const X = fromHost(x, [SUM_N], be);
          return { call: () => sum(X) };
        }),
      ),
      jaxImpl((jax) => {
        const X = jax.numpy.array(x);
        return { call: () => jax.numpy.sum(X.ref), dispose: () => X.dispose() };
      }),
      tfImpl((tf) => {
        const X = tf.tensor(x);
        return { call: () => tf.sum(X), dispose: () => X.dispose() };
      }),
    ],
  };
}

function rowSumCase(ctx: SuiteContext): Case {
  const { x } = rowSumInputs();
  return {
    id: "ops/rowsum-1024",
    suite: "ops",
    workload: "row sums of 1024x1024 f32",
    tol: { rtol: 1e-4, atol: 1e-4 },
    oracle: () => [rowSumOracle(x, ROWS, ROWS)],
    impls: [
      ...ctx.backends.map((b) =>
        plastaxImpl(b, (be) => {
          const X = fromHost(x, [ROWS, ROWS], be);
          return { call: () => sum(X, [1]) };
        }),
      ),
      jaxImpl((jax) => {
        const X = jax.numpy.array(x).reshape([ROWS, ROWS]);
        return { call: () => jax.numpy.sum(X.ref, 1), dispose: () => X.dispose() };
      }),
      tfImpl((tf) => {
        const X = tf.tensor(x, [ROWS, ROWS]);
        return { call: () => tf.sum(X, 1), dispose: () => X.dispose() };
      }),
    ],
  };
}

function tinyAddCase(ctx: SuiteContext): Case {
  const { x, y } = tinyInputs();
  return {
    id: "ops/tiny-add",
    suite: "ops",
    workload: "eager add of two 4-element arrays (dispatch overhead)",
    tol: { rtol: 1e-6, atol: 1e-7 },
    oracle: () => [Float32Array.from(x, (v, i) => v + y[i])],
    impls: [
      ...ctx.backends.map((b) =>
        plastaxImpl(b, (be) => {
          const X = fromHost(x, [4], be);
          const Y = fromHost(y, [4], be);
          return { call: () => lax.add(X, Y) };
        }),
      ),
      jaxImpl((jax) => {
        const X = jax.numpy.array(x);
        const Y = jax.numpy.array(y);
        return { call: () => X.ref.add(Y.ref), dispose: () => (X.dispose(), Y.dispose()) };
      }),
      tfImpl((tf) => {
        const X = tf.tensor(x);
        const Y = tf.tensor(y);
        return { call: () => tf.add(X, Y), dispose: () => tf.dispose([X, Y]) };
      }),
    ],
  };
}

function jitCallCase(ctx: SuiteContext): Case {
  const { x } = jitCallInputs();
  return {
    id: "ops/jit-call",
    suite: "ops",
    workload: "call of a jitted f(x) = 2x + 1 on 4 elements (jit-call overhead)",
    tol: { rtol: 1e-6, atol: 1e-7 },
    oracle: () => [Float32Array.from(x, (v) => 2 * v + 1)],
    impls: [
      ...ctx.backends.map((b) =>
        plastaxImpl(b, (be) => {
          const X = fromHost(x, [4], be);
          const f = px.jit((v: px.Array) => lax.add(lax.mul(v, 2), 1), { backend: be });
          return { call: () => f(X) };
        }),
      ),
      jaxImpl((jax) => {
        const X = jax.numpy.array(x);
        type A = typeof X;
        const f = jax.jit((v: A) => v.mul(2).add(1));
        return { call: () => f(X.ref), dispose: () => (X.dispose(), f.dispose()) };
      }),
      unsupported("tfjs", "wasm", "tfjs has no jit"),
    ],
  };
}

function compileCase(ctx: SuiteContext): Case {
  return {
    id: "ops/compile-lstm-grad",
    suite: "ops",
    workload: "first call of a new jit(grad(LSTM, 100 steps, B 64, H 128)): trace + compile + one run",
    tol: { rtol: 2e-3, atol: 2e-3 },
    oracle: lstmOracleFor.grad,
    warmup: false,
    heavy: true,
    singleShot: ctx.quick,
    impls: [
      ...ctx.backends.map((b) => plastaxRnnImpl("LSTM", "grad", b, true)),
      jaxRnnImpl("LSTM", "grad", true),
      unsupported("tfjs", "wasm", "tfjs has no jit: nothing is compiled"),
    ],
  };
}

export function opsCases(ctx: SuiteContext): Case[] {
  return [
    matmulCase(ctx, 256),
    matmulCase(ctx, 1024),
    ...(ctx.quick ? [] : [matmulCase(ctx, BIG_MATMUL)]),
    chainCase(ctx),
    sumCase(ctx),
    rowSumCase(ctx),
    tinyAddCase(ctx),
    jitCallCase(ctx),
    compileCase(ctx),
  ];
}
