/**
 * `pretrain run <pipeline.ts> [--workers N] [--only STAGE] [--force]`
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Progress from "../Progress.ts"
import { runPipeline } from "../Run.ts"
import { forceFlag, reportFailure, workersFlag } from "./shared.ts"

/** @since 0.1.0 @category commands */
export const run = Command.make(
  "run",
  {
    pipeline: Argument.String("pipeline").pipe(Argument.withDescription("module exporting the pipeline (.ts or .js)")),
    workers: workersFlag,
    only: Flag.String("only").pipe(Flag.withDescription("run only this stage"), Flag.optional),
    force: forceFlag
  },
  ({ force, only, pipeline, workers }) =>
    reportFailure(
      runPipeline(pipeline, { workers: Option.getOrUndefined(workers), only: Option.getOrUndefined(only), force }).pipe(
        Effect.tap((result) => Console.log(result.stages.map((s) => Progress.summary(s.stats)).join("\n")))
      )
    )
).pipe(Command.withDescription("Run a pipeline module's stages; a rerun resumes where a crashed run stopped"))
