/**
 * The packing subcommand of the `pretrain` CLI, built with `effect/cli`:
 *
 * ```
 * pretrain pack <input> --tokenizer tokenizer.json --seq-len 2048 --out <dir>
 *   [--format parquet|megatron] [--layout starcoder2|starcoder1] [--fim-rate 0.5]
 *   [--fim-spm-rate 0.5] [--packing concat|best-fit] [--seed N]
 *   [--tasks N] [--partitions N] [--workers N] [--force] [--keep-work] [--json]
 * ```
 *
 * @since 0.1.0
 */
import { pack } from "./commands/pack.ts"

export { pack } from "./commands/pack.ts"

/** @since 0.1.0 @category commands */
export const commands = [pack] as const
