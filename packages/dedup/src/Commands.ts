/**
 * The dedup subcommands of the `pretrain` CLI, built with `effect/cli`: `dedup` and `membership`
 * (`build`, `query`). The `@pretrain/cli` package assembles them into the binary.
 *
 * @since 0.1.0
 */
import { dedupCommand } from "./commands/dedup.ts"
import { membershipCommand } from "./commands/membership.ts"

export { dedupCommand } from "./commands/dedup.ts"
export { buildCommand, membershipCommand, queryCommand } from "./commands/membership.ts"

/** @since 0.1.0 @category commands */
export const commands = [dedupCommand, membershipCommand] as const
