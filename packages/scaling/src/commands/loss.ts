/**
 * `pretrain scaling loss --params N --tokens D [--unique-tokens U] [--preset NAME] [--json]`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as DataConstrained from "../DataConstrained.ts"
import { PlanError } from "../Errors.ts"
import * as Law from "../Law.ts"
import { muennighoffRepetition, presets } from "../Presets.ts"
import { jsonFlag, presetFlag, sig, uniqueTokensFlag } from "./shared.ts"

/** @since 0.1.0 @category commands */
export const lossCommand = Command.make(
  "loss",
  {
    params: Flag.Finite("params").pipe(Flag.withDescription("model parameters N")),
    tokens: Flag.Finite("tokens").pipe(Flag.withDescription("training tokens D")),
    uniqueTokens: uniqueTokensFlag,
    preset: presetFlag("epoch"),
    json: jsonFlag
  },
  (o) =>
    Commands.reportFailure(
      Effect.suspend(() => {
        const unique = Option.getOrUndefined(o.uniqueTokens)
        for (const [name, v] of [["--params", o.params], ["--tokens", o.tokens], ["--unique-tokens", unique ?? 1]] as const) {
          if (!(v > 0)) return Effect.fail(new PlanError({ reason: `${name} must be positive, got ${v}` }))
        }
        const preset = presets[o.preset]
        const law = preset.law
        const repetition = preset.repetition ?? muennighoffRepetition
        const result = unique === undefined
          ? { preset: o.preset, params: o.params, tokens: o.tokens, loss: Law.loss(law, o.params, o.tokens) }
          : (() => {
            const a = DataConstrained.allocation(law, o.params, o.tokens, unique, repetition)
            return {
              preset: o.preset,
              params: o.params,
              tokens: o.tokens,
              uniqueTokens: unique,
              epochs: a.epochs,
              effectiveTokens: a.effectiveTokens,
              effectiveParams: a.effectiveParams,
              loss: a.loss,
              lossWithoutRepetition: Law.loss(law, o.params, o.tokens)
            }
          })()
        const text = [
          `loss ${result.loss.toFixed(4)} nats/token (preset ${o.preset}, N ${sig(o.params)}, D ${sig(o.tokens)})`,
          ...("epochs" in result
            ? [`${sig(result.epochs)} epochs over ${sig(unique!)} unique tokens: effective data ${sig(result.effectiveTokens)}, effective parameters ${sig(result.effectiveParams)}; ${result.lossWithoutRepetition.toFixed(4)} if every token were new`]
            : [])
        ].join("\n")
        return Console.log(o.json ? Commands.toJson(result) : text)
      })
    )
).pipe(Command.withDescription("Predicted loss of N parameters trained on D tokens (with repetition when U is given)"))
