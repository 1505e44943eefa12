// A small seeded PRNG (mulberry32). Each fuzz case gets its own generator from (seed, case
// number), so a case is the same whatever ran before it or beside it: one number replays it.

export interface Rng {
  /** [0, 1) */
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Pick by weight: [[weight, value], …]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T;
}

/** FNV-1a of a string, as the 32-bit state of a case's generator. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function caseRng(seed: string, caseNo: number): Rng {
  let a = hash(`${seed}:${caseNo}`);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items) => {
      const total = items.reduce((s, [w]) => s + w, 0);
      let r = next() * total;
      for (const [w, v] of items) {
        if ((r -= w) < 0) return v;
      }
      return items[items.length - 1]![1];
    },
  };
  return rng;
}
