/**
 * The Slurm client commands the executor calls (`sbatch`, `squeue`, `scancel`), run synchronously
 * with their output captured; a failure becomes a {@link SlurmError} naming the command and what it
 * printed.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import { Data, Effect } from "effect"

/** A Slurm command failed or is not installed. @since 0.1.0 @category errors */
export class SlurmError extends Data.TaggedError("SlurmError")<{
  readonly command: string
  readonly reason: string
}> {
  override get message() {
    return `${this.command}: ${this.reason}`
  }
}

/** Run `command args...`, returning its standard output (trimmed). @since 0.1.0 */
export const slurm = (command: string, args: ReadonlyArray<string>): Effect.Effect<string, SlurmError> =>
  Effect.suspend(() => {
    const shown = [command, ...args].join(" ")
    const r = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 })
    if (r.error !== undefined) {
      const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT"
      return Effect.fail(
        new SlurmError({
          command: shown,
          reason: missing ? `${command} not found: install Slurm's client commands (Debian: slurm-client)` : r.error.message
        })
      )
    }
    if (r.status !== 0) {
      const said = `${r.stderr ?? ""}${r.stdout ?? ""}`.trim()
      return Effect.fail(new SlurmError({ command: shown, reason: `exit code ${r.status}${said === "" ? "" : `: ${said}`}` }))
    }
    return Effect.succeed((r.stdout ?? "").trim())
  })

/**
 * `--array` value for `ranks`: runs of consecutive ranks as ranges (`0-3,5,7-9`), with
 * `%max` appended when at most `max` tasks may run at once.
 *
 * @since 0.1.0
 */
export const arraySpec = (ranks: ReadonlyArray<number>, max?: number): string => {
  const parts: Array<string> = []
  for (let i = 0; i < ranks.length;) {
    let j = i
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j]! + 1) j++
    parts.push(i === j ? `${ranks[i]}` : `${ranks[i]}-${ranks[j]}`)
    i = j + 1
  }
  return parts.join(",") + (max !== undefined && max > 0 ? `%${max}` : "")
}

/** One line of `squeue -r`: a job (or array task, `123_4`), its state and reason. @since 0.1.0 */
export interface QueuedJob {
  readonly id: string
  readonly state: string
  readonly reason: string
}

/**
 * The jobs (array tasks listed one by one) of `jobIds` still known to the controller. Jobs the
 * controller has forgotten are simply absent.
 *
 * @since 0.1.0
 */
export const queued = (jobIds: ReadonlyArray<string>): Effect.Effect<Array<QueuedJob>, SlurmError> =>
  jobIds.length === 0
    ? Effect.succeed([])
    : slurm("squeue", ["-h", "-r", "--states=all", "-j", jobIds.join(","), "-o", "%i|%T|%r"]).pipe(
      Effect.catchIf((e) => /Invalid job id/i.test(e.reason), () => Effect.succeed("")),
      Effect.map((out) =>
        out.split("\n").filter((l) => l.includes("|")).map((line) => {
          const [id, state, reason] = line.split("|")
          return { id: id!.trim(), state: state!.trim(), reason: (reason ?? "").trim() }
        })
      )
    )
