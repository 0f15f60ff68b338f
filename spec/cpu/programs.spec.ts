// Random programs: fast-check draws a small DAG of primitives (elementwise chains with broadcasting,
// reductions, matmuls with epilogues, layout ops, selects, concatenations, fallback ops), traces it to a
// jaxpr with several outputs (intermediates included, so fused kernels must store them), compiles it on the
// cpu backend and compares with the reference interpreter.

import fc from "fast-check";
import { suite } from "uvu";
import { traceToJaxpr } from "../../src/core/staging.ts";
import { build, inputShapes, programArb } from "../support/randomDag.ts";
import { assertClose, av, fill, runJaxpr, uniform } from "./helpers.ts";

const test = suite("cpu random programs vs reference");

test("random DAGs compile and agree with the reference", () => {
  fc.assert(
    fc.property(programArb(14), ([A, B, steps, outs, seed]) => {
      const inAvals = inputShapes(A, B).map((s) => av(s));
      const { jaxpr } = traceToJaxpr(build(A, B, steps, outs), inAvals);
      const inputs = inAvals.map((a, i) => fill("float32", a.shape, uniform(-2, 2), seed + i));
      const { cpu, ref } = runJaxpr(jaxpr, inputs);
      cpu.forEach((c, i) => assertClose(c, ref[i], { rel: 2e-4, abs: 2e-4 }, `output ${i} of\n${jaxpr}`));
    }),
    { numRuns: Number(process.env.PROGRAM_RUNS ?? 150) },
  );
});

test.run();
