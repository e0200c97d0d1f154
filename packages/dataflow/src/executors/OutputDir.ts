/**
 * Output directory bookkeeping for one stage: which files are ours, which are foreign, and the
 * clean-ups done before a task (or a whole stage, with `force`) runs again.
 *
 * Everything the executor considers its own inside `sink.dir`: files the sink owns
 * (`sink.ownsFile`), `stats.json`, the `.pretrain/` bookkeeping directory, the `rejects/` directory
 * (rejects parts only) and hidden temporary files (`.tmp-*`). Anything else is foreign: the stage
 * refuses to run and touches nothing.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { OutputNotEmpty } from "../Errors.ts"
import { isTemporaryName } from "../internal/atomic.ts"
import type { Stage } from "../Pipeline.ts"
import { partMatchers, partName } from "../Sink.ts"
import { listMarkers, markerDir, markerPath, rejectsDirName, removeMarker, stateDirName, statsFileName } from "./Markers.ts"

/** Rejects parts: zstd-compressed JSONL (and the plain JSONL of earlier versions, still recognised). */
const rejectsCompressed = partMatchers("jsonl.zst")
const rejectsPlain = partMatchers("jsonl")
const rejectsMatchers = {
  ownsFile: (name: string) => rejectsCompressed.ownsFile(name) || rejectsPlain.ownsFile(name),
  ownsTaskFile: (name: string, rank: number) => rejectsCompressed.ownsTaskFile(name, rank) || rejectsPlain.ownsTaskFile(name, rank)
}

/** `<sink.dir>/rejects/part-<rank>-0000.jsonl.zst`: where task `rank` writes its rejected records. @since 0.1.0 */
export const rejectsPath = (dir: string, rank: number): string => path.join(dir, rejectsDirName, partName(rank, 0, "jsonl.zst"))

const temporaryPattern = /^\.tmp-\d+-\d+-(.*)$/

/** The final name a temporary file stands for (`.tmp-<pid>-<n>-<name>` → `<name>`). */
const temporaryTarget = (name: string): string | undefined => temporaryPattern.exec(name)?.[1]

const entries = (dir: string): Array<fs.Dirent> => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return []
    throw e
  }
}

/** What is found in a stage's output directory. @since 0.1.0 */
export interface Survey {
  /** Entries written by something else (relative to the directory); the stage must not run. */
  readonly foreign: ReadonlyArray<string>
  /**
   * Our own files that this stage, with its current task count, would never write (parts of ranks
   * beyond `tasks`, markers of a different task count): left by an earlier run with other settings.
   * Removed by `force`; otherwise the stage refuses to run.
   */
  readonly stale: ReadonlyArray<string>
}

/**
 * Survey a stage's output directory (a missing directory is empty).
 *
 * @since 0.1.0
 */
export const survey = (stage: Stage): Survey => {
  const { dir } = stage.sink
  const foreign: Array<string> = []
  const stale: Array<string> = []
  const ownsRank = (name: string): boolean => {
    for (let r = 0; r < stage.tasks; r++) if (stage.sink.ownsTaskFile(name, r)) return true
    return false
  }
  for (const entry of entries(dir)) {
    const name = entry.name
    if (isTemporaryName(name)) continue
    if (name === stateDirName && entry.isDirectory()) continue
    if (name === statsFileName && entry.isFile()) continue
    if (name === rejectsDirName && entry.isDirectory()) {
      for (const r of entries(path.join(dir, name))) {
        if (isTemporaryName(r.name)) continue
        if (!r.isFile() || !rejectsMatchers.ownsFile(r.name)) foreign.push(`${name}/${r.name}`)
        else if (!rejectsOwnsRank(r.name, stage.tasks)) stale.push(`${name}/${r.name}`)
      }
      continue
    }
    if (stage.sink.ownsFile(name)) {
      if (!ownsRank(name)) stale.push(name)
      continue
    }
    foreign.push(name)
  }
  for (const m of listMarkers(dir, stage.name)) {
    if (m.rank >= stage.tasks || (m.stats !== undefined && m.stats.tasks !== stage.tasks)) {
      stale.push(path.relative(dir, markerPath(dir, stage.name, m.rank)))
    }
  }
  return { foreign: foreign.sort(), stale: stale.sort() }
}

const rejectsOwnsRank = (name: string, tasks: number): boolean => {
  for (let r = 0; r < tasks; r++) if (rejectsMatchers.ownsTaskFile(name, r)) return true
  return false
}

/**
 * Fail with {@link OutputNotEmpty} when the directory holds foreign files, or (without `force`) our
 * own files left by a run with a different task count. Touches nothing.
 *
 * @since 0.1.0
 */
export const check = (stage: Stage, options: { readonly force: boolean }): Effect.Effect<void, OutputNotEmpty> =>
  Effect.suspend(() => {
    const { foreign, stale } = survey(stage)
    if (foreign.length > 0) return Effect.fail(new OutputNotEmpty({ dir: stage.sink.dir, foreign }))
    if (stale.length > 0 && !options.force) {
      return Effect.fail(new OutputNotEmpty({ dir: stage.sink.dir, foreign: stale.map((s) => `${s} (from a run with another task count; rerun with force)`) }))
    }
    return Effect.void
  })

const removeTemporaries = (dir: string, keep: (target: string) => boolean): void => {
  for (const entry of entries(dir)) {
    if (!isTemporaryName(entry.name)) continue
    const target = temporaryTarget(entry.name)
    if (target !== undefined && keep(target)) continue
    fs.rmSync(path.join(dir, entry.name), { force: true, recursive: true })
  }
}

/**
 * Remove every leftover temporary file of the stage (in the directory, `rejects/` and the stage's
 * marker directory). Run before any task of the stage starts, when none can be writing.
 *
 * @since 0.1.0
 */
export const removeAllTemporaries = (stage: Stage): void => {
  const { dir } = stage.sink
  removeTemporaries(dir, () => false)
  removeTemporaries(path.join(dir, rejectsDirName), () => false)
  removeTemporaries(markerDir(dir, stage.name), () => false)
}

/**
 * Remove what an interrupted attempt of task `rank` may have left: its parts, its rejects part, its
 * temporary files and its marker. Other tasks' files are not touched, so this is safe while they run.
 *
 * @since 0.1.0
 */
export const cleanTask = (stage: Stage, rank: number): void => {
  const { dir, ownsTaskFile } = stage.sink
  removeMarker(dir, stage.name, rank)
  for (const entry of entries(dir)) {
    const name = entry.name
    if (isTemporaryName(name)) {
      const target = temporaryTarget(name)
      if (target !== undefined && ownsTaskFile(target, rank)) fs.rmSync(path.join(dir, name), { force: true })
    } else if (entry.isFile() && ownsTaskFile(name, rank)) {
      fs.rmSync(path.join(dir, name), { force: true })
    }
  }
  const rejectsDir = path.join(dir, rejectsDirName)
  for (const entry of entries(rejectsDir)) {
    const name = entry.name
    const target = isTemporaryName(name) ? temporaryTarget(name) : name
    if (target !== undefined && rejectsMatchers.ownsTaskFile(target, rank)) fs.rmSync(path.join(rejectsDir, name), { force: true })
  }
}

/**
 * Remove everything the stage owns in its directory: parts, rejects parts, temporary files, the
 * stage's markers and `stats.json` (used by `force`). Foreign files are never touched; call
 * {@link check} first.
 *
 * @since 0.1.0
 */
export const clearStage = (stage: Stage): void => {
  const { dir, ownsFile } = stage.sink
  for (const entry of entries(dir)) {
    const name = entry.name
    if (isTemporaryName(name) || (entry.isFile() && (ownsFile(name) || name === statsFileName))) {
      fs.rmSync(path.join(dir, name), { force: true, recursive: true })
    }
  }
  const rejectsDir = path.join(dir, rejectsDirName)
  for (const entry of entries(rejectsDir)) {
    if (isTemporaryName(entry.name) || (entry.isFile() && rejectsMatchers.ownsFile(entry.name))) {
      fs.rmSync(path.join(rejectsDir, entry.name), { force: true })
    }
  }
  removeEmptyDir(rejectsDir)
  fs.rmSync(markerDir(dir, stage.name), { force: true, recursive: true })
  removeEmptyDir(path.join(dir, stateDirName))
}

const removeEmptyDir = (dir: string): void => {
  try {
    fs.rmdirSync(dir)
  } catch {
    // not empty or absent
  }
}

/** Remove the merged stats file (it is rewritten once every task of the stage is complete). @since 0.1.0 */
export const removeStageStats = (stage: Stage): void => fs.rmSync(path.join(stage.sink.dir, statsFileName), { force: true })

/** `<sink.dir>/stats.json`. @since 0.1.0 */
export const statsPath = (stage: Stage): string => path.join(stage.sink.dir, statsFileName)
