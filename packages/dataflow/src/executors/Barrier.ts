/**
 * The stage barrier: once every task of a stage has run, check that each left its completion
 * marker, run the sink's `finalize` (when it has one), merge the tasks' stats and write
 * `<sink.dir>/stats.json`. Every executor (worker threads, in-process, Slurm) ends a stage here.
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { Effect, Result } from "effect"
import { StageFailed } from "../Errors.ts"
import { writeFileAtomic } from "../internal/atomic.ts"
import type { Stage } from "../Pipeline.ts"
import { mergeStats, type StageStatsJson, type TaskStatsJson } from "../Stats.ts"
import { readMarker } from "./Markers.ts"
import * as OutputDir from "./OutputDir.ts"

/**
 * Complete `stage` after its tasks ran: fails with {@link StageFailed} when a task has no marker, or
 * when `finalize` fails (naming the task whose part it could not rewrite, or task -1); a rerun
 * skips the completed tasks and finalizes again.
 *
 * @since 0.1.0 @category execution
 */
export const completeStage = (stage: Stage): Effect.Effect<StageStatsJson, StageFailed> =>
  Effect.gen(function*() {
    const dir = stage.sink.dir
    const perTask: Array<TaskStatsJson> = []
    const missing: Array<number> = []
    for (let r = 0; r < stage.tasks; r++) {
      const stats = readMarker(dir, stage.name, r)
      if (stats === undefined) missing.push(r)
      else perTask.push(stats)
    }
    if (missing.length > 0) {
      return yield* new StageFailed({
        stage: stage.name,
        failures: missing.map((task) => ({ task, message: "completion marker missing after the task ran" }))
      })
    }
    if (stage.sink.finalize !== undefined) {
      const finalized = yield* Effect.result(stage.sink.finalize(dir))
      if (Result.isFailure(finalized)) {
        const file = path.basename(finalized.failure.file)
        let task = -1
        for (let r = 0; r < stage.tasks && task < 0; r++) if (stage.sink.ownsTaskFile(file, r)) task = r
        return yield* new StageFailed({ stage: stage.name, failures: [{ task, message: `finalize: ${finalized.failure.message}` }] })
      }
    }
    const merged = mergeStats(stage.name, stage.tasks, perTask)
    yield* Effect.sync(() => writeFileAtomic(OutputDir.statsPath(stage), JSON.stringify(merged, null, 2) + "\n"))
    return merged
  })
