/**
 * `pretrain jobs status|cancel|logs <run dir>`: follow and control a run submitted with
 * `pretrain run --executor slurm`.
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Slurm from "../Slurm.ts"
import { jsonFlag, reportFailure, toJson } from "./shared.ts"

const runDir = Argument.String("run-dir").pipe(Argument.withDescription("the run directory given to --run-dir"))

/** One line per stage: tasks done, what Slurm still holds, and the stage summary once complete. */
export const formatStatus = (s: Slurm.RunStatus): string => {
  const lines = [`${s.pipeline}: ${s.state} (${s.runDir})`]
  for (const stage of s.stages) {
    const states = new Map<string, number>()
    for (const q of stage.queued) states.set(q.state, (states.get(q.state) ?? 0) + 1)
    const held = [...states].map(([state, n]) => `${n} ${state.toLowerCase()}`).join(", ")
    lines.push(`  ${stage.name}: ${stage.done}/${stage.tasks} tasks done${held === "" ? "" : `; ${held}`}${stage.stats === undefined ? "" : "; complete"}`)
  }
  return lines.join("\n")
}

const status = Command.make("status", { runDir, json: jsonFlag }, ({ json, runDir }) =>
  reportFailure(Slurm.status(runDir).pipe(Effect.tap((s) => Console.log(json ? toJson(s) : formatStatus(s)))))).pipe(
    Command.withDescription("Where a Slurm run stands: tasks done per stage, jobs queued or running")
  )

const cancel = Command.make("cancel", { runDir }, ({ runDir }) =>
  reportFailure(Slurm.cancel(runDir).pipe(Effect.tap((ids) => Console.log(`cancelled ${ids.length} job(s); completed tasks keep their outputs`))))).pipe(
    Command.withDescription("Cancel a Slurm run's jobs; resubmitting resumes it")
  )

const logs = Command.make(
  "logs",
  {
    runDir,
    stage: Flag.String("stage").pipe(Flag.withDescription("only this stage (its barrier log, or --task's log)"), Flag.optional),
    task: Flag.Int("task").pipe(Flag.withDescription("only this task of --stage"), Flag.optional),
    lines: Flag.Int("lines").pipe(Flag.withDescription("last lines of each log (default 20)"), Flag.optional)
  },
  (a) =>
    reportFailure(
      Slurm.logs(a.runDir, { stage: Option.getOrUndefined(a.stage), task: Option.getOrUndefined(a.task), lines: Option.getOrUndefined(a.lines) }).pipe(
        Effect.tap((text) => Console.log(text === "" ? "no logs yet" : text))
      )
    )
).pipe(Command.withDescription("The end of a Slurm run's logs, per task and stage barrier"))

/** @since 0.1.0 @category commands */
export const jobs = Command.make("jobs").pipe(
  Command.withDescription("Follow and control runs submitted with pretrain run --executor slurm"),
  Command.withSubcommands([status, cancel, logs])
)
