/**
 * Run one task of a stage, in the current thread: clean what an earlier attempt of the task left,
 * read the task's shard, apply the stage's steps, write the sink, write the rejected records, then
 * the completion marker. The executors (in-process or on worker threads) all go through
 * {@link runTask}.
 *
 * @since 0.1.0
 */
import { Cause, Data, Effect, Result, Stream } from "effect"
import * as zlib from "node:zlib"
import { describe, InputNotFound } from "../Errors.ts"
import { AtomicFile } from "../internal/atomic.ts"
import { encodeJson } from "../internal/jsonl/encode.ts"
import type { Stage } from "../Pipeline.ts"
import type { TaskCounters } from "../Progress.ts"
import type { Shard } from "../Shard.ts"
import { type Rejection, TaskStats, type TaskStatsJson, Telemetry } from "../Stats.ts"
import { writeMarker } from "./Markers.ts"
import { cleanTask, rejectsPath } from "./OutputDir.ts"

/**
 * Counters of a running task, reported to the executor while it runs (what a progress reporter shows).
 *
 * @since 0.1.0 @category models
 */
export type TaskProgress = TaskCounters

/**
 * Why one task failed. `inputNotFound` is set when the source could not find its input, so the
 * executor can surface {@link InputNotFound} itself.
 *
 * @since 0.1.0 @category errors
 */
export class TaskError extends Data.TaggedError("TaskError")<{
  readonly stage: string
  readonly task: number
  readonly reason: string
  readonly inputNotFound?: string | undefined
  readonly cause?: unknown
}> {
  override get message() {
    return `stage ${this.stage}, task ${this.task}: ${this.reason}`
  }
}

/** @since 0.1.0 @category models */
export interface RunTaskOptions {
  /** Called with the task's counters at most every `progressIntervalMs` while it runs, and once at the end. */
  readonly onProgress?: ((progress: TaskProgress) => void) | undefined
  /** Default 200. */
  readonly progressIntervalMs?: number | undefined
}

/**
 * One JSONL line (without newline) for a rejected record: the record's fields plus
 * `_reject_reason`, `_reject_operator` and, when known, `_reject_file` and `_reject_line`, encoded
 * like the JSONL sink encodes records (bigints as exact numbers, bytes as base64).
 *
 * @since 0.1.0 @category utils
 */
export const encodeRejection = (rejection: Rejection): string => {
  const out: Record<string, unknown> = { ...rejection.record }
  out._reject_reason = rejection.reason
  out._reject_operator = rejection.operator
  if (rejection.file !== undefined) out._reject_file = rejection.file
  if (rejection.line !== undefined) out._reject_line = rejection.line
  return encodeJson(out)
}

/** Text gathered before it is compressed as one zstd frame of the rejects part. */
const REJECTS_FRAME = 1 << 20

/**
 * The rejects part of one task, opened on the first rejection (no file when nothing is rejected):
 * JSONL compressed with zstd (level 3, content checksums), as frames of about 1 MiB of text, which
 * read back as one stream (`zstdcat`, `Rejects.readSync`, the JSONL source).
 */
class RejectsWriter {
  private file: AtomicFile | undefined
  private readonly path: string
  private pending: Array<string> = []
  private pendingLength = 0
  constructor(path: string) {
    this.path = path
  }

  write(rejections: ReadonlyArray<Rejection>): void {
    for (let i = 0; i < rejections.length; i++) {
      const line = encodeRejection(rejections[i]!) + "\n"
      this.pending.push(line)
      this.pendingLength += line.length
    }
    if (this.pendingLength >= REJECTS_FRAME) this.flush()
  }

  private flush(): void {
    if (this.pending.length === 0) return
    const frame = zlib.zstdCompressSync(Buffer.from(this.pending.join(""), "utf8"), {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 3, [zlib.constants.ZSTD_c_checksumFlag]: 1 }
    })
    this.pending = []
    this.pendingLength = 0
    this.file ??= new AtomicFile(this.path)
    this.file.write(frame)
  }

  commit(): void {
    this.flush()
    this.file?.commit()
    this.file = undefined
  }

  abort(): void {
    this.pending = []
    this.pendingLength = 0
    this.file?.abort()
    this.file = undefined
  }
}

/** Turn a task's failure cause into a {@link TaskError}; interruptions stay interruptions. */
const toTaskError = (stage: Stage, rank: number, cause: Cause.Cause<unknown>): Effect.Effect<never, TaskError> => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.interrupt
  const found = Cause.findError(cause)
  const error: unknown = Result.isSuccess(found) ? found.success : Cause.squash(cause)
  if (error instanceof TaskError) return Effect.fail(error)
  return Effect.fail(
    new TaskError({
      stage: stage.name,
      task: rank,
      reason: describe(error),
      inputNotFound: error instanceof InputNotFound ? error.path : undefined,
      cause: error
    })
  )
}

/**
 * Run task `rank` of `stage` in the current fiber and return its stats. Before it starts, whatever an
 * interrupted attempt of the same task left (parts, rejects part, temporary files, marker) is
 * removed; when it succeeds its outputs, its rejects part (only when something was rejected and
 * `stage.rejects`) and finally its marker are in place. On failure nothing of this attempt remains
 * but complete parts without a marker, which the next attempt removes.
 *
 * @since 0.1.0 @category execution
 */
export const runTask = (stage: Stage, rank: number, options: RunTaskOptions = {}): Effect.Effect<TaskStatsJson, TaskError> =>
  Effect.suspend(() => {
    const shard: Shard = { rank, world: stage.tasks }
    const dir = stage.sink.dir
    cleanTask(stage, rank)
    const stats = new TaskStats({ stage: stage.name, task: rank, tasks: stage.tasks, keepRejects: stage.rejects })
    const rejects = new RejectsWriter(rejectsPath(dir, rank))
    const interval = options.progressIntervalMs ?? 200
    const onProgress = options.onProgress
    let lastReport = -Infinity
    const report = (final: boolean) => {
      if (onProgress === undefined) return
      const now = performance.now()
      if (!final && now - lastReport < interval) return
      lastReport = now
      onProgress({
        stage: stage.name,
        task: rank,
        docsIn: stats.docsIn,
        bytesIn: stats.bytesIn,
        docsOut: stats.docsOut,
        bytesOut: stats.bytesOut
      })
    }
    const flush = () => {
      if (stage.rejects) rejects.write(stats.takeRejects())
    }
    const input = stage.source.read(shard).pipe(
      Stream.mapArray((chunk) => {
        flush()
        stats.read(chunk)
        report(false)
        return chunk
      })
    )
    const output = stage.steps(input).pipe(
      Stream.mapArray((chunk) => {
        stats.written(chunk)
        flush()
        report(false)
        return chunk
      })
    )
    return stage.sink.write(output, shard).pipe(
      Effect.flatMap(() =>
        Effect.sync(() => {
          flush()
          rejects.commit()
          const json = stats.toJSON()
          writeMarker(dir, stage.name, json)
          report(true)
          return json
        })
      ),
      Effect.onExit((exit) => exit._tag === "Success" ? Effect.void : Effect.sync(() => rejects.abort())),
      Effect.provideService(Telemetry, stats)
    )
  }).pipe(Effect.catchCause((cause) => toTaskError(stage, rank, cause)))
