// `npm run bench [-- --quick] [--suite ops,cells,mlp,gymnax,ppo] [--backends cpu,reference] [--no-torch]
//   [--filter TEXT] [--out DIR]`
//
// plastax against its peers, side by side in one process (so that ratios hold on a noisy machine): each case
// runs every framework's implementation once, checks the answers (an oracle in float64, or agreement), and
// times the correct ones with tinybench. PyTorch, where installed, runs the same cases afterwards in a child
// process. Prints a Markdown table on stdout (progress on stderr) and writes bench/results/<date>.json plus a
// chart of the ratios (.svg and .png). How to read it: bench/README.md.

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { pngChart, svgChart } from "./chart.ts";
import { type Case, type Impl, type Row, UNCHECKED, addRatios, fmtMs, runCase, skip } from "./harness.ts";
import { type BackendInfo, plastaxBackends } from "./frameworks/plastax.ts";
import { packageVersion } from "./frameworks/peers.ts";
import { TorchPeer, torchAvailable } from "./frameworks/torch.ts";
import { machine, machineLine, markdown, writeAtomic } from "./report.ts";
import type { Suite, SuiteContext } from "./suites/context.ts";
import { cellCases } from "./suites/cells.ts";
import { gymnaxCases } from "./suites/gymnax.ts";
import { mlpCases } from "./suites/mlp.ts";
import { opsCases } from "./suites/ops.ts";
import { ppoCases } from "./suites/ppo.ts";

export const SUITES: Record<string, Suite> = { ops: opsCases, cells: cellCases, mlp: mlpCases, gymnax: gymnaxCases, ppo: ppoCases };

export interface Args {
  readonly quick: boolean;
  readonly suites: string[];
  readonly backends?: string[];
  readonly torch: boolean;
  readonly torchThreads?: number;
  readonly filter?: string;
  readonly out: string;
}

export function parseArgs(argv: readonly string[]): Args {
  const list = (v: string | undefined, flag: string) => {
    if (!v || v.startsWith("--")) throw new Error(`${flag} needs a comma-separated value`);
    return v.split(",").map((s) => s.trim()).filter(Boolean);
  };
  let quick = false;
  let suites = Object.keys(SUITES);
  let backends: string[] | undefined;
  let torch = true;
  let torchThreads: number | undefined;
  let filter: string | undefined;
  let out = fileURLToPath(new URL("./results", import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--suite":
      case "--suites":
        suites = list(value(), flag);
        for (const s of suites) if (!SUITES[s]) throw new Error(`--suite: unknown suite "${s}"; the suites are ${Object.keys(SUITES).join(", ")}`);
        break;
      case "--backends":
      case "--backend":
        backends = list(value(), flag);
        break;
      case "--no-torch":
        torch = false;
        break;
      case "--torch-threads":
        torchThreads = Number(value());
        if (!Number.isInteger(torchThreads) || torchThreads < 1) throw new Error(`--torch-threads needs a positive integer`);
        break;
      case "--filter":
        filter = value();
        break;
      case "--out":
        out = value();
        break;
      case "--help":
      case "-h":
        console.log(fileHelp());
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${a}"; see npm run bench -- --help`);
    }
  }
  return { quick, suites, backends, torch, torchThreads, filter, out };
}

const fileHelp = () =>
  "npm run bench [-- --quick] [--suite ops,cells,mlp,gymnax,ppo] [--backends cpu,reference] [--no-torch] [--torch-threads N] [--filter TEXT] [--out DIR]";

/** tinybench budgets: quick runs aim at under 2 minutes, full runs at under 15. */
const timing = (quick: boolean) =>
  quick ? { budgetMs: 150, minIterations: 2, heavyIterations: 0 } : { budgetMs: 1500, minIterations: 8, heavyIterations: 3 };

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(":", "-");

interface Plan {
  /** Backends left out. */
  readonly drop: Set<string>;
  /** Backends that take one timed call of heavy cases (skipped by --quick). */
  readonly slow: Set<string>;
  /** Backends run on light cases only (heavy ones need --backends). */
  readonly lightOnly: Set<string>;
  readonly notes: string[];
}

/**
 * The backends to bench: `--backends` exactly; else every registered one but the reference backend (plain JS,
 * the definition the others are tested against) when a compiled backend is registered. When the reference
 * backend is the only one, `--quick` runs it on light cases only and the full run takes one sample of its
 * heavy cases (seconds to minutes per call). WebGPU on a software adapter (lavapipe: the CPU pretending to be a
 * GPU, tens of seconds per heavy call plus shader compilation) runs the light cases only unless named in
 * `--backends`: its rows show that it works, not how fast a GPU is.
 */
function plan(args: Args, backends: readonly BackendInfo[]): Plan {
  const names = backends.map((b) => b.name);
  const p: Plan = { drop: new Set(), slow: new Set(), lightOnly: new Set(), notes: [] };
  const soft = backends.find((b) => b.name === "webgpu" && b.software && !b.skip);
  if (soft && !args.backends) {
    p.lightOnly.add("webgpu");
    p.notes.push(`WebGPU runs on a software adapter (${soft.device}): light cases only, as a functional check (--backends webgpu runs the heavy ones)`);
  }
  if (args.backends || !names.includes("reference")) return p;
  if (names.length > 1) {
    p.drop.add("reference");
    p.notes.push("The reference backend is left out (pass --backends to include it)");
    return p;
  }
  p.slow.add("reference");
  p.notes.push(
    args.quick
      ? "The reference backend is the only one registered: --quick skips its heavy cases"
      : "The reference backend is the only one registered: its heavy cases get one timed call",
  );
  return p;
}

function applyPlan(c: Case, p: Plan, quick: boolean): Case {
  if (!c.heavy || (p.slow.size === 0 && p.lightOnly.size === 0)) return c;
  return {
    ...c,
    impls: c.impls.map((i): Impl => {
      if (!i.framework.startsWith("plastax")) return i;
      if (p.lightOnly.has(i.backend)) return { ...i, prepare: () => skip(`software adapter: heavy case skipped (run with --backends ${i.backend})`) };
      if (!p.slow.has(i.backend)) return i;
      if (c.slowOnReference) return { ...i, prepare: () => skip(`${c.slowOnReference} (pass --backends ${i.backend} to run it)`) };
      if (quick) return { ...i, prepare: () => skip(`${i.backend} backend: seconds per call, skipped by --quick (run without --quick, or with --backends ${i.backend})`) };
      return { ...i, prepare: async () => ({ ...(await i.prepare()), maxSamples: 1 }) };
    }),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const all = await plastaxBackends(args.backends);
  if (all.length === 0) throw new Error(`no plastax backend matches --backends ${args.backends?.join(",")}`);
  const p = plan(args, all);
  const backends = all.filter((b) => !p.drop.has(b.name));
  const ctx: SuiteContext = { backends, quick: args.quick };
  const opts = { ...timing(args.quick), log };
  log(`plastax backends: ${backends.map((b) => b.name + (b.skip ? ` (skipped: ${b.skip})` : "")).join(", ")}`);

  const cases: Case[] = [];
  for (const s of args.suites) cases.push(...(await SUITES[s](ctx)));
  const selected = (args.filter ? cases.filter((c) => c.id.includes(args.filter!)) : cases).map((c) => applyPlan(c, p, args.quick));

  const notes: string[] = [...p.notes];
  let torch: TorchPeer | undefined;
  if (!args.torch) notes.push("PyTorch rows skipped: --no-torch");
  else {
    const avail = torchAvailable();
    if (!avail.ok) notes.push(`PyTorch rows skipped: ${avail.reason}`);
    else {
      try {
        torch = await TorchPeer.start(args.torchThreads);
        notes.push(`PyTorch ${torch.info.version} in a child process: ${torch.info.threads} threads, BLAS ${torch.info.blas}`);
      } catch (e) {
        notes.push(`PyTorch rows skipped: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  for (const n of notes) log(n);

  const rowsById = new Map<string, Row[]>();
  for (const c of selected) {
    log(`${c.id}: ${c.workload}`);
    const r = await runCase(c, opts);
    let rows = r.rows;
    // In --quick, PyTorch runs only where it has an answer to be checked against.
    if (torch?.has(c.id) && (!args.quick || r.expected.probes)) {
      const t = await torch.run(c, r.expected, opts);
      log(`  torch/${t.backend}: ${t.status === "ok" ? fmtMs(t.medianMs) : `${t.status}${t.note ? ` (${t.note})` : ""}`}`);
      // A lone JS answer that PyTorch agrees with counts as checked by agreement.
      if (t.checked === "consensus" && r.expected.source === "unchecked") {
        rows = rows.map((x) => (x.status === "ok" && x.checked === "unchecked" ? { ...x, checked: "consensus" as const, note: dropUnchecked(x.note) } : x));
      }
      rows = [...rows, t];
    }
    rowsById.set(c.id, rows);
  }
  torch?.close();

  const rows = addRatios(selected.flatMap((c) => rowsById.get(c.id)!));
  const m = machine();
  const versions = {
    plastax: packageVersion("plastax") ?? "0.1.0",
    "@jax-js/jax": packageVersion("@jax-js/jax"),
    "@tensorflow/tfjs": packageVersion("@tensorflow/tfjs"),
    "@tensorflow/tfjs-backend-wasm": packageVersion("@tensorflow/tfjs-backend-wasm"),
    tinybench: packageVersion("tinybench"),
    torch: torch?.info.version,
  };
  const wallSeconds = (Date.now() - started) / 1000;
  const date = new Date();
  const title = `plastax bench ${args.quick ? "(quick) " : ""}${date.toISOString().slice(0, 16)}: ratio to the best peer (log scale)`;

  console.log(`## plastax bench ${args.quick ? "(--quick) " : ""}${date.toISOString()}\n`);
  console.log(`Machine: ${machineLine(m, versions)}.`);
  for (const n of notes) console.log(`\n${n}.`);
  console.log(markdown(rows));
  console.log(`\nTotal ${wallSeconds.toFixed(0)} s. Times: median of tinybench samples; every call ends with the result read back to the host.`);

  const base = join(args.out, `${stamp(date)}${args.quick ? "-quick" : ""}`);
  writeAtomic(
    `${base}.json`,
    JSON.stringify(
      {
        date: date.toISOString(),
        args: process.argv.slice(2),
        quick: args.quick,
        suites: args.suites,
        wallSeconds,
        machine: m,
        versions,
        plastaxBackends: backends.map((b) => ({ name: b.name, skip: b.skip })),
        notes,
        rows,
      },
      null,
      1,
    ) + "\n",
  );
  writeAtomic(`${base}.svg`, svgChart(rows, title));
  writeAtomic(`${base}.png`, pngChart(rows, title));
  log(`wrote ${base}.json, .svg, .png (${fmtMs(wallSeconds * 1000)})`);
}

const dropUnchecked = (note: string | undefined): string =>
  [...(note ?? "").split("; ").filter((n) => n && n !== UNCHECKED), "agrees with torch (no oracle)"].join("; ");

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exit(1);
  });
}
