/**
 * `pretrain scaling fit runs.csv [--bootstrap B] [--seed S] [--exclude-highest K] [--svg FILE] [--json]`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as ComputeOptimalFit from "../ComputeOptimalFit.ts"
import { FitError, PlanError } from "../Errors.ts"
import * as Fit from "../Fit.ts"
import * as Plots from "../Plots.ts"
import { readRuns } from "../Runs.ts"
import { forceFlag, jsonFlag, sig, svgFlag, table, writeSvg } from "./shared.ts"

/**
 * The JSON report of a fit: the constants, their intervals, and the compute exponents.
 *
 * @since 0.1.0 @category formatting
 */
export const fitReport = (fit: Fit.FitResult, isoFlop: ComputeOptimalFit.ComputeOptimalFit) => {
  const ci = fit.ci!
  return {
    E: fit.law.E,
    A: fit.law.A,
    B: fit.law.B,
    alpha: fit.law.alpha,
    beta: fit.law.beta,
    ci: { E: ci.E, A: ci.A, B: ci.B, alpha: ci.alpha, beta: ci.beta },
    runs: fit.runs,
    objective: fit.objective,
    converged: fit.converged,
    starts: fit.starts,
    bootstrap: fit.bootstrap,
    computeExponents: {
      a: fit.law.beta / (fit.law.alpha + fit.law.beta),
      b: fit.law.alpha / (fit.law.alpha + fit.law.beta),
      ci: { a: ci.a, b: ci.b }
    },
    isoFlop: isoFlop.optima.length >= 2
      ? { bins: isoFlop.optima.length, params: isoFlop.params, tokens: isoFlop.tokens }
      : undefined
  }
}

const formatFit = (r: ReturnType<typeof fitReport>): string =>
  [
    `fitted L(N, D) = E + A/N^alpha + B/D^beta to ${r.runs} runs (Huber delta 1e-3 on log loss, L-BFGS from ${r.starts} starts${r.converged ? "" : ", NOT converged"})`,
    "",
    table([
      ["", "estimate", `${r.bootstrap}-bootstrap 95% interval`],
      ...(["E", "A", "B", "alpha", "beta"] as const).map((k) => [k, sig(r[k]), `${sig(r.ci[k][0])} – ${sig(r.ci[k][1])}`]),
      ["a (N_opt ∝ C^a)", sig(r.computeExponents.a), `${sig(r.computeExponents.ci.a[0])} – ${sig(r.computeExponents.ci.a[1])}`],
      ["b (D_opt ∝ C^b)", sig(r.computeExponents.b), `${sig(r.computeExponents.ci.b[0])} – ${sig(r.computeExponents.ci.b[1])}`]
    ]),
    ...(r.isoFlop === undefined
      ? []
      : ["", `iso-FLOP profiles (${r.isoFlop.bins} bins): N_opt ∝ C^${r.isoFlop.params.exponent.toFixed(3)}, D_opt ∝ C^${r.isoFlop.tokens.exponent.toFixed(3)}`])
  ].join("\n")

/** @since 0.1.0 @category commands */
export const fitCommand = Command.make(
  "fit",
  {
    file: Argument.String("runs").pipe(Argument.withDescription("CSV with header params,tokens,loss (or JSON)")),
    bootstrap: Flag.Int("bootstrap").pipe(Flag.withDescription("bootstrap resamples for the intervals (default 200)"), Flag.withDefault(200)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("bootstrap seed (default 42)"), Flag.withDefault(42)),
    excludeHighest: Flag.Int("exclude-highest").pipe(
      Flag.withDescription("leave out the K runs of highest loss (Epoch AI drops 5 of Chinchilla's)"),
      Flag.withDefault(0)
    ),
    svg: svgFlag,
    force: forceFlag,
    json: jsonFlag
  },
  (o) =>
    Commands.reportFailure(
      Effect.gen(function*() {
        if (o.bootstrap < 10) return yield* Effect.fail(new PlanError({ reason: `--bootstrap must be at least 10, got ${o.bootstrap}` }))
        const all = yield* readRuns(o.file)
        const runs = Fit.excludeHighestLoss(all, o.excludeHighest)
        const fit = yield* Effect.try({
          try: () => Fit.fitLaw(runs, { bootstrap: o.bootstrap, seed: o.seed }),
          catch: (e) => e instanceof FitError ? new FitError({ reason: `${o.file}: ${e.reason}` }) : e
        })
        const report = fitReport(fit, ComputeOptimalFit.fitComputeOptimal(runs))
        if (Option.isSome(o.svg)) yield* writeSvg(o.svg.value, Plots.fitSvg(fit.law, runs, { title: `Fitted law and ${runs.length} runs` }), o.force)
        yield* Console.log(o.json ? Commands.toJson(report) : formatFit(report))
      })
    )
).pipe(Command.withDescription("Fit E, A, B, alpha, beta to your runs, with bootstrap intervals"))
