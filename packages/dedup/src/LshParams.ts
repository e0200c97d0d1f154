/**
 * Choosing bands x rows for LSH: a pair of documents with Jaccard similarity `s` becomes a candidate
 * with probability `P(s) = 1 - (1 - s^r)^b`. datasketch's rule (used by BigCode and text-dedup) picks
 * the `(b, r)` with `b * r <= numPerm` that minimises `w_fp * FP + w_fn * FN`, where
 * `FP = integral_0^t P(s) ds` and `FN = integral_t^1 (1 - P(s)) ds`. At threshold 0.7 with 256
 * permutations that gives 25 bands of 10 rows, BigCode's setting.
 *
 * ```ts
 * import { LshParams } from "@pretrain/dedup"
 * LshParams.optimal(0.7, 256)   // { bands: 25, rows: 10 }
 * ```
 *
 * @since 0.1.0
 */

/** @since 0.1.0 @category models */
export interface Bands {
  readonly bands: number
  readonly rows: number
}

/**
 * Probability that a pair with Jaccard similarity `s` shares at least one band.
 *
 * @since 0.1.0 @category utils
 */
export const candidateProbability = (s: number, bands: number, rows: number): number => 1 - Math.pow(1 - Math.pow(s, rows), bands)

/** Composite Simpson's rule over `[lo, hi]` with `n` (even) intervals. */
const integrate = (f: (s: number) => number, lo: number, hi: number, n = 128): number => {
  if (hi <= lo) return 0
  const h = (hi - lo) / n
  let sum = f(lo) + f(hi)
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * h)
  return (sum * h) / 3
}

/**
 * The false-positive area `integral_0^t P(s) ds`.
 *
 * @since 0.1.0 @category utils
 */
export const falsePositiveArea = (threshold: number, bands: number, rows: number): number =>
  integrate((s) => candidateProbability(s, bands, rows), 0, threshold)

/**
 * The false-negative area `integral_t^1 (1 - P(s)) ds`.
 *
 * @since 0.1.0 @category utils
 */
export const falseNegativeArea = (threshold: number, bands: number, rows: number): number =>
  integrate((s) => 1 - candidateProbability(s, bands, rows), threshold, 1)

/**
 * The `(bands, rows)` minimising the weighted false-positive and false-negative areas, searched
 * over every `bands` in `1..numPerm` and `rows` in `1..floor(numPerm / bands)`.
 *
 * @since 0.1.0 @category constructors
 */
export const optimal = (
  threshold: number,
  numPerm: number,
  weights: { readonly falsePositive: number; readonly falseNegative: number } = { falsePositive: 0.5, falseNegative: 0.5 }
): Bands => {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`)
  if (!Number.isInteger(numPerm) || numPerm < 1) throw new RangeError(`numPerm must be a positive integer, got ${numPerm}`)
  const key = `${threshold}/${numPerm}/${weights.falsePositive}/${weights.falseNegative}`
  const cached = memo.get(key)
  if (cached !== undefined) return cached
  let best: Bands = { bands: 1, rows: 1 }
  let bestError = Infinity
  for (let b = 1; b <= numPerm; b++) {
    const maxR = Math.floor(numPerm / b)
    for (let r = 1; r <= maxR; r++) {
      const error = weights.falsePositive * falsePositiveArea(threshold, b, r) + weights.falseNegative * falseNegativeArea(threshold, b, r)
      if (error < bestError) {
        bestError = error
        best = { bands: b, rows: r }
      }
    }
  }
  memo.set(key, best)
  return best
}

const memo = new Map<string, Bands>()

/**
 * The similarity at the S-curve's midpoint, `(1/b)^(1/r)`: roughly where a pair becomes likely to
 * be a candidate.
 *
 * @since 0.1.0 @category utils
 */
export const effectiveThreshold = (bands: number, rows: number): number => Math.pow(1 / bands, 1 / rows)
