// Runs every spec/**/*.spec.ts with uvu in one process and exits non-zero on failure.
// `npm run spec -- core` runs only files whose path contains "core"; `--skip envs/` leaves out files whose path
// contains "envs/".

import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "uvu/run";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)));
const args = process.argv.slice(2);
const skips = args.flatMap((a, i) => (args[i - 1] === "--skip" ? [a] : []));
const filters = args.filter((a, i) => a !== "--skip" && args[i - 1] !== "--skip");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return p.endsWith(".spec.ts") ? [p] : [];
  });
}

const files = walk(root)
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .filter((f) => !skips.some((s) => relative(root, f).includes(s)));
const started = Date.now();
// uvu prints its totals; read them back to end with the plain "N passed, N failed" line CI tools look for.
const counts = { total: 0, passed: 0, skipped: 0 };
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  const text = String(chunk).replace(/\x1b\[[0-9;]*m/g, "");
  for (const [k, re] of [["total", /Total:\s+(\d+)/], ["passed", /Passed:\s+(\d+)/], ["skipped", /Skipped:\s+(\d+)/]] as const) {
    const m = re.exec(text);
    if (m) counts[k] = Number(m[1]);
  }
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
await run(files.map((file) => ({ name: relative(root, file), file })), { bail: false });
process.stdout.write = write;
console.log(`spec files: ${files.length}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${counts.passed} passed, ${counts.total - counts.passed - counts.skipped} failed, ${counts.skipped} skipped`);
