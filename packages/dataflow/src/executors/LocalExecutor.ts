/**
 * The local executor: runs a stage's incomplete tasks on a {@link WorkerPool} of
 * `node:worker_threads` (the run's pool, shared by its stages, or one of the stage's own) or
 * in-process, one after another; skips tasks whose completion marker exists, and merges the tasks'
 * stats into `<sink.dir>/stats.json` once every task is complete.
 *
 * Failure policy (like datatrove's local executor): a task that fails, or whose worker dies, leaves
 * no output (its parts, rejects part and temporary files are removed) and does not stop the others.
 * Every remaining task still runs, so the rerun has as little left to do as possible; then the stage fails with {@link StageFailed} naming each failed task and its error
 * (or with {@link InputNotFound} when every failed task failed because its input is missing).
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import { InputNotFound, OutputNotEmpty, PipelineDefinitionError, StageFailed } from "../Errors.ts"
import type { Stage } from "../Pipeline.ts"
import * as Progress from "../Progress.ts"
import type { StageStatsJson, TaskStatsJson } from "../Stats.ts"
import { completeStage } from "./Barrier.ts"
import { readMarker } from "./Markers.ts"
import * as OutputDir from "./OutputDir.ts"
import type { WorkerData } from "./Protocol.ts"
import { runTask, type TaskError } from "./Task.ts"
import { WorkerPool } from "./WorkerPool.ts"

export { WorkerPool } from "./WorkerPool.ts"

/** @since 0.1.0 @category models */
export interface StageOptions {
  /** Worker threads; `0` runs the tasks one after another in the current thread. */
  readonly workers: number
  /** Absolute path of the module exporting the pipeline; required when `workers > 0`. */
  readonly modulePath?: string | undefined
  /** Parameters for a pipeline module that exports a function (JSON data). */
  readonly params?: unknown
  /** Delete everything the stage wrote before (parts, rejects, markers, stats) and rerun every task. */
  readonly force?: boolean | undefined
  readonly reporter?: Progress.Reporter | undefined
  /** Position of this stage in the run, for progress display. */
  readonly index?: number | undefined
  readonly count?: number | undefined
  /** How often running tasks report their counters (default 200 ms). */
  readonly progressIntervalMs?: number | undefined
  /**
   * Worker threads shared with the other stages of a run (`runPipeline` passes one per run; they
   * must have imported `modulePath` with `params`). Without it the stage starts its own workers and
   * stops them when it ends.
   */
  readonly pool?: WorkerPool | undefined
}

/** @since 0.1.0 @category models */
export interface StageResult {
  readonly stage: string
  readonly dir: string
  /** Tasks run by this call. */
  readonly ran: ReadonlyArray<number>
  /** Tasks skipped because their completion marker was present. */
  readonly skipped: ReadonlyArray<number>
  /** The merged stats, as written to `<dir>/stats.json`. */
  readonly stats: StageStatsJson
}

/** @since 0.1.0 @category models */
export type StageError = OutputNotEmpty | StageFailed | InputNotFound | PipelineDefinitionError

type TaskOutcome = Result.Result<TaskStatsJson, TaskError>

/** One task's attempt, settled: a failure removes what it wrote; the reporter hears of either outcome. */
const settle = (stage: Stage, rank: number, reporter: Progress.Reporter) => (attempt: Effect.Effect<TaskStatsJson, TaskError>): Effect.Effect<TaskOutcome> =>
  attempt.pipe(
    Effect.onError(() => Effect.sync(() => OutputDir.cleanTask(stage, rank))),
    Effect.tap((stats) => Effect.sync(() => reporter.taskDone(stats))),
    Effect.tapError((e) => Effect.sync(() => reporter.taskFailed(rank, e.reason))),
    Effect.result
  )

/** Run `ranks` on at most `size` workers of `pool` at once, handing tasks out in order as workers free up. */
const runOnWorkers = (
  stage: Stage,
  ranks: ReadonlyArray<number>,
  size: number,
  pool: WorkerPool,
  reporter: Progress.Reporter,
  progressIntervalMs: number
): Effect.Effect<Array<TaskOutcome>> =>
  Effect.forEach(ranks, (rank) =>
    pool.run(stage.name, rank, { onProgress: reporter.taskProgress, progressIntervalMs }).pipe(settle(stage, rank, reporter)), {
    concurrency: size
  })

/** The run's pool when one is given; otherwise a pool of this stage's own, stopped when it ends. */
const withPool = <A, E>(given: WorkerPool | undefined, data: WorkerData, use: (pool: WorkerPool) => Effect.Effect<A, E>) =>
  given !== undefined
    ? use(given)
    : Effect.acquireUseRelease(Effect.sync(() => new WorkerPool(data)), use, (pool) => Effect.promise(() => pool.close()))

/** Run `ranks` one after another in the current thread. */
const runInProcess = (stage: Stage, ranks: ReadonlyArray<number>, reporter: Progress.Reporter, progressIntervalMs: number) =>
  Effect.forEach(ranks, (rank) => runTask(stage, rank, { onProgress: reporter.taskProgress, progressIntervalMs }).pipe(settle(stage, rank, reporter)))

/**
 * Run one stage: check its output directory (foreign files fail with {@link OutputNotEmpty} and
 * nothing is touched), remove leftovers of interrupted attempts (or, with `force`, everything the
 * stage wrote), run every task without a completion marker, run the sink's `finalize` (when it has
 * one) once every task is complete, then write the merged `<sink.dir>/stats.json`. A failing
 * finalize fails the stage with {@link StageFailed} (naming the task whose part it could not
 * rewrite, or task -1); the rerun finalizes again.
 *
 * @since 0.1.0 @category execution
 */
export const runStage: (stage: Stage, options: StageOptions) => Effect.Effect<StageResult, StageError> = Effect.fn(
  "LocalExecutor.runStage"
)(
  function*(stage: Stage, options: StageOptions) {
    const reporter = options.reporter ?? Progress.none
    const force = options.force ?? false
    const dir = stage.sink.dir
    yield* OutputDir.check(stage, { force })
    const ranks = Array.from({ length: stage.tasks }, (_, r) => r)
    const { pending, skipped } = yield* Effect.sync(() => {
      if (force) OutputDir.clearStage(stage)
      OutputDir.removeAllTemporaries(stage)
      const pending = ranks.filter((r) => readMarker(dir, stage.name, r) === undefined)
      if (pending.length > 0) OutputDir.removeStageStats(stage)
      return { pending, skipped: ranks.filter((r) => !pending.includes(r)) }
    })
    const workers = Math.min(options.workers, pending.length)
    if (workers > 0 && options.modulePath === undefined && options.pool === undefined) {
      return yield* new PipelineDefinitionError({
        module: "(pipeline object)",
        reason: "worker threads import the pipeline by module path: pass the module path, or run with workers: 0"
      })
    }
    reporter.stageStarted({
      stage: stage.name,
      index: options.index ?? 1,
      count: options.count ?? 1,
      tasks: stage.tasks,
      skipped: skipped.length,
      workers,
      dir
    })
    const progressIntervalMs = options.progressIntervalMs ?? 200
    const outcomes: Array<TaskOutcome> = pending.length === 0
      ? []
      : workers === 0
      ? yield* runInProcess(stage, pending, reporter, progressIntervalMs)
      : yield* withPool(
        options.pool,
        { modulePath: options.modulePath!, params: options.params },
        (pool) => runOnWorkers(stage, pending, workers, pool, reporter, progressIntervalMs)
      )

    const failures: Array<TaskError> = []
    for (const o of outcomes) if (Result.isFailure(o)) failures.push(o.failure)
    if (failures.length > 0) {
      failures.sort((a, b) => a.task - b.task)
      const error = failures.every((f) => f.inputNotFound !== undefined)
        ? new InputNotFound({ path: failures[0]!.inputNotFound! })
        : new StageFailed({ stage: stage.name, failures: failures.map((f) => ({ task: f.task, message: f.reason })) })
      reporter.stageFailed(stage.name, error.message)
      return yield* error
    }

    const merged = yield* completeStage(stage).pipe(Effect.tapError((error) => Effect.sync(() => reporter.stageFailed(stage.name, error.message))))
    reporter.stageFinished(merged)
    return { stage: stage.name, dir, ran: pending, skipped, stats: merged }
  }
)
