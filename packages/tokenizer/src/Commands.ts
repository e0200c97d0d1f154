/**
 * The `tokenizer` command of the `pretrain` CLI with its subcommands `train`, `encode` and `stats`,
 * built with `effect/cli`. The `@pretrain/cli` package adds it to the binary.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { encode } from "./commands/encode.ts"
import { stats } from "./commands/stats.ts"
import { train } from "./commands/train.ts"

export { formatSummary } from "./commands/stats.ts"
export { formatTrainStats } from "./commands/train.ts"

/** `pretrain tokenizer train|encode|stats`. @since 0.1.0 @category commands */
export const tokenizer = Command.make("tokenizer").pipe(
  Command.withDescription("Train, apply and measure byte-level BPE tokenizers (HF tokenizer.json)"),
  Command.withSubcommands([train, encode, stats])
)

/** @since 0.1.0 @category commands */
export const commands = [tokenizer] as const
