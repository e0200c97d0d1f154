/**
 * Messages between the local executor and its worker threads.
 *
 * @since 0.1.0
 */
import type { TaskStatsJson } from "../Stats.ts"
import type { TaskProgress } from "./Task.ts"

/** Data every worker starts with. @since 0.1.0 */
export interface WorkerData {
  /** Absolute path of the pipeline module. */
  readonly modulePath: string
  /** Parameters for a pipeline module that exports a function. */
  readonly params?: unknown
  readonly progressIntervalMs: number
}

/** Parent → worker: run task `rank` of stage `stage`. @since 0.1.0 */
export interface RunMessage {
  readonly type: "run"
  readonly stage: string
  readonly rank: number
}

/** Worker → parent. @since 0.1.0 */
export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "load-error"; readonly message: string }
  | ({ readonly type: "progress" } & TaskProgress)
  | { readonly type: "done"; readonly rank: number; readonly stats: TaskStatsJson }
  | { readonly type: "failed"; readonly rank: number; readonly message: string; readonly inputNotFound?: string | undefined }
