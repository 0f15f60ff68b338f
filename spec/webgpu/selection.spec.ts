// Choosing the WebGPU backend: setDefaultBackend, jit(f, {backend}), devicePut, and the errors a user sees
// when WebGPU is asked for without being started or without an adapter. The error paths run in a child
// process whose Vulkan loader is pointed at no driver, so they are checked on every machine; another child
// checks that a process ending with device work still queued exits cleanly.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as px from "../../src/index.ts";
import { on, ready, timedTest } from "./helpers.ts";

const s = suite("webgpu backend selection");
const test = (name: string, fn: () => unknown) => timedTest(s, name, fn);
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Run a TypeScript module body in a child process; its exit status, stdout and stderr. */
function child(name: string, body: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "plastax-sel-"));
  const script = join(dir, `${name}.mts`);
  writeFileSync(script, `import * as px from ${JSON.stringify(join(root, "src/index.ts"))};\n${body}\n`);
  return spawnSync(join(root, "node_modules/.bin/tsx"), [script], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
}

test("without an adapter: setDefaultBackend and initWebGpu fail naming the fix", () => {
  const r = child(
    "noAdapter",
    `const out: string[] = [];
try { px.setDefaultBackend("webgpu"); out.push("set: no error"); } catch (e) { out.push("set: " + (e as Error).message); }
out.push("default: " + px.defaultBackendName());
try { await px.initWebGpu(); out.push("init: no error"); } catch (e) { out.push("init: " + (e as Error).message); }
console.log(JSON.stringify(out));
process.exit(0);`,
    { VK_ICD_FILENAMES: join(tmpdir(), "plastax-no-such-driver.json"), PLASTAX_BACKEND: "" },
  );
  const line = r.stdout.split("\n").find((l) => l.startsWith("["));
  assert.ok(line, `child printed no result: ${r.stdout}\n${r.stderr}`);
  const [set, def, init] = JSON.parse(line!) as string[];
  assert.match(set, /await initWebGpu\(\)/, "setDefaultBackend before initWebGpu names the call to make");
  assert.is(def, "default: cpu", "the default stays cpu after the failed switch");
  assert.match(init, /no WebGPU adapter/);
  assert.match(init, /scripts\/setup-webgpu\.sh/, "initWebGpu without an adapter names the installer");
});

if (ready) {
  test("a process that ends with device work still queued exits cleanly", () => {
    // Work nobody reads is still in the worker's queue when the script ends: the exit must wait for it
    // rather than take Dawn down mid-call (which aborted Node with status 134).
    const r = child(
      "exitBusy",
      `await px.initWebGpu();
px.setDefaultBackend("webgpu");
let x = px.np.ones([256, 64]);
for (let i = 0; i < 300; i++) x = px.np.tanh(px.np.add(px.np.matmul(x, px.np.ones([64, 64])), i));
console.log("queued");`,
    );
    assert.is(r.status, 0, `exit status ${r.status} (signal ${r.signal}): ${r.stderr.slice(-400)}`);
    assert.match(r.stdout, /queued/);
  });

  test("setDefaultBackend, jit(f, {backend}) and devicePut place work on webgpu", () => {
    const f = (x: px.Array) => px.np.tanh(px.np.add(px.np.multiply(x, 2), 1));
    // (Other spec files may leave another default behind: place x explicitly.)
    const x = on("cpu", () => px.np.arange(6).astype("float32"));
    assert.is((x as px.ConcreteArray).backend.name, "cpu");
    const viaJit = px.jit(f, { backend: "webgpu" })(x) as px.ConcreteArray;
    assert.is(viaJit.backend.name, "webgpu", "jit(f, {backend}) runs there and leaves its outputs there");
    const moved = px.devicePut(x as px.ConcreteArray, "webgpu");
    assert.is(moved.backend.name, "webgpu");
    assert.is((f(moved) as px.ConcreteArray).backend.name, "webgpu", "eager ops follow their inputs' backend");
    const viaDefault = on("webgpu", () => {
      assert.is(px.defaultBackendName(), "webgpu");
      return f(px.np.arange(6).astype("float32")) as px.ConcreteArray;
    });
    assert.is(viaDefault.backend.name, "webgpu", "new arrays go to the default backend");
    const want = on("cpu", () => f(x).dataSync());
    for (const got of [viaJit, viaDefault, px.devicePut(viaJit, "cpu")]) {
      const g = got.dataSync();
      want.forEach((w, i) => assert.ok(Math.abs(g[i] - w) <= 1e-6, `element ${i}: ${g[i]} vs ${w}`));
    }
  });
}

s.run();
