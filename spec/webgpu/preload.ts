// Runs the spec suite with WebGPU as the default backend (`npm run spec:webgpu`):
//   PLASTAX_BACKEND=webgpu tsx --conditions=development --import ./spec/webgpu/preload.ts spec/run.ts [filters]
// Starts the device before the specs load (not a spec itself). Without an adapter it says so in one loud
// line and ends the process successfully: machines without WebGPU skip this pass, as they skip spec/webgpu.
import { initWebGpu, webgpuAdapter } from "../../src/backends/webgpu/index.ts";

process.env.LP_NATIVE_VECTOR_WIDTH ??= "128";
try {
  await initWebGpu();
  console.log(`spec suite with webgpu as the default backend (${webgpuAdapter()})`);
} catch (e) {
  console.warn(`WEBGPU SPEC PASS SKIPPED: no WebGPU adapter (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  process.exit(0);
}
