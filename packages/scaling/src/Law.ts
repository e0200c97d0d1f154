/**
 * The parametric loss law of Chinchilla (Hoffmann et al. 2022, eq. 2 and App. D.2):
 * `L(N, D) = E + A / N^alpha + B / D^beta`, with `N` parameters, `D` training tokens and `L` the
 * loss in nats per token; and the closed forms that follow from it under `C = 6·N·D`.
 *
 * Every function takes the constants explicitly (see `Presets` for the published sets).
 *
 * @since 0.1.0
 */

/**
 * Constants of `L(N, D) = E + A / N^alpha + B / D^beta`.
 *
 * @since 0.1.0 @category models
 */
export interface LossLaw {
  readonly E: number
  readonly A: number
  readonly B: number
  readonly alpha: number
  readonly beta: number
}

/**
 * A model size and token count, with its training FLOPs (`6·N·D`) and predicted loss.
 *
 * @since 0.1.0 @category models
 */
export interface Allocation {
  readonly params: number
  readonly tokens: number
  readonly flops: number
  readonly loss: number
}

/**
 * Predicted loss `E + A/N^alpha + B/D^beta`.
 *
 * @example
 * import { Law, Presets } from "@pretrain/scaling"
 * Law.loss(Presets.beyondChinchilla, 70e9, 1e12) // 1.947 (beyond-chinchilla README)
 *
 * @since 0.1.0 @category laws
 */
export const loss = (law: LossLaw, params: number, tokens: number): number =>
  law.E + law.A / params ** law.alpha + law.B / tokens ** law.beta

/**
 * `G = ((alpha·A)/(beta·B))^(1/(alpha+beta))` of Chinchilla App. D.2: `N_opt = G·(C/6)^a`.
 *
 * @since 0.1.0 @category laws
 */
export const G = (law: LossLaw): number =>
  ((law.alpha * law.A) / (law.beta * law.B)) ** (1 / (law.alpha + law.beta))

/**
 * The compute exponents: `N_opt ∝ C^a`, `D_opt ∝ C^b` with `a = beta/(alpha+beta)`,
 * `b = alpha/(alpha+beta)` (Chinchilla Table 2 reports them per approach).
 *
 * @since 0.1.0 @category laws
 */
export const computeExponents = (law: LossLaw): { readonly a: number; readonly b: number } => ({
  a: law.beta / (law.alpha + law.beta),
  b: law.alpha / (law.alpha + law.beta)
})

/** Allocation record from params and tokens. @internal */
export const allocation = (law: LossLaw, params: number, tokens: number): Allocation => ({
  params,
  tokens,
  flops: 6 * params * tokens,
  loss: loss(law, params, tokens)
})

/**
 * Compute-optimal parameters and tokens for a training budget of `flops` FLOPs (`C = 6·N·D`),
 * in closed form (Chinchilla App. D.2).
 *
 * @since 0.1.0 @category planners
 */
export const computeOptimal = (law: LossLaw, flops: number): Allocation => {
  const g = G(law)
  const { a, b } = computeExponents(law)
  const params = g * (flops / 6) ** a
  const tokens = (flops / 6) ** b / g
  return { params, tokens, flops, loss: loss(law, params, tokens) }
}

/**
 * The loss on the compute-optimal frontier: `L*(C) = E + (A·G^-alpha + B·G^beta)·(C/6)^(-alpha·beta/(alpha+beta))`.
 *
 * @since 0.1.0 @category laws
 */
export const optimalLoss = (law: LossLaw, flops: number): number => {
  const g = G(law)
  const k = law.A * g ** -law.alpha + law.B * g ** law.beta
  return law.E + k * (flops / 6) ** (-(law.alpha * law.beta) / (law.alpha + law.beta))
}

/**
 * The training FLOPs a compute-optimal run needs to reach `target` loss (inverse of
 * `optimalLoss`); `NaN` when `target <= E`.
 *
 * @since 0.1.0 @category planners
 */
export const flopsForLoss = (law: LossLaw, target: number): number => {
  if (!(target > law.E)) return Number.NaN
  const g = G(law)
  const k = law.A * g ** -law.alpha + law.B * g ** law.beta
  return 6 * ((target - law.E) / k) ** (-(law.alpha + law.beta) / (law.alpha * law.beta))
}

/**
 * The compute-optimal allocation that reaches `target` loss:
 * `N = (A·(alpha/beta + 1)/(L − E))^(1/alpha)`, `D = (B·(beta/alpha + 1)/(L − E))^(1/beta)`
 * (Sardana et al. `utils.py`); `NaN`s when `target <= E`.
 *
 * @since 0.1.0 @category planners
 */
export const optimalForLoss = (law: LossLaw, target: number): Allocation => {
  const gap = target - law.E
  const params = gap > 0 ? ((law.A * (law.alpha / law.beta + 1)) / gap) ** (1 / law.alpha) : Number.NaN
  const tokens = gap > 0 ? ((law.B * (law.beta / law.alpha + 1)) / gap) ** (1 / law.beta) : Number.NaN
  return { params, tokens, flops: 6 * params * tokens, loss: target }
}

/**
 * The budget for which a model of `params` parameters is compute-optimal: `C = 6·(N/G)^(1/a)`,
 * and the tokens to train it on, `D = C/(6N)`.
 *
 * @since 0.1.0 @category planners
 */
export const optimalForParams = (law: LossLaw, params: number): Allocation => {
  const flops = 6 * (params / G(law)) ** (1 / computeExponents(law).a)
  const tokens = flops / (6 * params)
  return { params, tokens, flops, loss: loss(law, params, tokens) }
}

/**
 * The budget for which training on `tokens` tokens is compute-optimal, and the model size.
 *
 * @since 0.1.0 @category planners
 */
export const optimalForTokens = (law: LossLaw, tokens: number): Allocation => {
  const flops = 6 * (tokens * G(law)) ** (1 / computeExponents(law).b)
  const params = flops / (6 * tokens)
  return { params, tokens, flops, loss: loss(law, params, tokens) }
}

/**
 * Tokens a model of `params` parameters must see to reach `target` loss:
 * `D = (B/(L − E − A/N^alpha))^(1/beta)`; `NaN` when the model can never reach it.
 *
 * @since 0.1.0 @category planners
 */
export const tokensForLoss = (law: LossLaw, params: number, target: number): number => {
  const room = target - law.E - law.A / params ** law.alpha
  return room > 0 ? (law.B / room) ** (1 / law.beta) : Number.NaN
}

/**
 * Parameters needed to reach `target` loss after `tokens` tokens:
 * `N = (A/(L − E − B/D^beta))^(1/alpha)`; `NaN` when unreachable.
 *
 * @since 0.1.0 @category planners
 */
export const paramsForLoss = (law: LossLaw, tokens: number, target: number): number => {
  const room = target - law.E - law.B / tokens ** law.beta
  return room > 0 ? (law.A / room) ** (1 / law.alpha) : Number.NaN
}
