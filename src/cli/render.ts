// `plastax render --run runs/NAME --out episode.gif`: one greedy episode of a trained policy as a GIF.

import { parseArgs } from "node:util";
import { type Array as JArray, envs, random, tree } from "../index.ts";
import { traceEpisode } from "../rl/rollout.ts";
import { loadRun } from "./runs.ts";
import { UsageError, useBackend } from "./train.ts";

export async function main(argv: string[]): Promise<void> {
  let v;
  try {
    ({ values: v } = parseArgs({ args: argv, options: { run: { type: "string" }, out: { type: "string" }, seed: { type: "string" }, steps: { type: "string" }, fps: { type: "string" }, "seed-index": { type: "string" } }, strict: true }));
  } catch (e) {
    throw new UsageError(`render: ${(e as Error).message}`);
  }
  if (!v.run) throw new UsageError("render: --run DIR is required");
  if (!v.out) throw new UsageError("render: --out FILE.gif is required");
  const { run, trainer, params } = loadRun(v.run, Number(v["seed-index"] ?? 0));
  if (!envs.canRender(trainer.env)) throw new UsageError(`render: ${run.config.env} has no renderer`);
  await useBackend(run.backend);
  const trace = traceEpisode(trainer, params, random.key(Number(v.seed ?? 7)), v.steps ? Number(v.steps) : undefined);
  const frames: JArray[] = [];
  for (let t = 0; t < trace.length; t++) {
    const state = tree.map((a: JArray) => a.index(t), trace.states);
    frames.push(envs.render(trainer.env, state, trainer.envParams));
  }
  await envs.writeGif(frames, v.out, { fps: Number(v.fps ?? 30) } as envs.GifOptions);
  const ret = trace.rewards.slice(0, trace.length).reduce((a, b) => a + b, 0);
  console.log(`render: ${trace.length} frames, return ${ret.toFixed(1)} -> ${v.out}`);
}
