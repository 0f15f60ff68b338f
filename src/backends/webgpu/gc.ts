// A major garbage collection on demand, for memory V8 cannot see (device buffers, driver descriptor sets):
// the gc function is obtained without command-line flags (set the flag, then take `gc` from a new context).
// Both the main thread's backend (index.ts) and the device worker (worker.ts) use it.

import v8 from "node:v8";
import vm from "node:vm";

let gcFn: (() => void) | null | undefined;

/** Collect garbage now, if the engine allows it (otherwise nothing happens). */
export function forceGc(): void {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      gcFn = vm.runInNewContext("gc") as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}
