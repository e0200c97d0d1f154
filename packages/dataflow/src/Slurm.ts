/**
 * The Slurm executor: the same pipeline module that `runPipeline` runs on worker threads, run as
 * Slurm job arrays. Each stage becomes one array job (`sbatch --array=<incomplete tasks>%max`), each
 * array task imports the pipeline module and runs its task exactly as the local executor does (same
 * parts, rejects and completion markers, so outputs are byte-identical), and a one-task barrier job
 * completes the stage (markers checked, sink finalized, `stats.json` written). Stages are chained
 * with `afterok` dependencies, so the whole run is queued at once and needs no process watching it.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Slurm } from "@pretrain/dataflow"
 *
 * const run = Slurm.run("pipelines/dedup.ts", {
 *   runDir: "runs/dedup-1",
 *   resources: { cpusPerTask: 2, mem: "8G", time: "02:00:00", partition: "cpu" },
 *   stages: { buckets: { mem: "32G" } },
 *   maxConcurrent: 256
 * })
 * const result = await Effect.runPromise(run)
 * ```
 *
 * Resubmitting the same pipeline skips completed tasks (their markers); a failed or killed task
 * requeues itself up to `maxRequeues` times, a preempted one is requeued by Slurm. `status`,
 * `cancel` and `logs` (and `pretrain jobs status|cancel|logs <run dir>`) work from the run directory.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { InputNotFound, OutputNotEmpty, PipelineDefinitionError, StageFailed } from "./Errors.ts"
import { loadPipeline } from "./executors/Load.ts"
import { readMarker } from "./executors/Markers.ts"
import * as OutputDir from "./executors/OutputDir.ts"
import { checkStages } from "./executors/Validate.ts"
import { arraySpec, queued, slurm, SlurmError } from "./executors/slurm/Commands.ts"
import {
  barrierLogPath,
  batchScript,
  logDir,
  type Manifest,
  manifestPath,
  readManifest,
  scriptPath,
  type StageJobs,
  taskLogPath,
  writeManifest
} from "./executors/slurm/Manifest.ts"
import type { RunResult, StageResult } from "./Run.ts"
import type { StageStatsJson } from "./Stats.ts"

export { SlurmError } from "./executors/slurm/Commands.ts"

/** Resources of a stage's jobs (each maps to an `sbatch` option). @since 0.1.0 @category models */
export interface Resources {
  /** `--cpus-per-task` */
  readonly cpusPerTask?: number | undefined
  /** `--mem`, e.g. `"8G"` */
  readonly mem?: string | undefined
  /** `--time`, e.g. `"02:00:00"` */
  readonly time?: string | undefined
  readonly partition?: string | undefined
  readonly account?: string | undefined
  readonly qos?: string | undefined
  /** Further `sbatch` arguments, passed as given (e.g. `["--constraint=avx512"]`). */
  readonly extra?: ReadonlyArray<string> | undefined
}

/** @since 0.1.0 @category models */
export interface SubmitOptions {
  /** Where the run's manifest, batch script and logs go (created; reused by a resubmission). */
  readonly runDir: string
  /** Parameters for a pipeline module exporting a function (JSON data, as for `runPipeline`). */
  readonly params?: unknown
  /** Submit only this stage. */
  readonly only?: string | undefined
  /** Delete what earlier runs of the stages wrote and rerun every task. */
  readonly force?: boolean | undefined
  /** Resources of every stage's jobs. */
  readonly resources?: Resources | undefined
  /** Per-stage resources, by stage name, over `resources`. */
  readonly stages?: Readonly<Record<string, Resources>> | undefined
  /** At most this many tasks of an array at once (`--array=...%N`). */
  readonly maxConcurrent?: number | undefined
  /** Times a failed or killed task requeues itself (default 2). */
  readonly maxRequeues?: number | undefined
  /** Name prefix of the jobs (default `pretrain-<pipeline name>`). */
  readonly jobName?: string | undefined
}

/** @since 0.1.0 @category models */
export type SubmitError = PipelineDefinitionError | OutputNotEmpty | SlurmError

const flagsFor = (r: Resources): Array<string> => [
  ...(r.cpusPerTask !== undefined ? [`--cpus-per-task=${r.cpusPerTask}`] : []),
  ...(r.mem !== undefined ? [`--mem=${r.mem}`] : []),
  ...(r.time !== undefined ? [`--time=${r.time}`] : []),
  ...(r.partition !== undefined ? [`--partition=${r.partition}`] : []),
  ...(r.account !== undefined ? [`--account=${r.account}`] : []),
  ...(r.qos !== undefined ? [`--qos=${r.qos}`] : []),
  ...(r.extra ?? [])
]

/** Where the job entry is: `job.ts` next to the executor sources, `job.js` in `dist/`. */
const jobEntry = (): string => {
  const url = new URL(import.meta.url.endsWith(".ts") ? "./executors/slurm/job.ts" : "./executors/slurm/job.js", import.meta.url)
  return url.pathname
}

const definitionError = (module: string, reason: string) => new PipelineDefinitionError({ module, reason })

/**
 * Submit a pipeline module (path) to Slurm: checks every stage's output directory first (foreign
 * files fail with {@link OutputNotEmpty} before anything is queued), then queues, per stage with
 * incomplete tasks, its array job and its barrier job, chained to the previous stage with `afterok`
 * (and `--kill-on-invalid-dep`, so a stage that failed for good cancels what follows). Returns the
 * manifest written to `<runDir>/run.json`.
 *
 * @since 0.1.0 @category execution
 */
export const submit: (module: string, options: SubmitOptions) => Effect.Effect<Manifest, SubmitError> = Effect.fn("Slurm.submit")(
  function*(module: string, options: SubmitOptions) {
    const modulePath = path.resolve(module)
    const pipeline = yield* loadPipeline(modulePath, options.params)
    const invalid = checkStages(pipeline, module, options.only)
    if (invalid !== undefined) return yield* invalid
    const stages = options.only === undefined ? pipeline.stages : pipeline.stages.filter((s) => s.name === options.only)
    const force = options.force ?? false
    const maxRequeues = options.maxRequeues ?? 2
    if (!Number.isInteger(maxRequeues) || maxRequeues < 0) return yield* definitionError(module, `maxRequeues must be a non-negative integer`)
    for (const stage of stages) yield* OutputDir.check(stage, { force })

    const runDir = path.resolve(options.runDir)
    const plan = yield* Effect.sync(() => {
      fs.mkdirSync(runDir, { recursive: true })
      fs.writeFileSync(scriptPath(runDir), batchScript({ node: process.execPath, entry: jobEntry(), runDir, maxRequeues }), { mode: 0o755 })
      return stages.map((stage) => {
        if (force) OutputDir.clearStage(stage)
        OutputDir.removeAllTemporaries(stage)
        const pending: Array<number> = []
        for (let r = 0; r < stage.tasks; r++) if (readMarker(stage.sink.dir, stage.name, r) === undefined) pending.push(r)
        const finished = pending.length === 0 && fs.existsSync(OutputDir.statsPath(stage))
        if (!finished) OutputDir.removeStageStats(stage)
        fs.mkdirSync(logDir(runDir, stage.name), { recursive: true })
        return { stage, pending, finished }
      })
    })

    const name = options.jobName ?? `pretrain-${pipeline.name}`
    const manifestOf = (stages: ReadonlyArray<StageJobs>): Manifest => ({
      version: 1,
      pipeline: pipeline.name,
      module: modulePath,
      params: options.params ?? null,
      cwd: process.cwd(),
      maxRequeues,
      submittedAt: new Date().toISOString(),
      stages
    })
    // the jobs read the manifest: it is written before the first is queued, and again with the job ids
    yield* Effect.sync(() =>
      writeManifest(
        runDir,
        manifestOf(plan.map(({ pending, stage }) => ({ name: stage.name, dir: path.resolve(stage.sink.dir), tasks: stage.tasks, submitted: pending })))
      )
    )
    const jobs: Array<StageJobs> = []
    let after: string | undefined
    for (const { finished, pending, stage } of plan) {
      const index = pipeline.stages.indexOf(stage)
      const resources = flagsFor({ ...options.resources, ...options.stages?.[stage.name] })
      const dependency = after === undefined ? [] : [`--dependency=afterok:${after}`, "--kill-on-invalid-dep=yes"]
      const common = ["--parsable", "--export=ALL", `--chdir=${process.cwd()}`, "--open-mode=append", ...resources]
      let arrayJob: string | undefined
      if (pending.length > 0) {
        arrayJob = (yield* slurm("sbatch", [
          ...common,
          ...dependency,
          `--job-name=${name}-${stage.name}`,
          `--array=${arraySpec(pending, options.maxConcurrent)}`,
          "--requeue",
          `--output=${taskLogPath(runDir, stage.name, 0).replace(/task-0+\.log$/, "task-%5a.log")}`,
          scriptPath(runDir),
          "task",
          String(index)
        ])).split(";")[0]!
      }
      let barrierJob: string | undefined
      if (!finished) {
        const waitFor = arrayJob ?? after
        barrierJob = (yield* slurm("sbatch", [
          ...common,
          ...(waitFor === undefined ? [] : [`--dependency=afterok:${waitFor}`, "--kill-on-invalid-dep=yes"]),
          `--job-name=${name}-${stage.name}-barrier`,
          `--output=${barrierLogPath(runDir, stage.name)}`,
          scriptPath(runDir),
          "barrier",
          String(index)
        ])).split(";")[0]!
        after = barrierJob
      }
      jobs.push({ name: stage.name, dir: path.resolve(stage.sink.dir), tasks: stage.tasks, submitted: pending, arrayJob, barrierJob })
    }
    const manifest = manifestOf(jobs)
    yield* Effect.sync(() => writeManifest(runDir, manifest))
    return manifest
  }
)

/** State of one stage of a submitted run. @since 0.1.0 @category models */
export interface StageStatus {
  readonly name: string
  readonly tasks: number
  /** Tasks with a completion marker. */
  readonly done: number
  /** Array tasks (and the barrier) Slurm still holds, with their state: `PENDING`, `RUNNING`, ... */
  readonly queued: ReadonlyArray<{ readonly job: string; readonly state: string; readonly reason: string }>
  /** The stage's merged stats, once its barrier has completed it. */
  readonly stats?: StageStatsJson | undefined
}

/** @since 0.1.0 @category models */
export interface RunStatus {
  readonly runDir: string
  readonly pipeline: string
  /** `completed`: every stage complete; `active`: jobs still queued or running; `stopped`: neither (failed or cancelled). */
  readonly state: "completed" | "active" | "stopped"
  readonly stages: ReadonlyArray<StageStatus>
}

const activeStates = new Set(["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED", "REQUEUE_HOLD", "REQUEUE_FED", "SIGNALING", "STAGE_OUT"])

const readStats = (dir: string): StageStatsJson | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "stats.json"), "utf8")) as StageStatsJson
  } catch {
    return undefined
  }
}

const countMarkers = (s: StageJobs): number => {
  let done = 0
  for (let r = 0; r < s.tasks; r++) if (readMarker(s.dir, s.name, r) !== undefined) done++
  return done
}

const jobIds = (manifest: Manifest): Array<string> =>
  manifest.stages.flatMap((s) => [s.arrayJob, s.barrierJob].filter((j): j is string => j !== undefined))

/**
 * Where a submitted run stands, from its completion markers and `squeue`.
 *
 * @since 0.1.0 @category execution
 */
export const status = (runDir: string): Effect.Effect<RunStatus, PipelineDefinitionError | SlurmError> =>
  Effect.gen(function*() {
    const manifest = yield* readManifest(runDir)
    const jobs = yield* queued(jobIds(manifest))
    const stages = manifest.stages.map((s): StageStatus => {
      const mine = jobs.filter((j) => j.id.split("_")[0] === s.arrayJob || j.id === s.barrierJob)
      return {
        name: s.name,
        tasks: s.tasks,
        done: countMarkers(s),
        queued: mine.map((j) => ({ job: j.id, state: j.state, reason: j.reason })),
        stats: readStats(s.dir)
      }
    })
    const completed = stages.every((s) => s.stats !== undefined)
    const active = jobs.some((j) => activeStates.has(j.state))
    return { runDir: path.resolve(runDir), pipeline: manifest.pipeline, state: completed ? "completed" : active ? "active" : "stopped", stages }
  })

/** The last `lines` lines of a log file (empty when there is none). */
const tail = (file: string, lines: number): string => {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n")
  } catch {
    return ""
  }
}

/**
 * Wait until a submitted run is complete (polling every `pollMs`, default 1 s) and return the
 * per-stage results like `runPipeline`. A run that stops incomplete fails with
 * {@link StageFailed} for its first incomplete stage, each failure carrying the end of its log.
 *
 * @since 0.1.0 @category execution
 */
export const wait = (
  runDir: string,
  options: { readonly pollMs?: number | undefined } = {}
): Effect.Effect<RunResult, PipelineDefinitionError | SlurmError | StageFailed | InputNotFound> =>
  Effect.gen(function*() {
    let current = yield* status(runDir)
    while (current.state === "active") {
      yield* Effect.sleep(options.pollMs ?? 1000)
      current = yield* status(runDir)
    }
    const manifest = yield* readManifest(runDir)
    if (current.state === "stopped") {
      const i = current.stages.findIndex((s) => s.stats === undefined)
      const stage = manifest.stages[i]!
      const failures: Array<{ task: number; message: string }> = []
      for (let r = 0; r < stage.tasks; r++) {
        if (readMarker(stage.dir, stage.name, r) !== undefined) continue
        failures.push({ task: r, message: tail(taskLogPath(runDir, stage.name, r), 5) || "no completion marker and no log (cancelled?)" })
      }
      if (failures.length === 0) failures.push({ task: -1, message: tail(barrierLogPath(runDir, stage.name), 5) || "the stage barrier did not run" })
      return yield* new StageFailed({ stage: stage.name, failures })
    }
    const stages: Array<StageResult> = manifest.stages.map((s, i) => ({
      stage: s.name,
      dir: s.dir,
      ran: s.submitted,
      skipped: Array.from({ length: s.tasks }, (_, r) => r).filter((r) => !s.submitted.includes(r)),
      stats: current.stages[i]!.stats!
    }))
    return { pipeline: manifest.pipeline, stages }
  })

/**
 * Submit, then wait: `runPipeline` on Slurm.
 *
 * @since 0.1.0 @category execution
 */
export const run = (
  module: string,
  options: SubmitOptions & { readonly pollMs?: number | undefined }
): Effect.Effect<RunResult, SubmitError | StageFailed | InputNotFound> =>
  submit(module, options).pipe(Effect.andThen(wait(options.runDir, { pollMs: options.pollMs })))

/**
 * Cancel every job of a run still queued or running (`scancel`); completed tasks keep their outputs
 * and a resubmission resumes.
 *
 * @since 0.1.0 @category execution
 */
export const cancel = (runDir: string): Effect.Effect<ReadonlyArray<string>, PipelineDefinitionError | SlurmError> =>
  Effect.gen(function*() {
    const ids = jobIds(yield* readManifest(runDir))
    if (ids.length > 0) yield* slurm("scancel", ids)
    return ids
  })

/**
 * A run's logs: one task's (`stage` and `task`), a stage's barrier (`stage` only), or the end of
 * every log of the run (neither), each headed by its path.
 *
 * @since 0.1.0 @category execution
 */
export const logs = (
  runDir: string,
  options: { readonly stage?: string | undefined; readonly task?: number | undefined; readonly lines?: number | undefined } = {}
): Effect.Effect<string, PipelineDefinitionError> =>
  Effect.gen(function*() {
    const manifest = yield* readManifest(runDir)
    const lines = options.lines ?? 20
    const chosen = manifest.stages.filter((s) => options.stage === undefined || s.name === options.stage)
    if (options.stage !== undefined && chosen.length === 0) {
      return yield* definitionError(manifestPath(runDir), `the run has no stage ${options.stage}`)
    }
    const files = chosen.flatMap((s) =>
      options.task !== undefined
        ? [taskLogPath(runDir, s.name, options.task)]
        : options.stage !== undefined
        ? [barrierLogPath(runDir, s.name)]
        : [...Array.from({ length: s.tasks }, (_, r) => taskLogPath(runDir, s.name, r)), barrierLogPath(runDir, s.name)]
    )
    return files.filter((f) => fs.existsSync(f)).map((f) => `==> ${f} <==\n${tail(f, lines)}`).join("\n\n")
  })
