// `plastax analyze --run runs/NAME`: PCA of the hidden and plastic state trajectories over an episode, one
// panel per carry leaf (e.g. an LSTM's c and h, an MPN's M), as the MPN paper's analysis does. Writes
// analyze.png and analyze.json next to the run.

import { join } from "node:path";
import { parseArgs } from "node:util";
import { PNG } from "pngjs";
import { type Array as JArray, random, tree } from "../index.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { traceEpisode } from "../rl/rollout.ts";
import { pca } from "./pca.ts";
import { loadRun } from "./runs.ts";
import { UsageError, useBackend } from "./train.ts";

export async function main(argv: string[]): Promise<void> {
  let v;
  try {
    ({ values: v } = parseArgs({ args: argv, options: { run: { type: "string" }, out: { type: "string" }, seed: { type: "string" }, steps: { type: "string" }, "seed-index": { type: "string" } }, strict: true }));
  } catch (e) {
    throw new UsageError(`analyze: ${(e as Error).message}`);
  }
  if (!v.run) throw new UsageError("analyze: --run DIR is required");
  const { run, trainer, params } = loadRun(v.run, Number(v["seed-index"] ?? 0));
  if (run.config.cell === "none") throw new UsageError(`analyze: ${v.run} is a feed-forward policy; there is no hidden or plastic state to analyse`);
  await useBackend(run.backend);
  const trace = traceEpisode(trainer, params, random.key(Number(v.seed ?? 7)), v.steps ? Number(v.steps) : undefined);
  const [paths] = tree.flattenWithPath(trace.carries);
  const panels = paths.map(([p, leaf]) => {
    const a = leaf as JArray;
    const T = trace.length;
    const D = a.size / a.shape[0];
    const data = a.dataSync();
    const rows = Array.from({ length: T }, (_, t) => Array.from(data.subarray(t * D, (t + 1) * D) as Float32Array));
    return { name: tree.keystr(p) || "carry", ...pca(rows, 2) };
  });
  const out = v.out ?? join(v.run, "analyze.png");
  writeFileAtomic(out, scatterPanels(panels));
  writeFileAtomic(join(v.run, "analyze.json"), JSON.stringify({ length: trace.length, panels: panels.map((p) => ({ name: p.name, explained: p.explained, scores: p.scores })) }, null, 1));
  console.log(`analyze: ${panels.length} state trajectories over ${trace.length} steps -> ${out}`);
  for (const p of panels) console.log(`  ${p.name}: PC1 ${(p.explained[0] * 100).toFixed(1)}%, PC2 ${(p.explained[1] * 100).toFixed(1)}% of variance`);
}

/** One square panel per trajectory: PC1 vs PC2, points coloured from blue (start) to yellow (end). */
function scatterPanels(panels: { scores: number[][] }[]): Uint8Array {
  const S = 320;
  const png = new PNG({ width: S * Math.max(panels.length, 1), height: S });
  png.data.fill(255);
  panels.forEach((p, i) => {
    const xs = p.scores.map((s) => s[0]);
    const ys = p.scores.map((s) => s[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const n = xs.length;
    for (let t = 0; t < n; t++) {
      const px = i * S + 20 + ((xs[t] - x0) / (x1 - x0 || 1)) * (S - 40);
      const py = S - 20 - ((ys[t] - y0) / (y1 - y0 || 1)) * (S - 40);
      const f = n > 1 ? t / (n - 1) : 0;
      const rgb = [Math.round(68 + f * 185), Math.round(1 + f * 230), Math.round(84 - f * 50)];
      for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) {
        const x = Math.round(px + dx);
        const y = Math.round(py + dy);
        if (x < i * S || x >= (i + 1) * S || y < 0 || y >= S) continue;
        const o = (y * png.width + x) * 4;
        png.data[o] = rgb[0];
        png.data[o + 1] = rgb[1];
        png.data[o + 2] = rgb[2];
      }
    }
    for (let y = 0; y < S; y++) {
      const o = (y * png.width + i * S) * 4;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = 200;
    }
  });
  return PNG.sync.write(png);
}
