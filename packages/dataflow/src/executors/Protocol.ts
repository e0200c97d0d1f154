/**
 * Messages between the local executor and its worker threads.
 *
 * @since 0.1.0
 */
import type { TaskStatsJson } from "../Stats.ts"
import type { TaskProgress } from "./Task.ts"

/** Data every worker starts with: what it imports once and keeps for every stage of the run. @since 0.1.0 */
export interface WorkerData {
  /** Absolute path of the pipeline module. */
  readonly modulePath: string
  /** Parameters for a pipeline module that exports a function. */
  readonly params?: unknown
}

/** Parent → worker: run task `rank` of stage `stage` (any stage of the pipeline). @since 0.1.0 */
export interface RunMessage {
  readonly type: "run"
  readonly stage: string
  readonly rank: number
  /** How often the task reports its counters. */
  readonly progressIntervalMs: number
}

/** Worker → parent. @since 0.1.0 */
export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "load-error"; readonly message: string }
  | ({ readonly type: "progress" } & TaskProgress)
  | { readonly type: "done"; readonly rank: number; readonly stats: TaskStatsJson }
  | { readonly type: "failed"; readonly rank: number; readonly message: string; readonly inputNotFound?: string | undefined }
