// Memory planning: give every temporary buffer of a program an offset in one arena so that buffers whose
// lifetimes (first write .. last read or write, in steps) do not overlap share memory. Control-flow steps
// also get scratch space (their sub-programs' arenas, carry buffers) that lives only during that step.

import { type BufId, type Program, type Step, exprReads, kernelInputs } from "./ir.ts";

export interface MemoryPlan {
  /** Byte offset of each planned temp buffer in the arena. */
  readonly offsets: ReadonlyMap<BufId, number>;
  /** Byte offset of each step's scratch region (steps that asked for some). */
  readonly scratch: ReadonlyMap<number, number>;
  readonly arenaBytes: number;
}

export function stepReads(s: Step): BufId[] {
  switch (s.kind) {
    case "kernel":
      return kernelInputs(s.kernel);
    case "copy":
      return [s.src];
    case "scatter":
      return [s.buf, ...exprReads([...s.index, s.updates])];
    case "fallback":
      return s.inputs.filter((x): x is BufId => typeof x === "number");
    case "scan":
      return [...s.consts, ...s.carryIn, ...s.xs];
    case "while":
      return [...s.condConsts, ...s.bodyConsts, ...s.carryIn];
    case "cond":
      return [s.index, ...s.operands];
  }
}

export function stepWrites(s: Step): BufId[] {
  switch (s.kind) {
    case "kernel":
      return s.kernel.outputs.map((o) => o.buf);
    case "copy":
      return [s.dst];
    case "scatter":
      return [s.buf];
    case "fallback":
      return [...s.outputs];
    case "scan":
      return [...s.carryOut, ...s.ys];
    case "while":
      return [...s.carryOut];
    case "cond":
      return [...s.outputs];
  }
}

const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

interface Block {
  readonly key: BufId | { step: number };
  readonly bytes: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Plan the arena of `p`. `bytesOf(b)` is a buffer's size in bytes; `scratchOf(step)` the scratch a step needs
 * (0 for none).
 */
export function planMemory(p: Program, bytesOf: (b: BufId) => number, scratchOf: (s: Step, i: number) => number): MemoryPlan {
  const first = new Map<BufId, number>();
  const last = new Map<BufId, number>();
  // A buffer lives until its last access, writes included: one assembled in pieces (pad, concatenate) is
  // written by several steps, and a later write must not land in memory handed to another buffer meanwhile,
  // even when nothing reads the result.
  p.steps.forEach((s, i) => {
    for (const b of stepWrites(s)) {
      if (p.buffers[b].role !== "temp") continue;
      if (!first.has(b)) first.set(b, i);
      last.set(b, i);
    }
    for (const b of stepReads(s)) if (p.buffers[b].role === "temp") last.set(b, i);
  });
  const blocks: Block[] = [];
  for (const [b, from] of first) blocks.push({ key: b, bytes: align(Math.max(bytesOf(b), 1)), from, to: Math.max(from, last.get(b) ?? from) });
  p.steps.forEach((s, i) => {
    const n = scratchOf(s, i);
    if (n > 0) blocks.push({ key: { step: i }, bytes: align(n), from: i, to: i });
  });
  // Largest first, each at the lowest offset that does not collide with an overlapping-in-time block.
  blocks.sort((a, b) => b.bytes - a.bytes || a.from - b.from);
  const placed: { block: Block; at: number }[] = [];
  const offsets = new Map<BufId, number>();
  const scratch = new Map<number, number>();
  let arenaBytes = 0;
  for (const blk of blocks) {
    const busy = placed.filter((q) => q.block.from <= blk.to && blk.from <= q.block.to).sort((a, b) => a.at - b.at);
    let at = 0;
    for (const q of busy) {
      if (at + blk.bytes <= q.at) break;
      at = Math.max(at, q.at + q.block.bytes);
    }
    placed.push({ block: blk, at });
    arenaBytes = Math.max(arenaBytes, at + blk.bytes);
    if (typeof blk.key === "number") offsets.set(blk.key, at);
    else scratch.set(blk.key.step, at);
  }
  return { offsets, scratch, arenaBytes };
}
