/**
 * Per-task counters (documents and bytes in and out, drops per reason, time per operator) and their
 * merge into per-stage statistics. Plain mutable objects: operators update them from their chunk
 * loops without any Effect per document.
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import { byteLength } from "./Doc.ts"

/** @since 0.1.0 @category models */
export interface OperatorStats {
  docsIn: number
  docsOut: number
  /** Documents dropped by this operator, per reason. */
  drops: Record<string, number>
  /** Milliseconds spent inside this operator's own function. */
  timeMs: number
}

/** @since 0.1.0 @category models */
export interface TaskStatsJson {
  readonly stage: string
  readonly task: number
  readonly tasks: number
  readonly docsIn: number
  readonly bytesIn: number
  readonly docsOut: number
  readonly bytesOut: number
  readonly drops: Record<string, number>
  readonly operators: Record<string, OperatorStats>
  readonly wallMs: number
}

/** @since 0.1.0 @category models */
export interface StageStatsJson extends Omit<TaskStatsJson, "task"> {
  readonly tasksCompleted: number
  readonly perTask: ReadonlyArray<TaskStatsJson>
}

/**
 * A dropped record with why and where it was dropped. `record` is the Doc itself or, for input that
 * never became a Doc (a malformed JSONL line), the raw text.
 *
 * @since 0.1.0 @category models
 */
export interface Rejection {
  readonly record: Record<string, unknown>
  readonly reason: string
  readonly operator: string
  readonly file?: string | undefined
  readonly line?: number | undefined
}

const sizeOf = (item: unknown): number => {
  const content = (item as { content?: unknown } | null)?.content
  return typeof content === "string" ? byteLength(content) : 0
}

/**
 * Mutable counters of one task. Operators find it through the {@link Telemetry} reference; outside
 * an executor a fresh, unobserved instance is used, so operators work anywhere.
 *
 * @since 0.1.0 @category models
 */
export class TaskStats {
  docsIn = 0
  bytesIn = 0
  docsOut = 0
  bytesOut = 0
  readonly drops: Record<string, number> = {}
  readonly operators: Record<string, OperatorStats> = {}
  private pending: Array<Rejection> = []
  private readonly started = performance.now()

  readonly stage: string
  readonly task: number
  readonly tasks: number
  /** Keep rejected records for a rejects sink (counters are always kept). */
  readonly keepRejects: boolean

  constructor(options: { stage?: string; task?: number; tasks?: number; keepRejects?: boolean } = {}) {
    this.stage = options.stage ?? ""
    this.task = options.task ?? 0
    this.tasks = options.tasks ?? 1
    this.keepRejects = options.keepRejects ?? false
  }

  /** Counters of one named operator (created on first use). */
  operator(name: string): OperatorStats {
    return (this.operators[name] ??= { docsIn: 0, docsOut: 0, drops: {}, timeMs: 0 })
  }

  /** Count documents read by the source. */
  read(items: ReadonlyArray<unknown>): void {
    this.docsIn += items.length
    for (let i = 0; i < items.length; i++) this.bytesIn += sizeOf(items[i])
  }

  /** Count documents handed to the sink. */
  written(items: ReadonlyArray<unknown>): void {
    this.docsOut += items.length
    for (let i = 0; i < items.length; i++) this.bytesOut += sizeOf(items[i])
  }

  /** Record a dropped record with its reason and the operator that dropped it. */
  reject(rejection: Rejection): void {
    this.drops[rejection.reason] = (this.drops[rejection.reason] ?? 0) + 1
    const op = this.operator(rejection.operator)
    op.drops[rejection.reason] = (op.drops[rejection.reason] ?? 0) + 1
    if (this.keepRejects) this.pending.push(rejection)
  }

  /** Rejections recorded since the last call (only when `keepRejects`). */
  takeRejects(): Array<Rejection> {
    const out = this.pending
    this.pending = []
    return out
  }

  toJSON(): TaskStatsJson {
    return {
      stage: this.stage,
      task: this.task,
      tasks: this.tasks,
      docsIn: this.docsIn,
      bytesIn: this.bytesIn,
      docsOut: this.docsOut,
      bytesOut: this.bytesOut,
      drops: { ...this.drops },
      operators: structuredClone(this.operators),
      wallMs: Math.round(performance.now() - this.started)
    }
  }
}

/**
 * The current task's counters. Executors provide one per task; without one, operators count into a
 * fresh instance nobody reads.
 *
 * @since 0.1.0 @category services
 */
export const Telemetry = Context.Reference<TaskStats>("@pretrain/dataflow/Telemetry", {
  defaultValue: () => new TaskStats()
})

const addInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v
}

/**
 * Merge the stats of a stage's tasks (in task order) into one stage summary.
 *
 * @since 0.1.0 @category combinators
 */
export const mergeStats = (stage: string, tasks: number, perTask: ReadonlyArray<TaskStatsJson>): StageStatsJson => {
  const sorted = [...perTask].sort((a, b) => a.task - b.task)
  const drops: Record<string, number> = {}
  const operators: Record<string, OperatorStats> = {}
  let docsIn = 0, bytesIn = 0, docsOut = 0, bytesOut = 0, wallMs = 0
  for (const t of sorted) {
    docsIn += t.docsIn
    bytesIn += t.bytesIn
    docsOut += t.docsOut
    bytesOut += t.bytesOut
    wallMs = Math.max(wallMs, t.wallMs)
    addInto(drops, t.drops)
    for (const [name, op] of Object.entries(t.operators)) {
      const into = (operators[name] ??= { docsIn: 0, docsOut: 0, drops: {}, timeMs: 0 })
      into.docsIn += op.docsIn
      into.docsOut += op.docsOut
      into.timeMs += op.timeMs
      addInto(into.drops, op.drops)
    }
  }
  return {
    stage,
    tasks,
    tasksCompleted: sorted.length,
    docsIn,
    bytesIn,
    docsOut,
    bytesOut,
    drops,
    operators,
    wallMs,
    perTask: sorted
  }
}
