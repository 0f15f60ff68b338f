// Memory: the size-class allocator reuses freed blocks, buffers of garbage-collected arrays are returned
// without any user reference counting, intermediates of a compiled program share arena space by liveness,
// and repeated calls of an executable do not grow the memory.

import v8 from "node:v8";
import vm from "node:vm";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cpuBackend, statsOf } from "../../src/backends/cpu/index.ts";
import { Heap, sizeClassBytes } from "../../src/backends/cpu/memory.ts";
import { ConcreteArray } from "../../src/core/array.ts";
import type { ArrayBase } from "../../src/core/array.ts";
import * as lax from "../../src/core/lax.ts";
import { traceToJaxpr } from "../../src/core/staging.ts";
import { av } from "./helpers.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heap = cpuBackend.heap;

/** Collect garbage and let the finalizers run (they run as tasks after a GC). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

const test = suite("cpu memory");

test("size classes bound the waste and freed blocks are reused", () => {
  for (const n of [1, 16, 17, 100, 256, 257, 1000, 4096, 5000, 1 << 20, (1 << 20) + 1]) {
    const c = sizeClassBytes(n);
    assert.ok(c >= n && (n <= 256 ? c - n < 16 : c <= n * 1.25 + 1), `class of ${n} is ${c}`);
  }
  const p = heap.malloc(1000);
  heap.freeRaw(p, 1000);
  const q = heap.malloc(990);
  assert.is(q, p, "a freed block of the same class is reused");
  heap.freeRaw(q, 990);
});

test("at the address-space limit, freed blocks of other sizes are merged rather than reported as out of memory", () => {
  // A 64 MiB heap: fill it with 1 MiB blocks, keep every fourth live and a last block at the top, free the rest.
  const h = new Heap(false, FinalizationRegistry, null, 1 << 20, 64 << 20);
  const MiB = 1 << 20;
  const blocks: number[] = [];
  for (let i = 0; i < 62; i++) blocks.push(h.malloc(MiB));
  const keep = (i: number) => i % 8 === 7 || i === 61;
  const live = blocks.filter((_, i) => keep(i));
  blocks.filter((_, i) => !keep(i)).forEach((p) => h.freeRaw(p, MiB));
  // 7 MiB free runs in the middle: a 6 MiB block (a class none of the freed blocks has) must come from one.
  const big = h.malloc(6 * MiB);
  const inRun = live.some((l) => big >= l - 7 * MiB && big + 6 * MiB <= l);
  assert.ok(inRun, `6 MiB block at ${big} lies in a merged run of freed blocks`);
  assert.ok(live.every((l) => big + 6 * MiB <= l || big >= l + MiB), "it overlaps no live block");
  // The rest of the merged runs is still usable: another 6 MiB and many 1 MiB blocks fit.
  h.malloc(6 * MiB);
  for (let i = 0; i < 16; i++) h.malloc(MiB);
  // Past what is free, the error names the limit and the live bytes.
  assert.throws(() => h.malloc(48 * MiB), /out of memory .*limited to 64 MiB.*bytes are live/);
});

test("buffers of unreachable arrays are freed by the garbage collector", async () => {
  await collect();
  const before = heap.liveBytes;
  const a = av([1 << 16]);
  const data = new Float32Array(1 << 16);
  for (let i = 0; i < 64; i++) new ConcreteArray(a, cpuBackend.fromHost(data, a), cpuBackend);
  assert.ok(heap.liveBytes >= before + 64 * 4 * (1 << 16), "allocated");
  await collect();
  assert.ok(heap.liveBytes < before + 4 * 4 * (1 << 16), `freed: ${heap.liveBytes - before} bytes still live`);
});

test("intermediates share the arena by liveness", () => {
  // A chain of 12 materialized intermediates (each is used twice, and expensive): at most a few live at once.
  const n = 4096;
  const { jaxpr } = traceToJaxpr((x: ArrayBase) => {
    let y = x;
    for (let i = 0; i < 12; i++) {
      const e = lax.exp(lax.sin(y));
      y = lax.add(lax.mul(e, lax.broadcastInDim(lax.reduceSum(e, [0]), [n], [])), e);
    }
    return [y];
  }, [av([n])]);
  const exe = cpuBackend.compile(jaxpr);
  const s = statsOf(exe);
  assert.ok(s.kernels >= 12, `kernels ${s.kernels}`);
  assert.ok(s.arenaBytes <= 4 * n * 4 + 4096, `arena ${s.arenaBytes} bytes for 12+ intermediates of ${4 * n} bytes`);
});

test("repeated calls do not grow the memory", async () => {
  const { jaxpr } = traceToJaxpr((x: ArrayBase) => [lax.tanh(lax.mul(lax.exp(x), 2)), lax.reduceSum(x, [0])], [av([50000])]);
  const exe = cpuBackend.compile(jaxpr);
  const x = cpuBackend.fromHost(new Float32Array(50000), av([50000]));
  const round = async () => {
    for (let i = 0; i < 50; i++) exe([x]);
    await collect();
  };
  await round();
  const reserved = heap.reservedBytes;
  const live = heap.liveBytes;
  for (let r = 0; r < 4; r++) await round();
  assert.ok(heap.reservedBytes <= reserved + (1 << 20), `reserved grew from ${reserved} to ${heap.reservedBytes}`);
  assert.ok(heap.liveBytes <= live + (1 << 18), `live grew from ${live} to ${heap.liveBytes}`);
});

test("a long synchronous loop does not grow the memory without bound", () => {
  // 4 MB per call, 400 calls, never yielding to the event loop: the allocator reclaims before growing.
  const n = 1 << 20;
  const { jaxpr } = traceToJaxpr((x: ArrayBase) => [lax.mul(x, 2)], [av([n])]);
  const exe = cpuBackend.compile(jaxpr);
  const x = cpuBackend.fromHost(new Float32Array(n), av([n]));
  const before = heap.reservedBytes;
  for (let i = 0; i < 400; i++) new ConcreteArray(av([n]), exe([x])[0], cpuBackend);
  const grew = heap.reservedBytes - before;
  assert.ok(grew < 1024 * (1 << 20), `reserved grew by ${(grew / 2 ** 20).toFixed(0)} MiB for 1600 MiB allocated`);
});

test.run();
