/**
 * Inference-aware optimum (Sardana, Portes, Doubov & Frankle 2024, *Beyond Chinchilla-Optimal*,
 * arXiv:2401.00448): among models that reach loss `ℓ`, the one that minimises training plus
 * inference FLOPs `6·N·D + 2·N·T` for `T` expected inference tokens (requests × (input + output)
 * tokens). The Lagrangian condition and the loss constraint give a one-dimensional equation in `D`
 *
 * ```
 * f(D) = (beta·B/alpha + B)·D^−beta + (T·beta·B/(3·alpha))·D^(−beta−1) + (E − ℓ) = 0
 * N    = (A / (ℓ − E − B/D^beta))^(1/alpha)
 * ```
 *
 * solved with Newton's method (as the authors' `compute_optimal.py`). `f` is decreasing and
 * convex, so Newton from the left converges monotonically; bisection in `log D` is the fallback.
 *
 * @since 0.1.0
 */
import * as Law from "./Law.ts"
import type { LossLaw } from "./Law.ts"
import { bisect, newton } from "./internal/Solve.ts"

/**
 * A model with its training and inference cost.
 *
 * @since 0.1.0 @category models
 */
export interface LifetimeAllocation extends Law.Allocation {
  readonly inferenceTokens: number
  /** `2·N·T`. */
  readonly inferenceFlops: number
  /** Training plus inference FLOPs. */
  readonly totalFlops: number
}

/**
 * The inference-aware optimum next to the Chinchilla-style model of the same loss, with the ratios
 * the paper reports (parameters, tokens and total FLOPs of the optimum over Chinchilla's).
 *
 * @since 0.1.0 @category models
 */
export interface InferenceAwarePlan {
  readonly optimal: LifetimeAllocation
  readonly chinchilla: LifetimeAllocation
  readonly paramsRatio: number
  readonly tokensRatio: number
  readonly flopsRatio: number
}

/**
 * Attach inference cost to an allocation.
 *
 * @since 0.1.0 @category constructors
 */
export const withInference = (a: Law.Allocation, inferenceTokens: number): LifetimeAllocation => ({
  ...a,
  inferenceTokens,
  inferenceFlops: 2 * a.params * inferenceTokens,
  totalFlops: a.flops + 2 * a.params * inferenceTokens
})

/**
 * Training tokens of the lifetime-optimal model for `target` loss and `inferenceTokens` (the root
 * of `f` above); `NaN` when `target <= E`.
 *
 * @since 0.1.0 @category planners
 */
export const optimalTrainingTokens = (law: LossLaw, target: number, inferenceTokens: number): number => {
  if (!(target > law.E)) return Number.NaN
  const { A: _A, B, E, alpha, beta } = law
  const c1 = (beta * B) / alpha + B
  const c2 = (inferenceTokens * beta * B) / (3 * alpha)
  const f = (d: number) => c1 * d ** -beta + c2 * d ** (-beta - 1) + (E - target)
  const df = (d: number) => -beta * c1 * d ** (-beta - 1) - (beta + 1) * c2 * d ** (-beta - 2)
  // start left of the root: the Chinchilla-optimal tokens for this loss are a lower bound
  let x0 = Law.optimalForLoss(law, target).tokens
  while (f(x0) <= 0 && x0 > 1) x0 /= 10
  const root = newton(f, df, x0)
  if (Number.isFinite(root) && Math.abs(f(root)) <= 1e-9 * Math.abs(E - target)) return root
  return Math.exp(bisect((logD) => f(Math.exp(logD)), 0, Math.log(1e40)))
}

/**
 * The lifetime-optimal model for `target` loss and `inferenceTokens`, next to the Chinchilla-style
 * (training-optimal) model of the same loss.
 *
 * @example
 * import { InferenceAware, Presets } from "@pretrain/scaling"
 * const plan = InferenceAware.optimalForLoss(Presets.beyondChinchilla, 1.947, 2e12)
 * plan.optimal.params // 2.418e10, plan.paramsRatio // 0.7096 (beyond-chinchilla README)
 *
 * @since 0.1.0 @category planners
 */
export const optimalForLoss = (law: LossLaw, target: number, inferenceTokens: number): InferenceAwarePlan => {
  const tokens = optimalTrainingTokens(law, target, inferenceTokens)
  const params = Law.paramsForLoss(law, tokens, target)
  const optimal = withInference({ params, tokens, flops: 6 * params * tokens, loss: target }, inferenceTokens)
  const chinchilla = withInference(Law.optimalForLoss(law, target), inferenceTokens)
  return {
    optimal,
    chinchilla,
    paramsRatio: optimal.params / chinchilla.params,
    tokensRatio: optimal.tokens / chinchilla.tokens,
    flopsRatio: optimal.totalFlops / chinchilla.totalFlops
  }
}

/**
 * The same for the quality a compute-optimal run reaches with `flops` training FLOPs.
 *
 * @since 0.1.0 @category planners
 */
export const optimalForFlops = (law: LossLaw, flops: number, inferenceTokens: number): InferenceAwarePlan =>
  optimalForLoss(law, Law.optimalLoss(law, flops), inferenceTokens)
