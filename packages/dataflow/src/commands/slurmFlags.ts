/**
 * The Slurm flags of `pretrain run --executor slurm` and the options they make.
 */
import * as fs from "node:fs"
import { Effect, Option } from "effect"
import { Flag } from "effect/cli"
import { PipelineDefinitionError } from "../Errors.ts"
import type * as Slurm from "../Slurm.ts"

const text = (name: string, description: string) => Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

/** Flags shared by every Slurm submission. */
export const slurmFlags = {
  runDir: text("run-dir", "Slurm: the run's directory (manifest, batch script, logs); required with --executor slurm"),
  partition: text("partition", "Slurm: partition of every job"),
  account: text("account", "Slurm: account of every job"),
  qos: text("qos", "Slurm: quality of service of every job"),
  mem: text("mem", "Slurm: memory per task, e.g. 8G"),
  time: text("time", "Slurm: time limit per task, e.g. 02:00:00"),
  cpusPerTask: Flag.Int("cpus-per-task").pipe(Flag.withDescription("Slurm: CPUs per task"), Flag.optional),
  maxConcurrent: Flag.Int("max-concurrent").pipe(Flag.withDescription("Slurm: at most this many tasks of a stage at once"), Flag.optional),
  maxRequeues: Flag.Int("max-requeues").pipe(Flag.withDescription("Slurm: times a failed or killed task is requeued (default 2)"), Flag.optional),
  sbatchArg: Flag.String("sbatch-arg").pipe(Flag.withDescription("Slurm: an extra sbatch argument (repeatable)"), Flag.atLeast(0)),
  slurmConfig: text("slurm-config", "Slurm: JSON file { \"resources\": {...}, \"stages\": { \"<stage>\": {...} } } of per-stage resources"),
  detach: Flag.Boolean("detach").pipe(Flag.withDescription("Slurm: submit and return without waiting"), Flag.withDefault(false))
}

/** What the flags parse to. */
export interface SlurmFlagValues {
  readonly runDir: Option.Option<string>
  readonly partition: Option.Option<string>
  readonly account: Option.Option<string>
  readonly qos: Option.Option<string>
  readonly mem: Option.Option<string>
  readonly time: Option.Option<string>
  readonly cpusPerTask: Option.Option<number>
  readonly maxConcurrent: Option.Option<number>
  readonly maxRequeues: Option.Option<number>
  readonly sbatchArg: ReadonlyArray<string>
  readonly slurmConfig: Option.Option<string>
  readonly detach: boolean
}

const readConfig = (file: string): Effect.Effect<Pick<Slurm.SubmitOptions, "resources" | "stages">, PipelineDefinitionError> =>
  Effect.try({
    try: () => JSON.parse(fs.readFileSync(file, "utf8")) as Pick<Slurm.SubmitOptions, "resources" | "stages">,
    catch: (e) => new PipelineDefinitionError({ module: file, reason: `cannot read the Slurm config: ${e instanceof Error ? e.message : String(e)}` })
  })

/** The submission options the flags describe (flags over the config file's defaults). */
export const submitOptions = (
  values: SlurmFlagValues,
  base: { readonly params?: unknown; readonly only?: string | undefined; readonly force: boolean }
): Effect.Effect<Slurm.SubmitOptions, PipelineDefinitionError> =>
  Effect.gen(function*() {
    const runDir = Option.getOrUndefined(values.runDir)
    if (runDir === undefined) return yield* new PipelineDefinitionError({ module: "pretrain run", reason: "--executor slurm needs --run-dir DIR" })
    const config = Option.isSome(values.slurmConfig) ? yield* readConfig(values.slurmConfig.value) : {}
    const flags: Slurm.Resources = {
      partition: Option.getOrUndefined(values.partition),
      account: Option.getOrUndefined(values.account),
      qos: Option.getOrUndefined(values.qos),
      mem: Option.getOrUndefined(values.mem),
      time: Option.getOrUndefined(values.time),
      cpusPerTask: Option.getOrUndefined(values.cpusPerTask),
      extra: values.sbatchArg.length > 0 ? values.sbatchArg : undefined
    }
    const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
    return {
      ...base,
      runDir,
      resources: { ...config.resources, ...defined },
      stages: config.stages,
      maxConcurrent: Option.getOrUndefined(values.maxConcurrent),
      maxRequeues: Option.getOrUndefined(values.maxRequeues)
    }
  })
