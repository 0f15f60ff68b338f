// `plastax train`: PPO with a progress bar, metrics (JSONL and CSV), atomic safetensors checkpoints, exact
// resume, and a learning-curve plot. Training runs K updates per jitted call and reports between calls.

import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import * as E from "fp-ts/lib/Either.js";
import { type Array as JArray, initWebGpu, jit, random, setDefaultBackend, tree, vmap } from "../index.ts";
import { loadTree, saveTree } from "../io/safetensors.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { parsePpoConfig, type PpoConfig } from "../rl/ppo/config.ts";
import { type TrainState, type UpdateMetrics, makeTrain } from "../rl/ppo/train.ts";
import type { TrainArgs } from "./args.ts";
import { lineChartPng, lineChartSvg } from "./plot.ts";

export interface RunFile {
  readonly config: PpoConfig;
  readonly seeds: number;
  readonly seed: number;
  readonly backend: string;
  readonly chunk: number;
}

export interface MetricRow {
  readonly update: number;
  readonly steps: number;
  readonly meanReturn: number;
  readonly returns: number[];
  /** Mean return of episodes that finished during the update (null if none did), averaged over seeds. */
  readonly finishedReturn: number | null;
  readonly episodes: number;
  readonly totalLoss: number;
  readonly entropy: number;
  readonly seconds: number;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function readRunFile(dir: string): RunFile {
  const path = join(dir, "config.json");
  if (!existsSync(path)) throw new UsageError(`no run at ${dir} (missing config.json)`);
  const raw = JSON.parse(readFileSync(path, "utf8"));
  const cfg = parsePpoConfig(raw.config ?? {});
  if (E.isLeft(cfg)) throw new UsageError(`${path}: ${cfg.left.join("; ")}`);
  return { ...raw, config: cfg.right } as RunFile;
}

/** The initial state for one seed or a vmapped batch of seeds. */
export function initialState(run: RunFile): TrainState {
  const trainer = makeTrain(run.config);
  if (run.seeds === 1) return jit(trainer.init)(random.key(run.seed));
  return jit(vmap(trainer.init))(random.split(random.key(run.seed), run.seeds));
}

export const checkpointPath = (dir: string) => join(dir, "checkpoint.safetensors");

export function loadCheckpoint(dir: string, run: RunFile): TrainState {
  const template = initialState(run);
  return loadTree(checkpointPath(dir), template).value;
}

const scalarOf = (a: JArray) => Number((a as JArray).item());

export async function train(args: TrainArgs): Promise<MetricRow[]> {
  let run: RunFile;
  let dir: string;
  if (args.resume) {
    dir = args.resume;
    run = readRunFile(dir);
    if (!existsSync(checkpointPath(dir))) throw new UsageError(`--resume ${dir}: no checkpoint to resume from`);
  } else {
    run = { config: args.config, seeds: args.seeds, seed: args.seed, backend: args.backend, chunk: args.chunk };
    dir = args.out ?? join("runs", `${args.config.env}-${args.config.cell}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new UsageError(`--out ${dir} already holds a run; choose another directory or continue it with --resume ${dir}`);
    }
  }
  await useBackend(args.resume ? run.backend : args.backend);
  const trainer = makeTrain(run.config);
  const stepsPerUpdate = run.config.numEnvs * run.config.numSteps;
  let state = args.resume ? loadCheckpoint(dir, run) : initialState(run);
  const updateOf = (s: TrainState) => {
    const u = s.update;
    return Number(u.ndim === 0 ? u.item() : (u.dataSync()[0]));
  };
  let done = updateOf(state);
  const rows: MetricRow[] = args.resume ? readMetrics(dir).filter((r) => r.update <= done) : [];
  if (!args.resume) {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, "config.json"), JSON.stringify({ ...run, version: 1 }, null, 2));
  }
  const runChunk = (k: number) => {
    const f = (s: TrainState) => trainer.run(s, k);
    return run.seeds === 1 ? jit(f) : jit(vmap(f));
  };
  const chunkFns = new Map<number, (s: TrainState) => [TrainState, UpdateMetrics]>();
  const total = trainer.numUpdates;
  const bar = args.quiet || !process.stderr.isTTY ? null : new cliProgress.SingleBar({
    format: "train |{bar}| {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | ETA {eta_formatted}",
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  bar?.start(total * stepsPerUpdate, done * stepsPerUpdate, { sps: "-", ret: "-" });
  const t0 = Date.now();
  const stepsAtStart = done * stepsPerUpdate;
  const end = Math.min(total, args.stopAfter ?? total);
  while (done < end) {
    const k = Math.min(run.chunk, end - done);
    if (!chunkFns.has(k)) chunkFns.set(k, runChunk(k));
    const [next, metrics] = chunkFns.get(k)!(state);
    state = next;
    const newRows = metricRows(metrics, done, k, run.seeds, stepsPerUpdate, (Date.now() - t0) / 1000);
    rows.push(...newRows);
    done += k;
    saveTree(checkpointPath(dir), state, { update: String(done), format: "plastax-ppo-state" });
    writeFileAtomic(join(dir, "metrics.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const last = rows[rows.length - 1];
    const sps = (done * stepsPerUpdate - stepsAtStart) / Math.max((Date.now() - t0) / 1000, 1e-9);
    if (bar) bar.update(done * stepsPerUpdate, { sps: Math.round(sps), ret: last.meanReturn.toFixed(1) });
    else if (!args.quiet) console.log(`update ${done}/${total}  steps ${done * stepsPerUpdate}  return ${last.meanReturn.toFixed(1)}  ${Math.round(sps)} steps/s`);
  }
  bar?.stop();
  if (done < total) {
    if (!args.quiet) console.log(`stopped after ${done}/${total} updates: continue with --resume ${dir}`);
    return rows;
  }
  writeOutputs(dir, rows, run);
  if (!args.quiet) {
    const last = rows.slice(-Math.max(1, Math.ceil(rows.length / 20)));
    const finalRet = last.reduce((s, r) => s + r.meanReturn, 0) / last.length;
    console.log(`done: ${dir}  final mean return ${finalRet.toFixed(1)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return rows;
}

function metricRows(m: UpdateMetrics, start: number, k: number, seeds: number, stepsPerUpdate: number, seconds: number): MetricRow[] {
  const host = tree.map((a: JArray) => Array.from(a.dataSync() as Float32Array), m) as unknown as Record<string, number[]>;
  const rows: MetricRow[] = [];
  for (let i = 0; i < k; i++) {
    // Layout: [k] for one seed, [seeds, k] for several.
    const at = (xs: number[]) => (seeds === 1 ? [xs[i]] : Array.from({ length: seeds }, (_, s) => xs[s * k + i]));
    const returns = at(host.meanReturn);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({
      update: start + i + 1,
      steps: (start + i + 1) * stepsPerUpdate,
      meanReturn: mean(returns),
      returns,
      finishedReturn: (() => {
        const f = at(host.finishedReturn).filter(Number.isFinite);
        return f.length ? mean(f) : null;
      })(),
      episodes: mean(at(host.episodes)),
      totalLoss: mean(at(host.totalLoss)),
      entropy: mean(at(host.entropy)),
      seconds,
    });
  }
  void scalarOf;
  return rows;
}

export function readMetrics(dir: string): MetricRow[] {
  const p = join(dir, "metrics.jsonl");
  if (!existsSync(p)) return [];
  return readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

function writeOutputs(dir: string, rows: MetricRow[], run: RunFile): void {
  const header = "update,steps,mean_return," + Array.from({ length: run.seeds }, (_, s) => `return_seed${s}`).join(",") + ",episodes,total_loss,entropy";
  const csv = [header, ...rows.map((r) => [r.update, r.steps, r.meanReturn, ...r.returns, r.episodes, r.totalLoss, r.entropy].join(","))].join("\n") + "\n";
  writeFileAtomic(join(dir, "metrics.csv"), csv);
  const series = run.seeds === 1
    ? [{ name: "mean return", xs: rows.map((r) => r.steps), ys: rows.map((r) => r.meanReturn) }]
    : Array.from({ length: run.seeds }, (_, s) => ({ name: `seed ${s}`, xs: rows.map((r) => r.steps), ys: rows.map((r) => r.returns[s]) }));
  const title = `PPO ${run.config.env} (${run.config.cell === "none" ? "feed-forward" : run.config.cell})`;
  writeFileAtomic(join(dir, "curve.svg"), lineChartSvg(series, { title, xLabel: "environment steps", yLabel: "episode return" }));
  writeFileAtomic(join(dir, "curve.png"), lineChartPng(series));
}

/** Make `name` the default backend, starting the WebGPU device first when it is the one asked for. */
export async function useBackend(name: string): Promise<void> {
  if (name === "webgpu") await initWebGpu();
  setDefaultBackend(name);
}
