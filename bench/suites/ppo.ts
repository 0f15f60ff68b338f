// Suite (e): PPO on CartPole-v1 with purejaxrl's configuration (4 envs x 128 steps per update, 4 epochs x
// 4 minibatches): training throughput in environment steps per second (jit(run) over K updates, after its
// compile), and the wall time of a whole 5e5-step jit(train)(key) call, compile included. The full run adds
// the GPU-shaped configuration of the WebGPU issue: 2048 environments (x 16 steps, 4 epochs x 32 minibatches
// of 1024), one update per call. plastax only.

import type { Case, Impl } from "../harness.ts";
import { skip } from "../harness.ts";
import { plastaxImpl } from "../impls.ts";
import { type Arr, type BackendInfo, missing, optional, px } from "../frameworks/plastax.ts";
import type { SuiteContext } from "./context.ts";

interface PpoConfigLike {
  readonly numEnvs: number;
  readonly numSteps: number;
  readonly totalTimesteps: number;
}
interface Trainer {
  readonly numUpdates: number;
  init(key: Arr): unknown;
  run(state: unknown, count: number): [unknown, Record<string, Arr>];
  train(key: Arr): [unknown, Record<string, Arr>];
}
interface PpoLike {
  makeTrain(config: PpoConfigLike): Trainer;
  defaultPpoConfig?: PpoConfigLike;
  defaultConfig?: PpoConfigLike;
}

function ppoApi(): { ppo: PpoLike; config: PpoConfigLike } {
  const why = missing("rl", "issue 8");
  if (why) skip(why);
  const rl = optional<{ ppo?: PpoLike } & Partial<PpoLike>>("rl")!;
  const ppo = rl.ppo ?? (typeof rl.makeTrain === "function" ? (rl as PpoLike) : undefined);
  const config = ppo?.defaultPpoConfig ?? ppo?.defaultConfig;
  if (!ppo || typeof ppo.makeTrain !== "function" || !config) skip("rl.ppo.makeTrain / rl.ppo.defaultPpoConfig not found in the exported `rl`");
  return { ppo: ppo!, config: config! };
}

/** Metrics leaves compared across backends (loose: a few updates of float32 training). */
const metricsOut = (m: Record<string, Arr>): Arr[] => [m.totalLoss, m.entropy].filter((x) => x !== undefined);

/** Wall time is measured only where a pilot predicts it fits this limit; otherwise the estimate is reported. */
const WALL_LIMIT_S = 240;

/** Many environments, short rollouts: the shape of a PPO run on a GPU. */
const WIDE = { numEnvs: 2048, numSteps: 16, numMinibatches: 32, totalTimesteps: 2048 * 16 * 8 };

function throughputImpl(b: BackendInfo, updates: number, overrides: Partial<PpoConfigLike> = {}): Impl {
  return plastaxImpl(b, (be) => {
    const api = ppoApi();
    const config = { ...api.config, ...overrides };
    const trainer = api.ppo.makeTrain(config);
    const run = px.jit((s: unknown) => trainer.run(s, updates), { backend: be });
    const state = trainer.init(px.devicePut(px.random.key(0) as px.ConcreteArray, be));
    return { call: () => metricsOut(run(state)[1]), note: `jit(run) over ${updates} updates of ${config.numEnvs * config.numSteps} steps` };
  });
}

function wallImpl(b: BackendInfo): Impl {
  return plastaxImpl(b, (be) => {
    const { ppo, config } = ppoApi();
    const trainer = ppo.makeTrain(config);
    // Pilot: compile and time one update to predict the whole run.
    const one = px.jit((s: unknown) => trainer.run(s, 1), { backend: be });
    const s0 = trainer.init(px.devicePut(px.random.key(0) as px.ConcreteArray, be));
    px.tree.leaves(one(s0)).forEach((l) => (l as Arr).dataSync());
    const t0 = performance.now();
    px.tree.leaves(one(s0)).forEach((l) => (l as Arr).dataSync());
    const estS = ((performance.now() - t0) / 1000) * trainer.numUpdates;
    if (estS > WALL_LIMIT_S) {
      skip(`estimated ${estS.toFixed(0)} s for ${config.totalTimesteps} steps (${(config.totalTimesteps / estS).toFixed(0)} steps/s), over the ${WALL_LIMIT_S} s limit`);
    }
    const key = px.devicePut(px.random.key(0) as px.ConcreteArray, be);
    return {
      call: () => {
        const train = px.jit((k: Arr) => trainer.train(k), { backend: be });
        const [, m] = train(key);
        return [m.meanReturn];
      },
      note: `one jit(train) call, ${config.totalTimesteps} steps, compile included; pilot estimate ${estS.toFixed(0)} s`,
    };
  });
}

export function ppoCases(ctx: SuiteContext): Case[] {
  const absent = missing("rl", "issue 8");
  const steps = 4 * 128;
  const updates = ctx.quick ? 2 : 8;
  const cases: Case[] = [
    {
      id: "ppo/cartpole-throughput",
      suite: "ppo",
      workload: `PPO CartPole-v1 (purejaxrl config), training throughput over ${updates} updates`,
      tol: { rtol: 2e-2, atol: 1e-3 },
      heavy: true,
      derive: (ms) => ({ value: (updates * steps) / (ms / 1000), unit: "env steps/s" }),
      impls: absent ? [{ framework: "plastax", backend: "all", prepare: () => skip(absent) }] : ctx.backends.map((b) => throughputImpl(b, updates)),
    },
  ];
  if (!ctx.quick) {
    cases.push({
      id: "ppo/cartpole-2048envs",
      suite: "ppo",
      workload: "PPO CartPole-v1, 2048 envs x 16 steps per update (4 epochs x 32 minibatches): env steps/s over 1 update",
      tol: { rtol: 2e-2, atol: 1e-3 },
      heavy: true,
      derive: (ms) => ({ value: (WIDE.numEnvs * WIDE.numSteps) / (ms / 1000), unit: "env steps/s" }),
      impls: absent ? [{ framework: "plastax", backend: "all", prepare: () => skip(absent) }] : ctx.backends.map((b) => throughputImpl(b, 1, WIDE)),
    });
    cases.push({
      id: "ppo/cartpole-wall",
      suite: "ppo",
      workload: "PPO CartPole-v1 (purejaxrl config), 5e5 steps: wall time of jit(train)(key)",
      tol: { rtol: Infinity, atol: Infinity },
      singleShot: true,
      heavy: true,
      derive: (ms) => ({ value: 5e5 / (ms / 1000), unit: "env steps/s" }),
      impls: absent ? [{ framework: "plastax", backend: "all", prepare: () => skip(absent) }] : ctx.backends.map((b) => wallImpl(b)),
    });
  }
  return cases;
}
