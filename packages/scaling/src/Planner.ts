/**
 * The planner behind `pretrain scaling plan`: for a training budget (or a target loss), the
 * recommended parameters, tokens, epochs and predicted loss under a named preset, accounting for
 * limited unique data (Muennighoff et al.) and expected inference (Sardana et al.) when given,
 * next to the plain compute-optimal (Chinchilla) answer under the same constants.
 *
 * With inference tokens the budget sets the quality: the plan reaches the loss the
 * compute-optimal run would reach with `flops`, at the fewest training plus inference FLOPs, so
 * its training FLOPs exceed `flops` and its total falls below the Chinchilla model's.
 *
 * @since 0.1.0
 */
import * as DataConstrained from "./DataConstrained.ts"
import * as DeepSeek from "./DeepSeek.ts"
import { PlanError } from "./Errors.ts"
import * as InferenceAware from "./InferenceAware.ts"
import * as Law from "./Law.ts"
import type { LossLaw } from "./Law.ts"
import type { PresetName, RepetitionConstants } from "./Presets.ts"
import { muennighoffRepetition, presets } from "./Presets.ts"

/**
 * Inputs of a plan: exactly one of `flops` and `loss`.
 *
 * @since 0.1.0 @category models
 */
export interface PlanOptions {
  readonly flops?: number | undefined
  readonly loss?: number | undefined
  /** Constants by name (default `epoch`). */
  readonly preset?: PresetName | undefined
  /** Your own constants (e.g. from `fitLaw`), instead of a preset. */
  readonly law?: LossLaw | undefined
  /** Unique tokens available: the plan may repeat them for several epochs. */
  readonly uniqueTokens?: number | undefined
  /** Tokens the model will process at inference over its lifetime. */
  readonly inferenceTokens?: number | undefined
  /** Repetition constants (default the preset's, else Muennighoff et al.'s). */
  readonly repetition?: RepetitionConstants | undefined
}

/**
 * One model of a plan.
 *
 * @since 0.1.0 @category models
 */
export interface PlanEntry {
  readonly params: number
  readonly tokens: number
  /** Passes over the unique data (1 without `uniqueTokens`). */
  readonly epochs: number
  readonly tokensPerParam: number
  readonly loss: number
  /** Training FLOPs, `6·N·D`. */
  readonly flops: number
  /** `2·N·T` for `T` inference tokens (0 without). */
  readonly inferenceFlops: number
  readonly totalFlops: number
}

/**
 * A plan: the recommended model, the inputs, and the plain compute-optimal model (`chinchilla`,
 * ignoring repetition and inference; its loss is predicted with repetition when the data is
 * limited), with DeepSeek's learning rate and batch size for the recommended budget.
 *
 * @since 0.1.0 @category models
 */
export interface Plan extends PlanEntry {
  readonly preset: string
  readonly uniqueTokens?: number | undefined
  readonly inferenceTokens?: number | undefined
  readonly learningRate: number
  readonly batchTokens: number
  readonly chinchilla: PlanEntry
}

const entry = (
  params: number,
  tokens: number,
  lossValue: number,
  uniqueTokens: number | undefined,
  inferenceTokens: number,
  budget?: number
): PlanEntry => {
  // the budget itself where the allocation spends it exactly (6·N·D would differ in the last bits)
  const flops = budget ?? 6 * params * tokens
  const inferenceFlops = 2 * params * inferenceTokens
  return {
    params,
    tokens,
    epochs: uniqueTokens === undefined ? 1 : tokens / uniqueTokens,
    tokensPerParam: tokens / params,
    loss: lossValue,
    flops,
    inferenceFlops,
    totalFlops: flops + inferenceFlops
  }
}

const positiveOrUndefined = (name: string, value: number | undefined): number | undefined => {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new PlanError({ reason: `${name} must be a positive number, got ${value}` })
  return value
}

/**
 * Make a plan; throws `PlanError` for inputs that admit none.
 *
 * @example
 * import { Planner } from "@pretrain/scaling"
 * const p = Planner.plan({ flops: 1e21, preset: "chinchilla", uniqueTokens: 5e9 })
 * p.epochs // several passes over the 5B unique tokens
 *
 * @since 0.1.0 @category planners
 */
export const plan = (options: PlanOptions): Plan => {
  const presetName = options.preset ?? "epoch"
  const preset = presets[presetName]
  if (preset === undefined) throw new PlanError({ reason: `unknown preset ${JSON.stringify(presetName)}` })
  const law = options.law ?? preset.law
  const repetition = options.repetition ?? preset.repetition ?? muennighoffRepetition
  const flops = positiveOrUndefined("flops", options.flops)
  const target = positiveOrUndefined("loss", options.loss)
  const unique = positiveOrUndefined("unique tokens", options.uniqueTokens)
  const inference = options.inferenceTokens ?? 0
  if (!(Number.isFinite(inference) && inference >= 0)) throw new PlanError({ reason: `inference tokens must be zero or more, got ${inference}` })
  if ((flops === undefined) === (target === undefined)) throw new PlanError({ reason: "give either a FLOP budget (--flops) or a target loss (--loss)" })
  if (target !== undefined && !(target > law.E)) {
    throw new PlanError({ reason: `target loss ${target} is not above the irreducible loss E = ${law.E.toFixed(4)} of preset ${options.law ? "(custom)" : presetName}` })
  }
  const lossWith = (n: number, d: number) => unique === undefined ? Law.loss(law, n, d) : DataConstrained.loss(law, n, d, unique, repetition)

  // the plain compute-optimal model, and the loss the plan must reach
  const base = flops !== undefined ? Law.computeOptimal(law, flops) : Law.optimalForLoss(law, target!)
  let recommended: { params: number; tokens: number; loss: number }
  if (flops !== undefined) {
    const constrained = unique === undefined ? base : DataConstrained.optimalAllocation(law, flops, unique, repetition)
    recommended = constrained
    if (inference > 0) recommended = lifetime(law, constrained.loss, unique, inference, repetition)
  } else {
    recommended = unique === undefined && inference === 0 ? base : lifetime(law, target!, unique, inference, repetition)
  }
  const hp = DeepSeek.hyperparameters(6 * recommended.params * recommended.tokens)
  return {
    preset: options.law ? "custom" : presetName,
    ...entry(recommended.params, recommended.tokens, recommended.loss, unique, inference, inference > 0 ? undefined : flops),
    ...(unique === undefined ? {} : { uniqueTokens: unique }),
    ...(inference > 0 ? { inferenceTokens: inference } : {}),
    learningRate: hp.learningRate,
    batchTokens: hp.batchTokens,
    chinchilla: entry(base.params, base.tokens, lossWith(base.params, base.tokens), unique, inference, flops)
  }
}

/** Fewest training plus inference FLOPs for `target` loss. */
const lifetime = (
  law: LossLaw,
  target: number,
  unique: number | undefined,
  inference: number,
  repetition: RepetitionConstants
): { params: number; tokens: number; loss: number } => {
  if (unique === undefined) return InferenceAware.optimalForLoss(law, target, inference).optimal
  const a = DataConstrained.optimalForLoss(law, target, unique, { inferenceTokens: inference, repetition })
  if (a === undefined) {
    throw new PlanError({ reason: `loss ${target} is out of reach with ${unique} unique tokens, however many epochs` })
  }
  return a
}
