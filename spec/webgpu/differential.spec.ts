// Differential: the same random programs (spec/support/randomDag.ts) traced once, compiled on the reference,
// cpu and webgpu backends through `Backend.compile`, run on the same inputs; every output of every backend
// must agree with the reference's and the two compiled backends with each other. Tolerance rtol/atol 2e-4
// (as the cpu's own random-program spec: fused float32 kernels against the reference's per-op rounding; the
// inputs stay in [-2, 2], so reductions and matmuls of up to 33 terms are well conditioned).
//
// Runs are few because every new kernel structure costs lavapipe a shader compilation (0.1-1 s); set
// WEBGPU_PROGRAM_RUNS for a longer search.

import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { aval } from "../../src/core/aval.ts";
import { getBackend } from "../../src/core/backend.ts";
import type { TypedArray } from "../../src/core/dtype.ts";
import type { Jaxpr } from "../../src/core/jaxpr.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import { build, inputShapes, programArb } from "../support/randomDag.ts";
import { type Tol, assertClose, randData, ready, rng, sizeOf, timedTest } from "./helpers.ts";

const s = suite("differential: reference vs cpu vs webgpu");
const test = (name: string, fn: () => unknown) => timedTest(s, name, fn);
const TOL: Tol = { rtol: 2e-4, atol: 2e-4 };
const BACKENDS = ["reference", "cpu", "webgpu"] as const;

/** Compile `jaxpr` on one backend and run it on host inputs; outputs come back as host arrays. */
function runOn(name: string, jaxpr: Jaxpr, inputs: readonly TypedArray[]): TypedArray[] {
  const b = getBackend(name);
  const bufs = inputs.map((x, i) => b.fromHost(x.slice(), jaxpr.invars[i].aval));
  return b.compile(jaxpr)(bufs).map((o, i) => b.toHost(o, jaxpr.outvars[i].aval));
}

if (ready) {
  test("random DAGs agree on all three backends", () => {
    fc.assert(
      fc.property(programArb(12, fc.integer({ min: 0, max: 1 << 30 })), ([A, B, steps, outs, seed]) => {
        const avals = inputShapes(A, B).map((sh) => aval(sh, "float32"));
        const { jaxpr } = traceToJaxpr(build(A, B, steps, outs), avals);
        const r = rng(seed);
        const inputs = avals.map((a) => randData(r, "float32", sizeOf(a.shape), { lo: -2, hi: 2 }));
        const [ref, cpu, gpu] = BACKENDS.map((n) => runOn(n, jaxpr, inputs));
        assert.is(gpu.length, ref.length);
        ref.forEach((want, i) => {
          assertClose(cpu[i], want, TOL, `cpu output ${i} of\n${jaxpr}`);
          assertClose(gpu[i], want, TOL, `webgpu output ${i} of\n${jaxpr}`);
          assertClose(gpu[i], cpu[i], TOL, `webgpu against cpu, output ${i} of\n${jaxpr}`);
        });
      }),
      { numRuns: Number(process.env.WEBGPU_PROGRAM_RUNS ?? 60), ...(process.env.WEBGPU_PROGRAM_SEED ? { seed: Number(process.env.WEBGPU_PROGRAM_SEED) } : {}) },
    );
  });
}

s.run();
