import type { LossLaw } from "../Law.ts"

/**
 * The law of a log-space parameter vector `[a, b, e, alpha, beta]` (`A = exp(a)`, `B = exp(b)`,
 * `E = exp(e)`): the form in which Hoffmann et al., Epoch AI and Muennighoff et al. publish their
 * fits and in which the Huber fit searches.
 */
export const lawFromLogSpace = (x: ArrayLike<number>): LossLaw => ({
  E: Math.exp(x[2]!),
  A: Math.exp(x[0]!),
  B: Math.exp(x[1]!),
  alpha: x[3]!,
  beta: x[4]!
})
