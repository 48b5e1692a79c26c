/**
 * A small deterministic random source (mulberry32): the same seed gives the
 * same sequence on every machine, so demo renders are reproducible byte for byte.
 */
export function seededRandom(seed: number): () => number {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value in [min, max) from the source. */
export function between(random: () => number, min: number, max: number): number {
  return min + (max - min) * random();
}
