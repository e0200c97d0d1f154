/**
 * Run a pipeline: its stages in order (a barrier between them), each stage's incomplete tasks on
 * worker threads (one per core by default; started once per run, each importing the pipeline module
 * once and running tasks of every stage), with completion markers, resume, merged stats and
 * progress. This is what `pretrain run <pipeline.ts> [--workers N] [--only STAGE] [--force]` calls.
 *
 * ```ts
 * import { runPipelinePromise } from "@pretrain/dataflow"
 *
 * const result = await runPipelinePromise("pipelines/small-files.ts", { workers: 4 })
 * for (const s of result.stages) console.log(s.stage, s.stats.docsIn, s.stats.docsOut)
 * ```
 *
 * @since 0.1.0
 */
import * as os from "node:os"
import * as path from "node:path"
import { Cause, Effect, Exit, Result } from "effect"
import type { InputNotFound, OutputNotEmpty, StageFailed } from "./Errors.ts"
import { PipelineDefinitionError } from "./Errors.ts"
import { loadPipeline } from "./executors/Load.ts"
import { checkStages } from "./executors/Validate.ts"
import { runStage, type StageResult } from "./executors/LocalExecutor.ts"
import { WorkerPool } from "./executors/WorkerPool.ts"
import type { Pipeline } from "./Pipeline.ts"
import * as Progress from "./Progress.ts"

export type { StageResult } from "./executors/LocalExecutor.ts"

/** @since 0.1.0 @category models */
export interface RunOptions {
  /**
   * Worker threads (a stage uses no more than its incomplete tasks). They are started once per
   * run, when the first stage needing them begins, import the pipeline module once and run the
   * tasks of every stage. Default: one per core (`os.availableParallelism()`) for a pipeline given
   * by module path; `0` (in-process) for a pipeline given as an object, which worker threads cannot
   * import. The outputs never depend on it.
   */
  readonly workers?: number | undefined
  /**
   * Parameters for a pipeline module whose export is a function `(params) => Pipeline` (JSON data:
   * each worker thread imports the module and calls it with the same value).
   */
  readonly params?: unknown
  /** Run only this stage (its input, e.g. an earlier stage's output, must exist). */
  readonly only?: string | undefined
  /**
   * Asked when a stage's turn comes (after the barrier of the stage before it, so it may look at
   * that stage's output): `true` leaves the stage out of this run (it does not run and is not in the
   * result), e.g. an iteration that is no longer needed once an earlier one has converged.
   */
  readonly skip?: ((stage: string) => boolean) | undefined
  /** Delete everything the run's stages wrote before (parts, rejects, markers, stats) and rerun every task. */
  readonly force?: boolean | undefined
  /**
   * Send plain progress lines to this function. Default: a progress bar on standard error when it
   * is a terminal, plain lines on standard error otherwise.
   */
  readonly log?: ((line: string) => void) | undefined
  /** Show no progress at all (overrides `log`). */
  readonly quiet?: boolean | undefined
  /** A custom progress reporter (overrides `log` and `quiet`). */
  readonly reporter?: Progress.Reporter | undefined
}

/** @since 0.1.0 @category models */
export interface RunResult {
  readonly pipeline: string
  /** One entry per stage run, in order. */
  readonly stages: ReadonlyArray<StageResult>
}

/** @since 0.1.0 @category models */
export type RunError = PipelineDefinitionError | OutputNotEmpty | StageFailed | InputNotFound

const definitionError = (module: string, reason: string) => new PipelineDefinitionError({ module, reason })

/** Check what the executor relies on: known `only`, one output directory per stage, a valid `workers`. */
const validate = (pipeline: Pipeline, module: string, options: RunOptions) => {
  const invalid = checkStages(pipeline, module, options.only)
  if (invalid !== undefined) return invalid
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 0)) {
    return definitionError(module, `workers must be a non-negative integer, got ${options.workers}`)
  }
  return undefined
}

const reporterFor = (options: RunOptions): Progress.Reporter =>
  options.reporter ?? (options.quiet ? Progress.none : options.log !== undefined ? Progress.lines(options.log) : Progress.auto())

/**
 * Run a pipeline given by module path (absolute or relative to the current directory; the module's
 * default export or its `pipeline` export) or as a {@link Pipeline} object (in-process only).
 * Completed tasks of an earlier run are skipped, so rerunning after a crash resumes it; the merged
 * per-stage stats are returned and written to each stage's `<sink.dir>/stats.json`.
 *
 * Fails with {@link PipelineDefinitionError} (module cannot be loaded, unknown `only`, two stages
 * writing to one directory, worker threads asked for a pipeline object), {@link OutputNotEmpty}
 * (foreign files in an output directory; nothing touched), {@link InputNotFound} (a stage's input is
 * missing) or {@link StageFailed} (tasks failed; the other tasks completed and a rerun resumes).
 *
 * @since 0.1.0 @category execution
 */
export const runPipeline: (pipeline: string | Pipeline, options?: RunOptions) => Effect.Effect<RunResult, RunError> = Effect.fn(
  "runPipeline"
)(
  function*(pipeline: string | Pipeline, options: RunOptions = {}) {
    const modulePath = typeof pipeline === "string" ? path.resolve(pipeline) : undefined
    const loaded = typeof pipeline === "string" ? yield* loadPipeline(modulePath!, options.params) : pipeline
    const module = typeof pipeline === "string" ? pipeline : `(pipeline ${loaded.name})`
    const invalid = validate(loaded, module, options)
    if (invalid !== undefined) return yield* invalid
    const workers = options.workers ?? (modulePath === undefined ? 0 : os.availableParallelism())
    if (workers > 0 && modulePath === undefined) {
      return yield* definitionError(module, "a pipeline given as an object runs in-process (workers: 0); pass its module path to run on worker threads")
    }
    const stages = options.only === undefined ? loaded.stages : loaded.stages.filter((s) => s.name === options.only)
    const reporter = reporterFor(options)
    const results: Array<StageResult> = []
    // one pool for the whole run: each worker imports the module once and runs tasks of every stage
    const pool = workers > 0 ? new WorkerPool({ modulePath: modulePath!, params: options.params }) : undefined
    yield* Effect.forEach(stages, (stage, i) =>
      options.skip?.(stage.name) === true ? Effect.void : runStage(stage, {
        workers,
        modulePath,
        params: options.params,
        force: options.force,
        reporter,
        index: i + 1,
        count: stages.length,
        pool
      }).pipe(Effect.map((r) => results.push(r))), { discard: true }).pipe(
      Effect.ensuring(Effect.promise(() => pool?.close() ?? Promise.resolve())),
      Effect.ensuring(Effect.sync(() => reporter.close()))
    )
    return { pipeline: loaded.name, stages: results }
  }
)

/**
 * Promise form of {@link runPipeline}: resolves to the per-stage results, rejects with the typed
 * error ({@link StageFailed}, {@link OutputNotEmpty}, ...).
 *
 * @since 0.1.0 @category execution
 */
export const runPipelinePromise = async (pipeline: string | Pipeline, options: RunOptions = {}): Promise<RunResult> => {
  const exit = await Effect.runPromiseExit(runPipeline(pipeline, options))
  if (Exit.isSuccess(exit)) return exit.value
  const found = Cause.findError(exit.cause)
  throw Result.isSuccess(found) ? found.success : Cause.squash(exit.cause)
}
