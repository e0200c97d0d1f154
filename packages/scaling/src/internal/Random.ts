/** A seeded pseudo-random generator (mulberry32) so bootstraps are reproducible. */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The `p`-quantile (0..1) of `values` with linear interpolation (numpy's default). */
export const quantile = (values: ArrayLike<number>, p: number): number => {
  const sorted = Array.from(values).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}
