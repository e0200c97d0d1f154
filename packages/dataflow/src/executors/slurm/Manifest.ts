/**
 * The run directory of a Slurm run: `run.json` (what was submitted: the pipeline module and its
 * parameters, the job ids of every stage), the batch script every job runs, and per-stage logs
 * (`logs/<stage>/task-<rank>.log`, `logs/<stage>/barrier.log`). `pretrain jobs` reads it.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { PipelineDefinitionError } from "../../Errors.ts"
import { writeFileAtomic } from "../../internal/atomic.ts"

/** @since 0.1.0 @category models */
export interface StageJobs {
  readonly name: string
  readonly dir: string
  readonly tasks: number
  /** Tasks submitted (those without a completion marker at submission). */
  readonly submitted: ReadonlyArray<number>
  /** The array job running the tasks (absent when every task was already complete). */
  readonly arrayJob?: string | undefined
  /** The job running the stage barrier (absent when the stage was already complete). */
  readonly barrierJob?: string | undefined
}

/** @since 0.1.0 @category models */
export interface Manifest {
  readonly version: 1
  readonly pipeline: string
  /** Absolute path of the pipeline module every task imports. */
  readonly module: string
  readonly params: unknown
  /** Working directory of every job (the submitting shell's). */
  readonly cwd: string
  readonly maxRequeues: number
  readonly submittedAt: string
  readonly stages: ReadonlyArray<StageJobs>
}

/** @since 0.1.0 */
export const manifestPath = (runDir: string): string => path.join(runDir, "run.json")

/** @since 0.1.0 */
export const scriptPath = (runDir: string): string => path.join(runDir, "job.sh")

/** @since 0.1.0 */
export const logDir = (runDir: string, stage: string): string => path.join(runDir, "logs", stage)

/** @since 0.1.0 */
export const taskLogPath = (runDir: string, stage: string, rank: number): string =>
  path.join(logDir(runDir, stage), `task-${String(rank).padStart(5, "0")}.log`)

/** @since 0.1.0 */
export const barrierLogPath = (runDir: string, stage: string): string => path.join(logDir(runDir, stage), "barrier.log")

/** @since 0.1.0 */
export const writeManifest = (runDir: string, manifest: Manifest): void => {
  writeFileAtomic(manifestPath(runDir), JSON.stringify(manifest, null, 2) + "\n")
}

/** Read `run.json`; fails with {@link PipelineDefinitionError} when the directory holds no run. @since 0.1.0 */
export const readManifest = (runDir: string): Effect.Effect<Manifest, PipelineDefinitionError> =>
  Effect.try({
    try: () => {
      const parsed = JSON.parse(fs.readFileSync(manifestPath(runDir), "utf8")) as Manifest
      if (parsed.version !== 1 || !Array.isArray(parsed.stages)) throw new Error("not a run manifest of this version")
      return parsed
    },
    catch: (e) =>
      new PipelineDefinitionError({
        module: manifestPath(runDir),
        reason: `no Slurm run here (${e instanceof Error ? e.message : String(e)}); submit one with pretrain run --executor slurm`
      })
  })

/**
 * The batch script of a run: `job.sh task <stage index>` runs array task `$SLURM_ARRAY_TASK_ID`,
 * `job.sh barrier <stage index>` the stage barrier. A task that fails or is killed (exit code
 * non-zero, signals included) requeues itself while `$SLURM_RESTART_COUNT` is below `maxRequeues`;
 * a preempted job is requeued by Slurm itself (`--requeue`).
 *
 * @since 0.1.0
 */
export const batchScript = (options: {
  readonly node: string
  readonly entry: string
  readonly runDir: string
  readonly maxRequeues: number
}): string => {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
  return `#!/usr/bin/env bash
# Runs one task, or the barrier, of a stage of the pretrain run in ${options.runDir}.
mode="$1"
stage="$2"
rank="\${SLURM_ARRAY_TASK_ID:-0}"
${q(options.node)} ${q(options.entry)} "$mode" ${q(options.runDir)} "$stage" "$rank"
rc=$?
if [ "$rc" -ne 0 ] && [ "$mode" = task ]; then
  attempt="\${SLURM_RESTART_COUNT:-0}"
  if [ "$attempt" -lt ${options.maxRequeues} ]; then
    echo "pretrain: task $rank failed with exit code $rc; requeued (retry $((attempt + 1)) of ${options.maxRequeues})" >&2
    scontrol requeue "\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"
    sleep 120
  else
    echo "pretrain: task $rank failed with exit code $rc; no retries left (${options.maxRequeues})" >&2
  fi
fi
exit "$rc"
`
}
