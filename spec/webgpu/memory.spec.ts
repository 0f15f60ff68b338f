// Memory without reference counting: 100k eager ops on small arrays, yielding to the event loop now and then
// (finalizers run between tasks), must keep device memory bounded: collected arrays return their buffers to
// the pool, and the pool recycles them. And a call that frees more than the pool keeps stays correct.

import { suite } from "uvu";
import * as assert from "uvu/assert";
import { webgpuMemoryStats } from "../../src/backends/webgpu/index.ts";
import type { ArrayBase } from "../../src/core/array.ts";
import * as lax from "../../src/core/lax.ts";
import { type ConcreteArray, devicePut, jit, nn, np, random, tree, valueAndGrad } from "../../src/index.ts";
import { assertClose, on, put, ready, timedTest } from "./helpers.ts";

const s = suite("webgpu memory");
const test = (name: string, fn: () => unknown) => timedTest(s, name, fn);

// Finalizers are platform tasks: they run one event-loop turn after a GC, so yield for a timer turn.
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

if (ready) {
  test("100k eager ops keep device memory bounded", async () => {
    const OPS = 100_000;
    const n = 64;
    let x: ArrayBase = put("webgpu", Float32Array.from({ length: n }, (_, i) => i / n), [n], "float32");
    const y = put("webgpu", Float32Array.from({ length: n }, () => 0.5), [n], "float32");
    await tick();
    const start = webgpuMemoryStats();
    const total = (st: typeof start) => st.liveBytes + st.pooledBytes;
    let maxLive = 0;
    let maxBuffers = 0;
    let maxTotal = 0;
    const t0 = performance.now();
    for (let i = 0; i < OPS; i += 4) {
      // Four ops per step; the value stays bounded: x -> tanh(x * y + x) - y * 0.1 ... in [-1, 1].
      on("webgpu", () => {
        x = lax.sub(lax.tanh(lax.add(lax.mul(x, y), x)), lax.mul(y, y));
      });
      if (i % 2000 === 0) {
        await tick();
        const st = webgpuMemoryStats();
        // Growth over what was live at the start (other spec files may still hold arrays of their own).
        maxLive = Math.max(maxLive, st.liveBytes - start.liveBytes);
        maxBuffers = Math.max(maxBuffers, st.liveBuffers);
        maxTotal = Math.max(maxTotal, total(st) - total(start));
      }
    }
    const v = await x.data();
    const ms = performance.now() - t0;
    await tick();
    const end = webgpuMemoryStats();
    console.log(`  memory soak: ${OPS} ops in ${(ms / 1000).toFixed(1)} s (${Math.round(OPS / (ms / 1000))} ops/s); ` +
      `live memory grew by at most ${(maxLive / 1024).toFixed(0)} KiB (max ${maxBuffers} buffers), device memory grew by at most ${(maxTotal / 1024).toFixed(0)} KiB`);
    assert.ok(v.every((e) => Number.isFinite(e)), "values stay finite");
    // 100k ops create ~100k 256-byte arrays (25 MiB) if nothing were freed; bounded means far below that.
    assert.ok(maxLive < 4 << 20, `live device memory stays bounded (max ${maxLive} bytes)`);
    assert.ok(maxTotal < 16 << 20, `device memory (live + pooled) grows by at most 16 MiB (grew by ${maxTotal} bytes)`);
  });

  test("a jit call whose temporaries overflow the pool: released buffers are destroyed only after their submit", () => {
    // The gradient of a 60-step multiplicative-plasticity scan stacks [60, 64, 64, 32] residuals and frees
    // many >64 KiB temporaries inside one command encoder: more than the pool keeps (256 MiB), so some are
    // destroyed. Destroying one before the encoder is submitted used to fail the whole call.
    const [T, B, I, H] = [60, 64, 32, 64];
    const cell = nn.mpn({ hiddenSize: H });
    const run = (backend: string) =>
      on(backend, () => {
        const params = tree.map((a: ArrayBase) => devicePut(a as ConcreteArray, backend), cell.init(random.key(1), I));
        const xs = devicePut(random.normal(random.key(2), [T, B, I]) as ConcreteArray, backend);
        const r = nn.rnn(cell, { timeMajor: true });
        const [v, g] = jit(valueAndGrad((p: unknown) => np.sum(r.apply(p as never, null, xs)[1])), { backend })(params);
        return [v, ...tree.leaves(g)].map((a) => (a as ArrayBase).dataSync());
      });
    const want = run("cpu");
    run("webgpu").forEach((got, i) => assertClose(got, want[i], { rtol: 1e-3, atol: 1e-3 }, `output ${i}`));
  });
}

s.run();
