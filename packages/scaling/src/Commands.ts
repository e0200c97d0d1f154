/**
 * The `scaling` command of the `pretrain` CLI, with subcommands `plan`, `fit` and `loss`, built with
 * `effect/cli`. The `@pretrain/cli` package adds it to the binary.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { fitCommand } from "./commands/fit.ts"
import { lossCommand } from "./commands/loss.ts"
import { planCommand } from "./commands/plan.ts"

export { fitReport } from "./commands/fit.ts"
export { formatPlan } from "./commands/plan.ts"

/** @since 0.1.0 @category commands */
export const scaling = Command.make("scaling").pipe(
  Command.withDescription("Scaling laws: plan a run, fit a law to your runs, predict a loss"),
  Command.withSubcommands([planCommand, fitCommand, lossCommand])
)

/** @since 0.1.0 @category commands */
export const commands = [scaling] as const
