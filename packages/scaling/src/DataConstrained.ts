/**
 * Data-constrained scaling (Muennighoff et al. 2023, arXiv:2305.16264, §5 and the datablations
 * README "Parametric Fit"): repeated tokens are worth less than new ones, and parameters beyond
 * the compute-optimal size for the unique data are worth less too.
 *
 * ```
 * R_D = D/U − 1                      (repetitions: epochs − 1)
 * D'  = U + U·R_D*·(1 − exp(−R_D/R_D*))
 * U_N = min(N, N_opt(U))             (parameters compute-optimal for U tokens)
 * R_N = N/U_N − 1
 * N'  = U_N + U_N·R_N*·(1 − exp(−R_N/R_N*))
 * L(N, D, U) = E + A/N'^alpha + B/D'^beta
 * ```
 *
 * @since 0.1.0
 */
import * as Law from "./Law.ts"
import type { LossLaw } from "./Law.ts"
import { bisect, minimize } from "./internal/Solve.ts"
import type { RepetitionConstants } from "./Presets.ts"
import { muennighoffRepetition } from "./Presets.ts"

/**
 * `U + U·R*·(1 − exp(−R/R*))` with `R = max(total/U − 1, 0)`: the worth of `total` units (tokens or
 * parameters) of which `unique` are new, each repetition worth less, saturating at `U·(1 + R*)`.
 */
const decayedRepeats = (total: number, unique: number, rStar: number): number => {
  const repeats = Math.max(total / unique - 1, 0)
  return unique + unique * rStar * (1 - Math.exp(-repeats / rStar))
}

/**
 * Effective data `D'` of `tokens` training tokens drawn from `uniqueTokens` unique tokens: at most
 * `U·(1 + R_D*)` however many epochs. Under one epoch every token is new (`D' = D`).
 *
 * @since 0.1.0 @category laws
 */
export const effectiveTokens = (tokens: number, uniqueTokens: number, repetition: RepetitionConstants = muennighoffRepetition): number =>
  decayedRepeats(tokens, Math.min(uniqueTokens, tokens), repetition.RDStar)

/**
 * Effective parameters `N'` of a model of `params` parameters trained on data with `uniqueTokens`
 * unique tokens: parameters beyond `N_opt(U)` (the compute-optimal size for `U` tokens under
 * `law`) decay with `R_N*`.
 *
 * @since 0.1.0 @category laws
 */
export const effectiveParams = (
  law: LossLaw,
  params: number,
  uniqueTokens: number,
  repetition: RepetitionConstants = muennighoffRepetition
): number => decayedRepeats(params, Math.min(params, Law.optimalForTokens(law, uniqueTokens).params), repetition.RNStar)

/**
 * Predicted loss of `params` parameters trained on `tokens` tokens of which `uniqueTokens` are
 * unique (repeated for `tokens/uniqueTokens` epochs).
 *
 * @example
 * import { DataConstrained, Presets } from "@pretrain/scaling"
 * DataConstrained.loss(Presets.muennighoff, 6.34e9, 242e9, 25e9) // 2.2256440889984477 (datablations README)
 *
 * @since 0.1.0 @category laws
 */
export const loss = (
  law: LossLaw,
  params: number,
  tokens: number,
  uniqueTokens: number,
  repetition: RepetitionConstants = muennighoffRepetition
): number =>
  law.E +
  law.A / effectiveParams(law, params, Math.min(uniqueTokens, tokens), repetition) ** law.alpha +
  law.B / effectiveTokens(tokens, uniqueTokens, repetition) ** law.beta

/**
 * An allocation under a data constraint: with the epochs over the unique data and the effective
 * data and parameters.
 *
 * @since 0.1.0 @category models
 */
export interface ConstrainedAllocation extends Law.Allocation {
  readonly uniqueTokens: number
  readonly epochs: number
  readonly effectiveTokens: number
  readonly effectiveParams: number
}

/**
 * The constrained allocation record of `params` and `tokens`.
 *
 * @since 0.1.0 @category constructors
 */
export const allocation = (
  law: LossLaw,
  params: number,
  tokens: number,
  uniqueTokens: number,
  repetition: RepetitionConstants = muennighoffRepetition
): ConstrainedAllocation => ({
  params,
  tokens,
  flops: 6 * params * tokens,
  loss: loss(law, params, tokens, uniqueTokens, repetition),
  uniqueTokens,
  epochs: tokens / uniqueTokens,
  effectiveTokens: effectiveTokens(tokens, uniqueTokens, repetition),
  effectiveParams: effectiveParams(law, params, Math.min(uniqueTokens, tokens), repetition)
})

/**
 * The loss-minimising split of a budget of `flops` FLOPs (`C = 6·N·D`) when only `uniqueTokens`
 * unique tokens exist. Muennighoff et al. scan multipliers of the Chinchilla-optimal point on a
 * grid; this minimises over `log N` along the whole iso-FLOP line (a grid, then golden section),
 * so it finds the same optimum to the grid's resolution and beyond.
 *
 * @since 0.1.0 @category planners
 */
export const optimalAllocation = (
  law: LossLaw,
  flops: number,
  uniqueTokens: number,
  repetition: RepetitionConstants = muennighoffRepetition
): ConstrainedAllocation => {
  const start = Law.computeOptimal(law, flops)
  const center = Math.log(start.params)
  const span = Math.log(1e4)
  const best = minimize(
    (logN) => {
      const n = Math.exp(logN)
      return loss(law, n, flops / (6 * n), uniqueTokens, repetition)
    },
    center - span,
    center + span,
    400
  )
  const params = Math.exp(best.x)
  return allocation(law, params, flops / (6 * params), uniqueTokens, repetition)
}

/**
 * Fewest tokens with which `params` parameters reach `target` loss on `uniqueTokens` unique
 * tokens; `Infinity` when no amount of repetition gets there (effective data saturates at
 * `U·(1 + R_D*)`).
 *
 * @since 0.1.0 @category planners
 */
export const tokensForLoss = (
  law: LossLaw,
  params: number,
  target: number,
  uniqueTokens: number,
  repetition: RepetitionConstants = muennighoffRepetition
): number => {
  const f = (logD: number) => loss(law, params, Math.exp(logD), uniqueTokens, repetition) - target
  const hi = Math.log(1e32)
  if (f(hi) > 0) return Number.POSITIVE_INFINITY
  if (f(0) <= 0) return 1
  return Math.exp(bisect(f, 0, hi, 1e-15))
}

/**
 * The model that reaches `target` loss on `uniqueTokens` unique tokens at the fewest training plus
 * inference FLOPs `6·N·D + 2·N·T` (`T = inferenceTokens`, default 0: training only). No closed
 * form: a one-dimensional minimisation over `log N`, each `N` with its fewest tokens. `undefined`
 * when the target is out of reach.
 *
 * @since 0.1.0 @category planners
 */
export const optimalForLoss = (
  law: LossLaw,
  target: number,
  uniqueTokens: number,
  options: { readonly inferenceTokens?: number | undefined; readonly repetition?: RepetitionConstants | undefined } = {}
): ConstrainedAllocation | undefined => {
  if (!(target > law.E)) return undefined
  const repetition = options.repetition ?? muennighoffRepetition
  const inference = options.inferenceTokens ?? 0
  const center = Math.log(Law.optimalForLoss(law, target).params)
  const cost = (logN: number) => {
    const n = Math.exp(logN)
    const d = tokensForLoss(law, n, target, uniqueTokens, repetition)
    return 6 * n * d + 2 * n * inference
  }
  const best = minimize(cost, center - Math.log(1e3), center + Math.log(1e4), 300)
  if (!Number.isFinite(best.value)) return undefined
  const params = Math.exp(best.x)
  return allocation(law, params, tokensForLoss(law, params, target, uniqueTokens, repetition), uniqueTokens, repetition)
}
