/**
 * The local executor: runs a stage's incomplete tasks on a pool of `node:worker_threads` (or
 * in-process, one after another), skips tasks whose completion marker exists, and merges the
 * tasks' stats into `<sink.dir>/stats.json` once every task is complete.
 *
 * Failure policy (like datatrove's local executor): a task that fails, or whose worker dies, leaves
 * no output (its parts, rejects part and temporary files are removed) and does not stop the others. Every remaining task still runs, so the rerun has as little left to do as
 * possible; then the stage fails with {@link StageFailed} naming each failed task and its error
 * (or with {@link InputNotFound} when every failed task failed because its input is missing).
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { Effect, Result } from "effect"
import { describe, InputNotFound, OutputNotEmpty, PipelineDefinitionError, StageFailed } from "../Errors.ts"
import { writeFileAtomic } from "../internal/atomic.ts"
import type { Stage } from "../Pipeline.ts"
import * as Progress from "../Progress.ts"
import { mergeStats, type StageStatsJson, type TaskStatsJson } from "../Stats.ts"
import { readMarker } from "./Markers.ts"
import * as OutputDir from "./OutputDir.ts"
import type { RunMessage, WorkerData, WorkerMessage } from "./Protocol.ts"
import { runTask, TaskError, type TaskProgress } from "./Task.ts"

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

/** Where the worker entry is: `worker.ts` next to this file when running from sources, `worker.js` from `dist/`. */
const workerUrl = (): URL => new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url)

interface Running {
  readonly stage: string
  readonly rank: number
  readonly onProgress: (p: TaskProgress) => void
  readonly resume: (effect: Effect.Effect<TaskStatsJson, TaskError>) => void
  sent: boolean
}

/** One worker thread; runs one task at a time. */
class PooledWorker {
  readonly worker: Worker
  dead = false
  private ready = false
  private deathReason: string | undefined
  private current: Running | undefined

  constructor(data: WorkerData) {
    this.worker = new Worker(workerUrl(), { workerData: data })
    this.worker.on("message", (m: WorkerMessage) => this.onMessage(m))
    this.worker.on("error", (e) => this.onDeath(`worker crashed: ${e instanceof Error && e.stack ? firstLines(e.stack) : describe(e)}`))
    this.worker.on("exit", (code) => this.onDeath(`worker exited with code ${code}`))
  }

  run(stage: string, rank: number, onProgress: (p: TaskProgress) => void): Effect.Effect<TaskStatsJson, TaskError> {
    return Effect.callback<TaskStatsJson, TaskError>((resume) => {
      if (this.dead) {
        resume(Effect.fail(new TaskError({ stage, task: rank, reason: this.deathReason ?? "worker is gone" })))
        return
      }
      this.current = { stage, rank, onProgress, resume, sent: false }
      this.dispatch()
      // interrupted: stop the thread (and wait for it), so nothing of this task is written afterwards
      return Effect.suspend(() => {
        if (this.current?.rank !== rank) return Effect.void
        this.current = undefined
        return Effect.promise(() => this.terminate())
      })
    })
  }

  terminate(): Promise<number> {
    this.dead = true
    return this.worker.terminate()
  }

  private dispatch() {
    const c = this.current
    if (c === undefined || c.sent || !this.ready) return
    c.sent = true
    const message: RunMessage = { type: "run", stage: c.stage, rank: c.rank }
    this.worker.postMessage(message)
  }

  private finish(effect: (c: Running) => Effect.Effect<TaskStatsJson, TaskError>) {
    const c = this.current
    if (c === undefined) return
    this.current = undefined
    c.resume(effect(c))
  }

  private onMessage(m: WorkerMessage) {
    switch (m.type) {
      case "ready":
        this.ready = true
        this.dispatch()
        return
      case "load-error":
        this.dead = true
        this.deathReason = `cannot load the pipeline in a worker: ${m.message}`
        this.finish((c) => Effect.fail(new TaskError({ stage: c.stage, task: c.rank, reason: this.deathReason! })))
        return
      case "progress":
        this.current?.onProgress(m)
        return
      case "done":
        this.finish(() => Effect.succeed(m.stats))
        return
      case "failed":
        this.finish((c) => Effect.fail(new TaskError({ stage: c.stage, task: c.rank, reason: m.message, inputNotFound: m.inputNotFound })))
        return
    }
  }

  private onDeath(reason: string) {
    if (this.dead && this.current === undefined) return
    this.dead = true
    this.deathReason ??= reason
    this.finish((c) => Effect.fail(new TaskError({ stage: c.stage, task: c.rank, reason: this.deathReason! })))
  }
}

const firstLines = (stack: string): string => stack.split("\n").slice(0, 3).join("\n")

type TaskOutcome = Result.Result<TaskStatsJson, TaskError>

/** Run `ranks` on a pool of `size` worker threads, handing tasks out in order as workers free up. */
const runOnWorkers = (
  stage: Stage,
  ranks: ReadonlyArray<number>,
  size: number,
  data: WorkerData,
  reporter: Progress.Reporter
): Effect.Effect<Array<TaskOutcome>> => {
  const free: Array<PooledWorker> = []
  const all: Array<PooledWorker> = []
  const acquire = Effect.sync(() => {
    for (let w = free.pop(); w !== undefined; w = free.pop()) if (!w.dead) return w
    const fresh = new PooledWorker(data)
    all.push(fresh)
    return fresh
  })
  const release = (w: PooledWorker) =>
    Effect.sync(() => {
      if (!w.dead) free.push(w)
    })
  const one = (rank: number) =>
    Effect.acquireUseRelease(
      acquire,
      (w) =>
        w.run(stage.name, rank, reporter.taskProgress).pipe(
          // a dead worker may have been stopped mid-write: wait until its thread is gone, then clean
          Effect.tapError(() => w.dead ? Effect.promise(() => w.terminate()) : Effect.void)
        ),
      release
    ).pipe(
      Effect.onError(() => Effect.sync(() => OutputDir.cleanTask(stage, rank))),
      Effect.tap((stats) => Effect.sync(() => reporter.taskDone(stats))),
      Effect.tapError((e) => Effect.sync(() => reporter.taskFailed(rank, e.reason))),
      Effect.result
    )
  return Effect.forEach(ranks, one, { concurrency: size }).pipe(
    Effect.ensuring(Effect.promise(() => Promise.all(all.map((w) => w.terminate()))))
  )
}

/** Run `ranks` one after another in the current thread. */
const runInProcess = (stage: Stage, ranks: ReadonlyArray<number>, reporter: Progress.Reporter, progressIntervalMs: number) =>
  Effect.forEach(ranks, (rank) =>
    runTask(stage, rank, { onProgress: reporter.taskProgress, progressIntervalMs }).pipe(
      Effect.onError(() => Effect.sync(() => OutputDir.cleanTask(stage, rank))),
      Effect.tap((stats) => Effect.sync(() => reporter.taskDone(stats))),
      Effect.tapError((e) => Effect.sync(() => reporter.taskFailed(rank, e.reason))),
      Effect.result
    ))

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
    if (workers > 0 && options.modulePath === undefined) {
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
      : yield* runOnWorkers(stage, pending, workers, { modulePath: options.modulePath!, params: options.params, progressIntervalMs }, reporter)

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

    const perTask: Array<TaskStatsJson> = []
    for (const r of ranks) {
      const stats = readMarker(dir, stage.name, r)
      if (stats === undefined) {
        const error = new StageFailed({ stage: stage.name, failures: [{ task: r, message: "completion marker missing after the task ran" }] })
        reporter.stageFailed(stage.name, error.message)
        return yield* error
      }
      perTask.push(stats)
    }
    if (stage.sink.finalize !== undefined) {
      const finalized = yield* Effect.result(stage.sink.finalize(dir))
      if (Result.isFailure(finalized)) {
        // reported as a failure of the task whose file it names; a rerun skips the tasks and finalizes again
        const file = path.basename(finalized.failure.file)
        const error = new StageFailed({
          stage: stage.name,
          failures: [{ task: ranks.find((r) => stage.sink.ownsTaskFile(file, r)) ?? -1, message: `finalize: ${finalized.failure.message}` }]
        })
        reporter.stageFailed(stage.name, error.message)
        return yield* error
      }
    }
    const merged = mergeStats(stage.name, stage.tasks, perTask)
    yield* Effect.sync(() => writeFileAtomic(OutputDir.statsPath(stage), JSON.stringify(merged, null, 2) + "\n"))
    reporter.stageFinished(merged)
    return { stage: stage.name, dir, ran: pending, skipped, stats: merged }
  }
)
