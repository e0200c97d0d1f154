/**
 * Completion markers. A task that has written all its outputs atomically then writes
 * `<sink.dir>/.pretrain/<stage>/task-<rank>.json` (atomically too) holding its stats; a rerun skips
 * the tasks whose marker exists and merges the markers into the stage's `stats.json`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { writeFileAtomic } from "../internal/atomic.ts"
import type { TaskStatsJson } from "../Stats.ts"

/** Name of the hidden bookkeeping directory inside an output directory. @since 0.1.0 */
export const stateDirName = ".pretrain"

/** Name of the merged per-stage stats file inside an output directory. @since 0.1.0 */
export const statsFileName = "stats.json"

/** Name of the rejects directory inside an output directory. @since 0.1.0 */
export const rejectsDirName = "rejects"

/** `<dir>/.pretrain/<stage>`. @since 0.1.0 */
export const markerDir = (dir: string, stage: string): string => path.join(dir, stateDirName, stage)

const markerPattern = /^task-(\d+)\.json$/

/** Marker file name of task `rank`: `task-00003.json` (zero-padded, so names sort in task order). @since 0.1.0 */
export const markerName = (rank: number): string => `task-${String(rank).padStart(5, "0")}.json`

/** `<dir>/.pretrain/<stage>/task-<rank>.json`. @since 0.1.0 */
export const markerPath = (dir: string, stage: string, rank: number): string =>
  path.join(markerDir(dir, stage), markerName(rank))

const isStats = (u: unknown): u is TaskStatsJson =>
  typeof u === "object" && u !== null &&
  typeof (u as TaskStatsJson).task === "number" && typeof (u as TaskStatsJson).tasks === "number" &&
  typeof (u as TaskStatsJson).docsIn === "number" && typeof (u as TaskStatsJson).docsOut === "number"

/**
 * The stats stored in task `rank`'s marker, or `undefined` when the task is not complete (no marker,
 * or a marker that cannot be parsed, which is treated as absent).
 *
 * @since 0.1.0
 */
export const readMarker = (dir: string, stage: string, rank: number): TaskStatsJson | undefined => {
  let text: string
  try {
    text = fs.readFileSync(markerPath(dir, stage, rank), "utf8")
  } catch {
    return undefined
  }
  try {
    const parsed: unknown = JSON.parse(text)
    return isStats(parsed) && parsed.task === rank ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Write task `stats.task`'s marker atomically. @since 0.1.0 */
export const writeMarker = (dir: string, stage: string, stats: TaskStatsJson): string =>
  writeFileAtomic(markerPath(dir, stage, stats.task), JSON.stringify(stats, null, 2) + "\n")

/** Remove task `rank`'s marker (no error when absent). @since 0.1.0 */
export const removeMarker = (dir: string, stage: string, rank: number): void =>
  fs.rmSync(markerPath(dir, stage, rank), { force: true })

/**
 * Ranks of every marker present for `stage` (any task count), in order; used to detect a stage that
 * was run before with a different number of tasks.
 *
 * @since 0.1.0
 */
export const listMarkers = (dir: string, stage: string): Array<{ readonly rank: number; readonly stats: TaskStatsJson | undefined }> => {
  let names: Array<string>
  try {
    names = fs.readdirSync(markerDir(dir, stage))
  } catch {
    return []
  }
  const out: Array<{ rank: number; stats: TaskStatsJson | undefined }> = []
  for (const name of names) {
    const m = markerPattern.exec(name)
    if (m === null) continue
    const rank = Number(m[1])
    out.push({ rank, stats: readMarker(dir, stage, rank) })
  }
  return out.sort((a, b) => a.rank - b.rank)
}
