// `plastax eval --run runs/NAME --episodes 100`: mean and spread of episode returns of a trained policy.

import { join } from "node:path";
import { parseArgs } from "node:util";
import { random } from "../index.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { evaluate } from "../rl/rollout.ts";
import { loadRun } from "./runs.ts";
import { UsageError, useBackend } from "./train.ts";

export async function main(argv: string[]): Promise<void> {
  let v;
  try {
    ({ values: v } = parseArgs({
      args: argv,
      options: { run: { type: "string" }, episodes: { type: "string" }, seed: { type: "string" }, "seed-index": { type: "string" }, greedy: { type: "boolean" }, backend: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(`eval: ${(e as Error).message}`);
  }
  if (!v.run) throw new UsageError("eval: --run DIR is required");
  const episodes = Number(v.episodes ?? 100);
  if (!Number.isInteger(episodes) || episodes < 1 || episodes > 100000) throw new UsageError(`eval: --episodes must be an integer in [1, 100000], got ${v.episodes}`);
  const { run, trainer, params } = loadRun(v.run, Number(v["seed-index"] ?? 0));
  await useBackend(v.backend ?? run.backend);
  const t0 = Date.now();
  const { returns, lengths } = evaluate(trainer, params, random.key(Number(v.seed ?? 12345)), episodes, Boolean(v.greedy));
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  const summary = {
    env: run.config.env, cell: run.config.cell, episodes, greedy: Boolean(v.greedy),
    meanReturn: mean, stdReturn: std, minReturn: Math.min(...returns), maxReturn: Math.max(...returns),
    meanLength: lengths.reduce((a, b) => a + b, 0) / lengths.length, seconds: (Date.now() - t0) / 1000,
  };
  writeFileAtomic(join(v.run, "eval.json"), JSON.stringify({ ...summary, returns }, null, 2));
  console.log(`${run.config.env} ${run.config.cell}: mean return ${mean.toFixed(2)} ± ${std.toFixed(2)} over ${episodes} episodes (min ${summary.minReturn}, max ${summary.maxReturn}), ${summary.seconds.toFixed(1)} s`);
}
