/**
 * `pretrain run <pipeline.ts> [--params JSON] [--workers N] [--only STAGE] [--force]`, on worker
 * threads, or with `--executor slurm --run-dir DIR [resources...]` as Slurm job arrays.
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { PipelineDefinitionError } from "../Errors.ts"
import * as Progress from "../Progress.ts"
import { runPipeline } from "../Run.ts"
import * as Slurm from "../Slurm.ts"
import { forceFlag, reportFailure, workersFlag } from "./shared.ts"
import { slurmFlags, submitOptions } from "./slurmFlags.ts"

const parseParams = (text: Option.Option<string>): Effect.Effect<unknown, PipelineDefinitionError> =>
  Option.isNone(text) ? Effect.succeed(undefined) : Effect.try({
    try: () => JSON.parse(text.value) as unknown,
    catch: (e) => new PipelineDefinitionError({ module: "--params", reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` })
  })

/** @since 0.1.0 @category commands */
export const run = Command.make(
  "run",
  {
    pipeline: Argument.String("pipeline").pipe(Argument.withDescription("module exporting the pipeline (.ts or .js)")),
    params: Flag.String("params").pipe(Flag.withDescription("JSON parameters for a module exporting (params) => Pipeline"), Flag.optional),
    workers: workersFlag,
    only: Flag.String("only").pipe(Flag.withDescription("run only this stage"), Flag.optional),
    force: forceFlag,
    executor: Flag.Literals("executor", ["local", "slurm"]).pipe(
      Flag.withDescription("local: worker threads on this machine; slurm: one job array per stage"),
      Flag.withDefault("local" as const)
    ),
    ...slurmFlags
  },
  (a) =>
    reportFailure(Effect.gen(function*() {
      const params = yield* parseParams(a.params)
      const only = Option.getOrUndefined(a.only)
      const printSummaries = (result: { readonly stages: ReadonlyArray<{ readonly stats: Parameters<typeof Progress.summary>[0] }> }) =>
        Console.log(result.stages.map((s) => Progress.summary(s.stats)).join("\n"))
      if (a.executor === "local") {
        return yield* runPipeline(a.pipeline, { workers: Option.getOrUndefined(a.workers), only, force: a.force, params }).pipe(Effect.tap(printSummaries))
      }
      const options = yield* submitOptions(a, { params, only, force: a.force })
      const manifest = yield* Slurm.submit(a.pipeline, options)
      const jobs = manifest.stages.map((s) => `${s.name}: ${s.submitted.length} task(s)${s.arrayJob === undefined ? "" : ` in job ${s.arrayJob}`}`)
      yield* Console.log(`submitted ${manifest.pipeline} to Slurm (run directory ${options.runDir})\n  ${jobs.join("\n  ")}`)
      if (a.detach) return yield* Console.log(`follow it with: pretrain jobs status ${options.runDir}`)
      return yield* Slurm.wait(options.runDir).pipe(Effect.tap(printSummaries))
    }))
).pipe(Command.withDescription("Run a pipeline module's stages; a rerun resumes where a crashed run stopped"))
