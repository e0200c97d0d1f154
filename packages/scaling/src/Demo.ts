/**
 * The scaling step of the stack-mini demo: given the unique tokens of the user's corpus, a short
 * plan for a few training budgets around the one for which that corpus is exactly
 * Chinchilla-sized, with repetition accounted for (Muennighoff et al.'s data-constrained law)
 * next to plain Chinchilla (compute-optimal, as if every token were new).
 *
 * @since 0.1.0
 */
import * as Law from "./Law.ts"
import * as Planner from "./Planner.ts"
import type { PresetName } from "./Presets.ts"
import { presets } from "./Presets.ts"
import { sig, table } from "./commands/shared.ts"

/**
 * Plans for budgets of 0.1×, 1×, 10× and 100× the budget whose compute-optimal token count equals
 * `uniqueTokens`.
 *
 * @since 0.1.0 @category demo
 */
export const demoPlans = (uniqueTokens: number, options: { readonly preset?: PresetName | undefined } = {}): ReadonlyArray<Planner.Plan> => {
  const preset = options.preset ?? "muennighoff"
  const pivot = Law.optimalForTokens(presets[preset].law, uniqueTokens).flops
  return [0.1, 1, 10, 100].map((m) => Planner.plan({ flops: pivot * m, preset, uniqueTokens }))
}

/**
 * A few lines of text: per budget, the recommended parameters, tokens, epochs and predicted loss,
 * and plain Chinchilla's parameters, epochs and (repetition-aware) loss.
 *
 * @example
 * import { Demo } from "@pretrain/scaling"
 * console.log(Demo.scalingSummary(12_000_000))
 *
 * @since 0.1.0 @category demo
 */
export const scalingSummary = (uniqueTokens: number, options: { readonly preset?: PresetName | undefined } = {}): string => {
  if (!(Number.isFinite(uniqueTokens) && uniqueTokens > 0)) return `scaling plan: no tokens to plan for (${uniqueTokens})`
  const preset = options.preset ?? "muennighoff"
  const plans = demoPlans(uniqueTokens, { preset })
  return [
    `Scaling plan for ${sig(uniqueTokens)} unique tokens (preset ${preset}; repeated data per Muennighoff et al. 2023):`,
    table([
      ["FLOPs", "params", "tokens", "epochs", "loss", "| chinchilla params", "epochs", "loss"],
      ...plans.map((p) => [
        sig(p.flops),
        sig(p.params),
        sig(p.tokens),
        p.epochs.toFixed(1),
        p.loss.toFixed(3),
        `| ${sig(p.chinchilla.params)}`,
        p.chinchilla.epochs.toFixed(1),
        p.chinchilla.loss.toFixed(3)
      ])
    ]).split("\n").map((l) => `  ${l}`).join("\n"),
    ...(plans[0]!.params < 7e7
      ? ["  (the laws were fitted on models of 70M parameters and more; smaller ones are extrapolation)"]
      : [])
  ].join("\n")
}
