// A small seeded PRNG (mulberry32) with the draws the transform specs need: the case is a function of the
// seed, so a failing case is reproduced from the seed fast-check reports.

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  uniform(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  shape(minRank: number, maxRank: number, minDim?: number, maxDim?: number): number[];
  perm(n: number): number[];
  subset(n: number, min?: number, max?: number): number[];
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const perm = (n: number) => {
    const p = range(n);
    for (let i = n - 1; i > 0; i--) {
      const j = int(0, i);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  return {
    next,
    int,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    pick: (xs) => xs[int(0, xs.length - 1)],
    chance: (p) => next() < p,
    shape: (minRank, maxRank, minDim = 1, maxDim = 3) => range(int(minRank, maxRank)).map(() => int(minDim, maxDim)),
    perm,
    subset: (n, min = 0, max = n) => perm(n).slice(0, int(min, max)).sort((a, b) => a - b),
  };
}
