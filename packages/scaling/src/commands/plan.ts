/**
 * `pretrain scaling plan (--flops C | --loss L) [--preset NAME] [--unique-tokens U]
 *  [--inference-tokens I] [--shape] [--svg FILE] [--json]`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Planner from "../Planner.ts"
import * as Plots from "../Plots.ts"
import { presets } from "../Presets.ts"
import * as Shape from "../Shape.ts"
import { forceFlag, jsonFlag, presetFlag, sig, svgFlag, table, uniqueTokensFlag, writeSvg } from "./shared.ts"

const pct = (r: number) => `${(100 * r).toFixed(2)} %`

/**
 * Text report of a plan: the recommendation next to the plain compute-optimal model.
 *
 * @since 0.1.0 @category formatting
 */
export const formatPlan = (p: Planner.Plan, shapes: ReadonlyArray<Shape.ShapeSuggestion> = []): string => {
  const inference = p.inferenceTokens !== undefined
  const row = (label: string, f: (e: Planner.PlanEntry) => string) => [label, f(p), f(p.chinchilla)]
  const rows = [
    ["", "recommended", "chinchilla (compute-optimal)"],
    row("parameters", (e) => sig(e.params)),
    row("tokens", (e) => sig(e.tokens)),
    ...(p.uniqueTokens !== undefined ? [row("epochs", (e) => sig(e.epochs))] : []),
    row("tokens/param", (e) => sig(e.tokensPerParam)),
    row("loss", (e) => e.loss.toFixed(4)),
    row("training FLOPs", (e) => sig(e.flops)),
    ...(inference ? [row("inference FLOPs", (e) => sig(e.inferenceFlops)), row("total FLOPs", (e) => sig(e.totalFlops))] : [])
  ]
  const lines = [
    `preset ${p.preset}${p.uniqueTokens !== undefined ? `, ${sig(p.uniqueTokens)} unique tokens` : ""}${inference ? `, ${sig(p.inferenceTokens!)} inference tokens` : ""}`,
    "",
    table(rows),
    ...(inference || p.uniqueTokens !== undefined
      ? ["", `recommended vs chinchilla: ${pct(p.params / p.chinchilla.params)} of the parameters, ${pct(p.tokens / p.chinchilla.tokens)} of the tokens, ${pct(p.totalFlops / p.chinchilla.totalFlops)} of the ${inference ? "total " : ""}FLOPs, loss ${(p.loss - p.chinchilla.loss >= 0 ? "+" : "") + (p.loss - p.chinchilla.loss).toFixed(4)}`]
      : []),
    "",
    `DeepSeek LLM hyperparameters for ${sig(p.flops)} FLOPs: learning rate ${sig(p.learningRate)}, batch ${sig(p.batchTokens)} tokens`
  ]
  if (shapes.length > 0) {
    lines.push("", table([
      ["layers", "d_model", "heads", "params", "d_model/layers"],
      ...shapes.map((s) => [String(s.layers), String(s.dModel), String(s.heads), sig(s.params), s.aspect.toFixed(0)])
    ]))
  }
  return lines.join("\n")
}

/**
 * The plot of a plan: iso-FLOP curves for budgets from 1/100 to 100 times its own, or loss
 * contours over a window around it, the recommendation marked.
 *
 * @since 0.1.0 @category plots
 */
export const planSvg = (p: Planner.Plan, plot: "isoflop" | "contour"): string => {
  const law = presets[p.preset as keyof typeof presets].law
  return plot === "isoflop"
    ? Plots.isoFlopSvg(law, {
      budgets: [p.flops / 100, p.flops / 10, p.flops, p.flops * 10, p.flops * 100],
      uniqueTokens: p.uniqueTokens,
      highlight: { params: p.params, loss: p.loss, label: "recommended" },
      title: `Iso-FLOP curves (${p.preset})`
    })
    : Plots.lossContourSvg(law, {
      params: [p.params / 1e3, p.params * 1e3],
      tokens: [p.tokens / 1e3, p.tokens * 1e3],
      uniqueTokens: p.uniqueTokens,
      highlight: { params: p.params, tokens: p.tokens, label: "recommended" },
      title: `Loss over parameters and tokens (${p.preset})`
    })
}

/** @since 0.1.0 @category commands */
export const planCommand = Command.make(
  "plan",
  {
    flops: Flag.Finite("flops").pipe(Flag.withDescription("training budget in FLOPs (6·N·D)"), Flag.optional),
    loss: Flag.Finite("loss").pipe(Flag.withDescription("target loss instead of a budget"), Flag.optional),
    preset: presetFlag("epoch"),
    uniqueTokens: uniqueTokensFlag,
    inferenceTokens: Flag.Finite("inference-tokens").pipe(
      Flag.withDescription("tokens to serve over the model's lifetime (Sardana et al.)"),
      Flag.optional
    ),
    shape: Flag.Boolean("shape").pipe(Flag.withDescription("suggest layers / width / heads"), Flag.withDefault(false)),
    vocab: Flag.Int("vocab").pipe(Flag.withDescription("vocabulary size for --shape (default 32000)"), Flag.withDefault(32000)),
    seqLen: Flag.Int("seq-len").pipe(Flag.withDescription("sequence length for --shape (default 2048)"), Flag.withDefault(2048)),
    svg: svgFlag,
    plot: Flag.Literals("plot", ["isoflop", "contour"]).pipe(
      Flag.withDescription("what --svg draws: iso-FLOP curves around the budget (default) or loss contours with the frontier"),
      Flag.withDefault("isoflop")
    ),
    force: forceFlag,
    json: jsonFlag
  },
  (o) =>
    Commands.reportFailure(
      Effect.try({
        try: () =>
          Planner.plan({
            flops: Option.getOrUndefined(o.flops),
            loss: Option.getOrUndefined(o.loss),
            preset: o.preset,
            uniqueTokens: Option.getOrUndefined(o.uniqueTokens),
            inferenceTokens: Option.getOrUndefined(o.inferenceTokens)
          }),
        catch: (e) => e
      }).pipe(
        Effect.flatMap((p) => {
          const shapes = o.shape ? Shape.suggestShapes(p.params, { vocab: o.vocab, seqLen: o.seqLen }) : []
          const svg = Option.match(o.svg, {
            onNone: () => Effect.void,
            onSome: (file) => writeSvg(file, planSvg(p, o.plot), o.force)
          })
          return svg.pipe(
            Effect.andThen(Console.log(o.json ? Commands.toJson(o.shape ? { ...p, shapes } : p) : formatPlan(p, shapes)))
          )
        })
      )
    )
).pipe(Command.withDescription("Parameters, tokens, epochs and predicted loss for a FLOP budget or a target loss"))
