/**
 * The worker threads of one run. A worker imports the pipeline module once and then runs tasks of
 * every stage, so a multi-stage pipeline pays the start-up (a fresh thread importing and
 * compiling the module graph) once per worker per run instead of once per worker per stage.
 * Workers start lazily, when a task finds none free, so there are never more than the widest
 * stage's concurrency; a worker that crashed or was stopped mid-task is dropped, and the next
 * task starts a fresh one in its place. Idle workers do not keep Node's event loop alive.
 *
 * @since 0.1.0
 */
import { Worker } from "node:worker_threads"
import { Effect } from "effect"
import { describe } from "../Errors.ts"
import type { TaskStatsJson } from "../Stats.ts"
import type { RunMessage, WorkerData, WorkerMessage } from "./Protocol.ts"
import { TaskError, type TaskProgress } from "./Task.ts"

/** Where the worker entry is: `worker.ts` next to this file when running from sources, `worker.js` from `dist/`. */
const workerUrl = (): URL => new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url)

const firstLines = (stack: string): string => stack.split("\n").slice(0, 3).join("\n")

/** What a worker is told to run, and whom to tell about it. */
interface Running {
  readonly message: RunMessage
  readonly onProgress: (p: TaskProgress) => void
  readonly resume: (effect: Effect.Effect<TaskStatsJson, TaskError>) => void
  sent: boolean
}

/** One worker thread; runs one task at a time, of any stage. */
class PooledWorker {
  private readonly worker: Worker
  dead = false
  /** Why the pipeline module could not be loaded in this worker, if it could not. */
  loadError: string | undefined
  private ready = false
  private deathReason: string | undefined
  private current: Running | undefined

  constructor(data: WorkerData) {
    this.worker = new Worker(workerUrl(), { workerData: data })
    this.worker.on("message", (m: WorkerMessage) => this.onMessage(m))
    this.worker.on("error", (e) => this.onDeath(`worker crashed: ${e instanceof Error && e.stack ? firstLines(e.stack) : describe(e)}`))
    this.worker.on("exit", (code) => this.onDeath(`worker exited with code ${code}`))
  }

  run(message: RunMessage, onProgress: (p: TaskProgress) => void): Effect.Effect<TaskStatsJson, TaskError> {
    return Effect.callback<TaskStatsJson, TaskError>((resume) => {
      if (this.dead) {
        resume(Effect.fail(new TaskError({ stage: message.stage, task: message.rank, reason: this.deathReason ?? "worker is gone" })))
        return
      }
      // a task in flight keeps the process alive until it answers
      this.worker.ref()
      this.current = { message, onProgress, resume, sent: false }
      this.dispatch()
      // interrupted: stop the thread (and wait for it), so nothing of this task is written afterwards
      return Effect.suspend(() => {
        if (this.current?.message !== message) return Effect.void
        this.current = undefined
        return Effect.promise(() => this.terminate())
      })
    })
  }

  /** Back in the pool, waiting: an idle worker does not keep the process alive. */
  idle(): void {
    if (!this.dead) this.worker.unref()
  }

  /** Stop the thread; resolves once it is gone. */
  terminate(): Promise<number> {
    this.dead = true
    // keep the event loop alive until the thread has exited, so waiting for it completes
    this.worker.ref()
    return this.worker.terminate()
  }

  private dispatch() {
    const c = this.current
    if (c === undefined || c.sent || !this.ready) return
    c.sent = true
    this.worker.postMessage(c.message)
  }

  private finish(effect: (c: Running) => Effect.Effect<TaskStatsJson, TaskError>) {
    const c = this.current
    if (c === undefined) return
    this.current = undefined
    c.resume(effect(c))
  }

  private fail(reason: string) {
    this.finish((c) => Effect.fail(new TaskError({ stage: c.message.stage, task: c.message.rank, reason })))
  }

  private onMessage(m: WorkerMessage) {
    switch (m.type) {
      case "ready":
        this.ready = true
        this.dispatch()
        return
      case "load-error":
        this.dead = true
        this.loadError = this.deathReason = `cannot load the pipeline in a worker: ${m.message}`
        this.fail(this.deathReason)
        return
      case "progress":
        this.current?.onProgress(m)
        return
      case "done":
        this.finish(() => Effect.succeed(m.stats))
        return
      case "failed":
        this.finish((c) =>
          Effect.fail(new TaskError({ stage: c.message.stage, task: c.message.rank, reason: m.message, inputNotFound: m.inputNotFound }))
        )
        return
    }
  }

  private onDeath(reason: string) {
    if (this.dead && this.current === undefined) return
    this.dead = true
    this.deathReason ??= reason
    this.fail(this.deathReason)
  }
}

/**
 * Worker threads for one pipeline module and its parameters, shared by every stage of a run.
 * `run` hands a task to a free worker (starting one when none is free); the caller bounds how many
 * tasks run at once. `close` stops every worker; call it once the run is over.
 *
 * @since 0.1.0 @category models
 */
export class WorkerPool {
  private readonly data: WorkerData
  private readonly free: Array<PooledWorker> = []
  private readonly live = new Set<PooledWorker>()
  private startedCount = 0
  private loadError: string | undefined

  constructor(data: WorkerData) {
    this.data = data
  }

  /** Worker threads started so far, replacements of crashed ones included. */
  get started(): number {
    return this.startedCount
  }

  /**
   * Run task `rank` of `stage` on a worker. When the task fails because its worker died (crash,
   * `process.exit`, load failure), the worker is gone once this fails, so the caller may clean the
   * task's outputs; interrupting it stops the worker.
   */
  run(stage: string, rank: number, options: { readonly onProgress: (p: TaskProgress) => void; readonly progressIntervalMs: number }): Effect.Effect<TaskStatsJson, TaskError> {
    const message: RunMessage = { type: "run", stage, rank, progressIntervalMs: options.progressIntervalMs }
    return Effect.suspend(() =>
      // a module that cannot be loaded in a worker fails every later task the same way: start no more workers for it
      this.loadError !== undefined
        ? Effect.fail(new TaskError({ stage, task: rank, reason: this.loadError }))
        : Effect.acquireUseRelease(
          Effect.sync(() => this.acquire()),
          (w) =>
            w.run(message, options.onProgress).pipe(
              // a dead worker may have been stopped mid-write: wait until its thread is gone
              Effect.tapError(() => w.dead ? Effect.promise(() => this.drop(w)) : Effect.void)
            ),
          (w) => Effect.sync(() => this.release(w))
        )
    )
  }

  /** Stop every worker and wait until their threads are gone. */
  close(): Promise<void> {
    const all = [...this.live]
    this.live.clear()
    this.free.length = 0
    return Promise.all(all.map((w) => w.terminate())).then(() => undefined)
  }

  private acquire(): PooledWorker {
    for (let w = this.free.pop(); w !== undefined; w = this.free.pop()) if (!w.dead) return w
    const fresh = new PooledWorker(this.data)
    this.live.add(fresh)
    this.startedCount++
    return fresh
  }

  private release(w: PooledWorker): void {
    if (w.dead) {
      void this.drop(w)
      return
    }
    w.idle()
    this.free.push(w)
  }

  private drop(w: PooledWorker): Promise<number> {
    this.loadError ??= w.loadError
    this.live.delete(w)
    return w.terminate()
  }
}
