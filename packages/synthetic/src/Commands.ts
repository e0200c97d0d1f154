/**
 * The `synth` command of the `pretrain` CLI, with subcommands `cosmopedia`, `oss-instruct` and
 * `self-align`, built with `effect/cli`. The `@pretrain/cli` package adds it to the binary.
 *
 * @since 0.1.0
 */
import { synth } from "./commands/synth.ts"

export { cosmopediaCommand, ossInstructCommand, selfAlignCommand, synth } from "./commands/synth.ts"

/** @since 0.1.0 @category commands */
export const commands = [synth] as const
