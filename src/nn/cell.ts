// The cell protocol and `rnn`, the scan that runs a cell over a sequence.
//
// A cell is a stateless value built by a factory from its hyperparameters (`nn.lstm({hiddenSize: 128})`):
//   init(key, inputSize)          -> params   (a plain pytree of arrays)
//   initCarry(params, batchShape) -> carry    (a plain pytree of arrays; zeros unless the cell says otherwise)
//   apply(params, carry, x)       -> [carry, y]
// A cell handles one example: x is [inputSize] and the carry has no batch axis. Batches come from vmap
// (`vmap(cell.apply, {inAxes: [null, 0, 0]})`), as in equinox. Every cell here is also written on trailing axes,
// so apply accepts leading batch dims directly (x [...batch, inputSize] with a carry from
// initCarry(params, batch)); that path is cheap because it is the same ops on bigger arrays.

import { type Array, checkpoint, lax, np, scan, tree } from "../index.ts";

export type Key = Array;

/** A pytree of arrays: an array, a list of pytrees, or a record of pytrees. */
export type Tree = Array | readonly Tree[] | { readonly [k: string]: Tree };

export interface Cell<P = any, C = any> {
  /** The cell's kind ("lstm", "stpn", ...), for messages. */
  readonly kind: string;
  /** Number of state units (the carry's main vector). */
  readonly hiddenSize: number;
  /** Size of y, the per-step output. */
  readonly outputSize: number;
  init(key: Key, inputSize: number): P;
  initCarry(params: P, batchShape?: readonly number[]): C;
  apply(params: P, carry: C, x: Array): [C, Array];
}

/** Total number of scalars in a pytree of arrays (a model's parameter count). */
export function paramCount(params: unknown): number {
  return (tree.leaves(params) as Array[]).reduce((n, a) => n + a.size, 0);
}

export interface RnnOptions {
  /** Time is axis 0 of xs (and of resets). Default false: time is the axis before the features, so a single
   *  sequence is [T, inputSize] and a batch [...batch, T, inputSize] (flax's nn.RNN convention). */
  readonly timeMajor?: boolean;
  /** Run the sequence backwards (outputs stay aligned with their inputs). */
  readonly reverse?: boolean;
  /** Scan unroll factor. */
  readonly unroll?: number;
  /**
   * Recompute each step's intermediates in the backward pass instead of storing them (jax.checkpoint on the scan
   * body): reverse mode then keeps only the carries and inputs per step, at the cost of a second forward pass.
   * Worth it for plastic cells, whose per-step intermediates are [..., H, I + H] (STPN) or [..., H, I] (MPN).
   */
  readonly checkpoint?: boolean;
}

export interface Rnn<P = any, C = any> {
  readonly cell: Cell<P, C>;
  init(key: Key, inputSize: number): P;
  initCarry(params: P, batchShape?: readonly number[]): C;
  /**
   * Scan the cell over xs; returns [finalCarry, ys] with ys laid out like xs (time at the same axis, features
   * last). `carry` null starts from initCarry. `resets` (bool, xs's shape without the feature axis, or [T] for
   * every batch entry) marks episode boundaries: where resets[t] is true the carry is replaced by initCarry
   * BEFORE step t runs, so step t sees a fresh state (pass the previous step's `done` flags).
   */
  apply(params: P, carry: C | null, xs: Array, resets?: Array | null): [C, Array];
}

/** A layer that scans `cell` over a time axis with optional episode resets. */
export function rnn<P, C>(cell: Cell<P, C>, opts: RnnOptions = {}): Rnn<P, C> {
  const { timeMajor = false, reverse = false, unroll = 1, checkpoint: remat = false } = opts;
  return {
    cell,
    init: (key, inputSize) => cell.init(key, inputSize),
    initCarry: (params, batchShape = []) => cell.initCarry(params, batchShape),
    apply(params, carry, xs, resets) {
      if (xs.ndim < 2) {
        throw new RangeError(`rnn(${cell.kind}): xs must be at least [T, inputSize], got [${xs.shape.join(",")}]; add a time axis`);
      }
      const tAxis = timeMajor ? 0 : xs.ndim - 2;
      const xsT = tAxis === 0 ? xs : np.moveaxis(xs, tAxis, 0);
      const batchShape = xsT.shape.slice(1, -1);
      const c0 = carry ?? cell.initCarry(params, batchShape);
      let rsT: Array | null = null;
      if (resets !== undefined && resets !== null) {
        const r = resets.astype("bool");
        if (r.ndim === 1) {
          rsT = r;
        } else {
          const want = xs.shape.slice(0, -1);
          if (r.ndim !== want.length || r.shape.some((d, i) => d !== want[i])) {
            throw new RangeError(`rnn(${cell.kind}): resets must be [T] or xs's shape without the feature axis ([${want.join(",")}]), got [${r.shape.join(",")}]`);
          }
          rsT = tAxis === 0 ? r : np.moveaxis(r, tAxis, 0);
        }
        if (rsT.shape[0] !== xsT.shape[0]) {
          throw new RangeError(`rnn(${cell.kind}): resets has ${rsT.shape[0]} steps but xs has ${xsT.shape[0]}`);
        }
      }
      let seq: unknown = xsT;
      let step = (c: C, x: Array): [C, Array] => cell.apply(params, c, x);
      if (rsT !== null) {
        const fresh = cell.initCarry(params, batchShape);
        seq = { x: xsT, r: rsT };
        step = ((c: C, inp: { x: Array; r: Array }): [C, Array] => cell.apply(params, resetWhere(inp.r, fresh, c), inp.x)) as never;
      }
      const body = step as (c: C, x: unknown) => [C, Array];
      const [cT, ysT] = scan(remat ? checkpoint(body) : body, c0, seq, { reverse, unroll });
      const ys = ysT as unknown as Array;
      return [cT, tAxis === 0 ? ys : np.moveaxis(ys, 0, tAxis)];
    },
  };
}

/** Carry leaves replaced by `fresh` where r (a bool of the batch shape, or a scalar) is true. */
export function resetWhere<C>(r: Array, fresh: C, carry: C): C {
  return tree.map((f: Array, c: Array) => {
    const rb = c.ndim > r.ndim ? r.reshape([...r.shape, ...ones(c.ndim - r.ndim)]) : r;
    return np.where(rb, f, c);
  }, fresh, carry) as C;
}

const ones = (n: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(1);
  return out;
};

// ---- small helpers shared by the cells (all on trailing axes, so leading batch dims pass through) ----

/** x @ w.T + b for w in (out x in) layout (one dotGeneral contracting the last axes: no transpose op). */
export function linear(x: Array, w: Array, b?: Array | null): Array {
  const y = lax.dotGeneral(x, w, { contracting: [[x.ndim - 1], [1]] });
  return b === undefined || b === null ? y : y.add(b);
}

/** The outer product over the last axes: a[..., :, None] * b[..., None, :]. */
export const outer = (a: Array, b: Array): Array => np.expandDims(a, -1).mul(np.expandDims(b, -2));

/** zeros of [...batchShape, ...shape]. */
export const zerosCarry = (batchShape: readonly number[] | undefined, ...shape: number[]): Array =>
  np.zeros([...(batchShape ?? []), ...shape]);

/** Check that x's last axis has `inputSize` entries; the error names the cell and the fix. */
export function checkInput(kind: string, x: Array, inputSize: number): void {
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inputSize) {
    throw new RangeError(
      `${kind}.apply: x must be [..., ${inputSize}] (the inputSize the params were built for), got [${x.shape.join(",")}]` +
        `; a cell takes one time step — scan sequences with nn.rnn(cell)`,
    );
  }
}
