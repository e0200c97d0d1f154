/**
 * The dataflow subcommands of the `pretrain` CLI (`run`, `ingest`, `inspect`, `jobs`), built with
 * `effect/cli`. The `@pretrain/cli` package assembles every package's commands into one binary.
 *
 * @since 0.1.0
 */
import { ingestCommand } from "./commands/ingest.ts"
import { inspectCommand } from "./commands/inspect.ts"
import { jobs } from "./commands/jobs.ts"
import { run } from "./commands/run.ts"

export { ingest } from "./commands/ingest.ts"
export { type IngestParams, ingestPipeline } from "./commands/IngestPipeline.ts"
export { reportFailure, toJson } from "./commands/shared.ts"

/** @since 0.1.0 @category commands */
export const commands = [run, ingestCommand, inspectCommand, jobs] as const
