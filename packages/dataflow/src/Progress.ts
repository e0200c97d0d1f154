/**
 * Progress of a pipeline run: a one-line progress bar on a terminal (stage, tasks done / total,
 * documents, MB read, rate, elapsed time) or plain log lines elsewhere (stage start, each finished
 * task, a status line every 10 s, stage summary). Executors call a {@link Reporter}; the reporter
 * never influences what a run writes.
 *
 * @since 0.1.0
 */
import type { StageStatsJson, TaskStatsJson } from "./Stats.ts"

/** Counters of a running task (documents and content bytes read and written so far). @since 0.1.0 @category models */
export interface TaskCounters {
  readonly stage: string
  readonly task: number
  readonly docsIn: number
  readonly bytesIn: number
  readonly docsOut: number
  readonly bytesOut: number
}

/** @since 0.1.0 @category models */
export interface StageStart {
  readonly stage: string
  /** 1-based position among the stages this run executes. */
  readonly index: number
  readonly count: number
  readonly tasks: number
  /** Tasks already complete (markers present) that this run skips. */
  readonly skipped: number
  /** Worker threads used (0: in-process). */
  readonly workers: number
  readonly dir: string
}

/** @since 0.1.0 @category models */
export interface Reporter {
  readonly stageStarted: (info: StageStart) => void
  readonly taskProgress: (progress: TaskCounters) => void
  readonly taskDone: (stats: TaskStatsJson) => void
  readonly taskFailed: (task: number, message: string) => void
  readonly stageFinished: (stats: StageStatsJson) => void
  readonly stageFailed: (stage: string, message: string) => void
  /** Stop timers and leave the terminal line clean. */
  readonly close: () => void
}

/** A reporter that shows nothing. @since 0.1.0 @category constructors */
export const none: Reporter = {
  stageStarted: () => {},
  taskProgress: () => {},
  taskDone: () => {},
  taskFailed: () => {},
  stageFinished: () => {},
  stageFailed: () => {},
  close: () => {}
}

const number = new Intl.NumberFormat("en-US")

/** `12,345`. @since 0.1.0 @category formatting */
export const formatCount = (n: number): string => number.format(n)

/** `45.6 MB` (decimal megabytes; kB and GB where they read better). @since 0.1.0 @category formatting */
export const formatBytes = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`

/** `0:12`, `12:03`, `1:02:03`. @since 0.1.0 @category formatting */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60
  const ss = String(s).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`
}

/**
 * One line summing up a finished stage: tasks, documents in and out, drops per reason, bytes.
 *
 * @since 0.1.0 @category formatting
 */
export const summary = (stats: StageStatsJson, elapsedMs?: number): string => {
  const reasons = Object.entries(stats.drops).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const dropped = reasons.reduce((sum, [, n]) => sum + n, 0)
  const shown = reasons.slice(0, 4).map(([r, n]) => `${r} ${formatCount(n)}`).join(", ")
  const drops = reasons.length === 0
    ? ""
    : ` (${formatCount(dropped)} dropped: ${shown}${reasons.length > 4 ? `, +${reasons.length - 4} more` : ""})`
  return `stage ${stats.stage}: ${stats.tasksCompleted}/${stats.tasks} tasks, ${formatCount(stats.docsIn)} docs in → ${
    formatCount(stats.docsOut)
  } out${drops}, ${formatBytes(stats.bytesIn)} in, ${formatBytes(stats.bytesOut)} out${
    elapsedMs === undefined ? "" : `, ${formatDuration(elapsedMs)}`
  }`
}

/** Live totals of the stage being run (tasks of this run only; skipped tasks count as done). */
class StageState {
  readonly info: StageStart
  readonly started = performance.now()
  done: number
  failed = 0
  private readonly running = new Map<number, TaskCounters>()
  private finishedDocs = 0
  private finishedBytes = 0

  constructor(info: StageStart) {
    this.info = info
    this.done = info.skipped
  }

  progress(p: TaskCounters) {
    this.running.set(p.task, p)
  }

  finish(task: number, docsIn: number, bytesIn: number) {
    this.running.delete(task)
    this.finishedDocs += docsIn
    this.finishedBytes += bytesIn
    this.done++
  }

  fail(task: number) {
    const p = this.running.get(task)
    this.running.delete(task)
    if (p !== undefined) {
      this.finishedDocs += p.docsIn
      this.finishedBytes += p.bytesIn
    }
    this.failed++
  }

  totals(): { docs: number; bytes: number; elapsedMs: number; rate: number } {
    let docs = this.finishedDocs, bytes = this.finishedBytes
    for (const p of this.running.values()) {
      docs += p.docsIn
      bytes += p.bytesIn
    }
    const elapsedMs = performance.now() - this.started
    return { docs, bytes, elapsedMs, rate: elapsedMs > 0 ? bytes / (elapsedMs / 1000) : 0 }
  }

  status(): string {
    const t = this.totals()
    return `${formatCount(this.done)}/${formatCount(this.info.tasks)} tasks${this.failed > 0 ? ` (${this.failed} failed)` : ""}, ${
      formatCount(t.docs)
    } docs, ${formatBytes(t.bytes)}, ${formatBytes(t.rate)}/s, ${formatDuration(t.elapsedMs)}`
  }
}

const startLine = (info: StageStart): string =>
  `stage ${info.stage} (${info.index}/${info.count}): ${info.tasks} task(s)${
    info.skipped > 0 ? `, ${info.skipped} already complete` : ""
  }, running ${info.tasks - info.skipped} ${info.workers === 0 ? "in-process" : `on ${info.workers} worker thread(s)`} → ${info.dir}`

/**
 * What {@link lines} and {@link bar} share: the stage being run (`state`), the reporter's timer, and
 * the handlers that start a stage (then calling `tick` every `intervalMs`) and report a failed task or
 * the end of the stage through `emit`.
 */
const stageTracker = (emit: (line: string) => void) => {
  let timer: ReturnType<typeof setInterval> | undefined
  const stop = () => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  const tracker = {
    state: undefined as StageState | undefined,
    stop,
    start: (info: StageStart, tick: () => void, intervalMs: number) => {
      stop()
      tracker.state = new StageState(info)
      emit(startLine(info))
      timer = setInterval(tick, intervalMs)
      timer.unref()
    },
    taskProgress: (p: TaskCounters) => tracker.state?.progress(p),
    taskFailed: (task: number, message: string) => {
      tracker.state?.fail(task)
      emit(`stage ${tracker.state?.info.stage ?? "?"}: task ${task} FAILED: ${message}`)
    },
    stageFinished: (stats: StageStatsJson) => {
      const elapsed = tracker.state === undefined ? undefined : performance.now() - tracker.state.started
      stop()
      tracker.state = undefined
      emit(summary(stats, elapsed))
    },
    stageFailed: (stage: string, message: string) => {
      stop()
      tracker.state = undefined
      emit(`stage ${stage} failed: ${message}`)
    }
  }
  return tracker
}

/**
 * Plain log lines: stage start, every finished or failed task, a status line every `intervalMs`
 * (default 10 s) and a summary per stage.
 *
 * @since 0.1.0 @category constructors
 */
export const lines = (log: (line: string) => void, options: { readonly intervalMs?: number } = {}): Reporter => {
  const stage = stageTracker(log)
  return {
    stageStarted: (info) =>
      stage.start(info, () => {
        const state = stage.state
        if (state !== undefined) log(`stage ${state.info.stage}: ${state.status()}`)
      }, options.intervalMs ?? 10_000),
    taskProgress: stage.taskProgress,
    taskDone: (stats) => {
      const state = stage.state
      if (state === undefined) return
      state.finish(stats.task, stats.docsIn, stats.bytesIn)
      log(`stage ${stats.stage}: task ${stats.task} done, ${formatCount(stats.docsIn)} docs in → ${formatCount(stats.docsOut)} out, ${
        formatBytes(stats.bytesIn)
      } [${state.done}/${state.info.tasks}]`)
    },
    taskFailed: stage.taskFailed,
    stageFinished: stage.stageFinished,
    stageFailed: stage.stageFailed,
    close: stage.stop
  }
}

/**
 * A progress bar redrawn in place on a terminal stream (default `process.stderr`), with the plain
 * start and summary lines above it.
 *
 * @since 0.1.0 @category constructors
 */
export const bar = (stream: NodeJS.WriteStream = process.stderr, options: { readonly intervalMs?: number } = {}): Reporter => {
  let drawn = false
  const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
  let frame = 0
  const clear = () => {
    if (drawn) stream.write("\r\x1b[2K")
    drawn = false
  }
  const print = (line: string) => {
    clear()
    stream.write(line + "\n")
    draw()
  }
  const draw = () => {
    const state = stage.state
    if (state === undefined) return
    const columns = stream.columns || 100
    const head = `${spinner[frame++ % spinner.length]} ${state.info.stage} (${state.info.index}/${state.info.count}) `
    const status = state.status()
    const width = Math.max(8, Math.min(24, columns - 1 - head.length - status.length - 3))
    const filled = state.info.tasks === 0 ? width : Math.round((state.done / state.info.tasks) * width)
    const line = `${head}[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${status}`
    stream.write(`\r\x1b[2K${line.length >= columns ? line.slice(0, columns - 1) : line}`)
    drawn = true
  }
  const stage = stageTracker(print)
  return {
    stageStarted: (info) => stage.start(info, draw, options.intervalMs ?? 200),
    taskProgress: stage.taskProgress,
    taskDone: (stats) => stage.state?.finish(stats.task, stats.docsIn, stats.bytesIn),
    taskFailed: stage.taskFailed,
    stageFinished: stage.stageFinished,
    stageFailed: stage.stageFailed,
    close: () => {
      stage.stop()
      clear()
    }
  }
}

/**
 * The default: a bar when standard error is a terminal, plain lines on standard error otherwise.
 *
 * @since 0.1.0 @category constructors
 */
export const auto = (): Reporter =>
  process.stderr.isTTY ? bar(process.stderr) : lines((line) => process.stderr.write(line + "\n"))
