// random under the public transforms: vmap over seeds, keys and fold-in data equals the per-example loop, and jit
// equals eager evaluation. (random.spec.ts checks tracing through core staging alone; this file checks the
// transforms in src/transforms on top.)

import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as random from "../../src/random/index.ts";
import type { ArrayBase } from "../../src/core/array.ts";
import { defaultBackendName } from "../../src/core/backend.ts";
import * as lax from "../../src/core/lax.ts";
import { jit } from "../../src/transforms/jit.ts";
import { vmap } from "../../src/transforms/vmap.ts";

const test = suite("random under vmap and jit");

const row = (x: ArrayBase, i: number): ArrayBase => lax.reshape(lax.slice(x, [i, 0], [i + 1, 2]), [2]);
const logits = lax.convertElementType(lax.iota("int32", [2, 3], 1), "float32");

const samplers: [string, (k: ArrayBase) => ArrayBase][] = [
  ["split", (k) => random.split(k, 3)],
  ["foldIn", (k) => random.foldIn(k, 7)],
  ["bits", (k) => random.bits(k, [5])],
  ["uniform", (k) => random.uniform(k, [2, 3], "float32", -1, 4)],
  ["normal", (k) => random.normal(k, [4])],
  ["truncatedNormal", (k) => random.truncatedNormal(k, -0.5, 1.5, [4])],
  ["randint", (k) => random.randint(k, [6], 3, 40)],
  ["bernoulli", (k) => random.bernoulli(k, 0.4, [6])],
  ["categorical", (k) => random.categorical(k, logits, -1, [3, 2])],
  ["permutation", (k) => random.permutation(k, 9)],
  ["choice", (k) => random.choice(k, 12, [4], false)],
  ["orthogonal", (k) => random.orthogonal(k, 3)],
];

test("vmap over keys equals a loop over keys", () => {
  const keys = random.split(random.key(2024), 4);
  for (const [name, f] of samplers) {
    const batched = vmap(f)(keys) as ArrayBase;
    const looped = [0, 1, 2, 3].map((i) => f(row(keys, i)).tolist());
    assert.equal(batched.tolist(), looped, name);
  }
});

test("vmap over seeds and fold-in data", () => {
  const seeds = lax.iota("int32", [5]);
  assert.equal((vmap(random.key)(seeds) as ArrayBase).tolist(), [0, 1, 2, 3, 4].map((s) => random.key(s).tolist()));
  const folded = vmap((d: ArrayBase) => random.foldIn(random.key(3), d))(seeds) as ArrayBase;
  assert.equal(folded.tolist(), [0, 1, 2, 3, 4].map((d) => random.foldIn(random.key(3), d).tolist()));
});

/**
 * Bit-exact on the reference and cpu backends. WGSL lets the shader compiler contract a * b + c into a fused
 * multiply-add, which jit's fused kernels give it room to do and one-op eager kernels do not; samplers that go
 * through erfInv (truncatedNormal) amplify that last-ulp difference. So on webgpu float samples need only agree
 * within 1e-6 (relative, and absolute near zero: JAX's own tolerance for its float samplers); integers stay exact.
 */
function assertJitEqualsEager(got: ArrayBase, want: ArrayBase, name: string): void {
  if (defaultBackendName() !== "webgpu" || got.dtype !== "float32") return assert.equal(got.tolist(), want.tolist(), name);
  const [g, w] = [got.dataSync(), want.dataSync()];
  assert.is(g.length, w.length, name);
  g.forEach((x, i) => assert.ok(Math.abs(x - w[i]) <= 1e-6 * (1 + Math.abs(w[i])), `${name}: element ${i} is ${x}, eager ${w[i]} (tolerance 1e-6)`));
}

test("jit equals eager evaluation", () => {
  const k = random.key(99);
  for (const [name, f] of samplers) assertJitEqualsEager(jit(f)(k) as ArrayBase, f(k), name);
  const viaSeed = jit((s: ArrayBase) => random.normal(random.key(s), [3]))(lax.convertElementType(5, "int32")) as ArrayBase;
  assertJitEqualsEager(viaSeed, random.normal(random.key(5), [3]), "normal via a traced seed");
});

test.run();
