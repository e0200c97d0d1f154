/**
 * The curation subcommand of the `pretrain` CLI, built with `effect/cli`:
 *
 * ```
 * pretrain curate <input> --out <dir> [--rejects <dir>] [--config curate.json] [--format parquet|jsonl]
 *                 [--mapping doc|stack-v1|stack-v2] [--tasks N] [--workers N] [--force] [--json]
 * pretrain curate --explain <file> [--as <path in repo>] [--config curate.json] [--json]
 * ```
 *
 * @since 0.1.0
 */
import { Commands as Dataflow, Input, type InputNotFound, OutputNotEmpty, runPipeline } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Curate from "./Curate.ts"
import { type CurateParams, defaultTasks } from "./CuratePipeline.ts"
import { summarize } from "./Demo.ts"
import { CurateConfigError } from "./Errors.ts"

const here = fileURLToPath(import.meta.url)
/** The pipeline module next to this file (`.ts` from sources, `.js` once built). */
const pipelineModule = path.join(path.dirname(here), `CuratePipeline${path.extname(here)}`)

/**
 * Read and check a `curate.json` (fails with {@link CurateConfigError} naming the file and field).
 *
 * @since 0.1.0 @category config
 */
export const readConfig = (file: string): Effect.Effect<{ readonly json: unknown; readonly config: Curate.Config }, CurateConfigError> =>
  Effect.try({
    try: () => {
      const text = fs.readFileSync(file, "utf8")
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (e) {
        throw new CurateConfigError({ file, path: "", reason: `not JSON: ${(e as Error).message}` })
      }
      return { json, config: Curate.resolve(json, { file, baseDir: path.dirname(path.resolve(file)) }) }
    },
    catch: (e) => (e instanceof CurateConfigError ? e : new CurateConfigError({ file, path: "", reason: (e as Error).message }))
  })

/**
 * Curate a dataset: run the curation pipeline on worker threads; `rejects` moves the rejected
 * records from `<out>/rejects/` to that directory afterwards.
 *
 * @since 0.1.0 @category execution
 */
export const curate = (
  params: CurateParams,
  options: { workers?: number | undefined; force?: boolean | undefined; quiet?: boolean | undefined; rejects?: string | undefined } = {}
) =>
  runPipeline(pipelineModule, { params, workers: options.workers, force: options.force, quiet: options.quiet }).pipe(
    Effect.map((result) => result.stages[0]!),
    Effect.tap((stage) =>
      Effect.sync(() => {
        if (options.rejects === undefined) return
        const from = path.join(stage.dir, "rejects")
        if (!fs.existsSync(from)) return
        fs.mkdirSync(options.rejects, { recursive: true })
        for (const f of fs.readdirSync(from)) fs.renameSync(path.join(from, f), path.join(options.rejects, f))
        fs.rmdirSync(from)
      })
    )
  )

/**
 * Explain one source file: every rule's verdict and measurement.
 *
 * @since 0.1.0 @category execution
 */
export const explainFile = (file: string, config: Curate.Config = Curate.defaults, as?: string) =>
  Effect.try({
    try: () => Curate.explain({ content: fs.readFileSync(file, "utf8"), path: (as ?? file).split(path.sep).join("/") }, config),
    catch: (e) => new CurateConfigError({ file, path: "", reason: `cannot read: ${(e as Error).message}` })
  })

/** @since 0.1.0 @category commands */
export const curateCommand = Command.make(
  "curate",
  {
    input: Argument.String("input").pipe(Argument.withDescription("a Parquet, JSONL or Arrow dataset (file, directory or glob)"), Argument.optional),
    out: Flag.String("out").pipe(Flag.withDescription("output directory (Parquet parts, stats.json)"), Flag.optional),
    rejects: Flag.String("rejects").pipe(Flag.withDescription("directory for rejected files (default: <out>/rejects)"), Flag.optional),
    config: Flag.String("config").pipe(Flag.withDescription("curate.json: per-step settings over The Stack v2 defaults"), Flag.optional),
    explain: Flag.String("explain").pipe(Flag.withDescription("say which rule keeps or drops this source file, and why"), Flag.optional),
    as: Flag.String("as").pipe(Flag.withDescription("with --explain: the path inside its repository the rules see (default: the file path)"), Flag.optional),
    format: Flag.Literals("format", ["parquet", "jsonl"]).pipe(Flag.withDescription("output format"), Flag.withDefault("parquet")),
    mapping: Flag.Literals("mapping", ["doc", "stack-v1", "stack-v2"]).pipe(
      Flag.withDescription("column mapping of a Parquet input (stack-v1: The Stack v1 shards as published)"),
      Flag.optional
    ),
    tasks: Flag.Int("tasks").pipe(Flag.withDescription(`shards (default ${defaultTasks})`), Flag.optional),
    workers: Flag.Int("workers").pipe(
      Flag.withDescription("worker threads (default: one per core); outputs do not depend on it"),
      Flag.optional
    ),
    force: Flag.Boolean("force").pipe(Flag.withDescription("delete what earlier runs wrote and rerun every task"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print JSON"), Flag.withDefault(false))
  },
  (a) =>
    Dataflow.reportFailure(Effect.gen(function*() {
      const configFile = Option.getOrUndefined(a.config)
      const loaded = configFile === undefined ? undefined : yield* readConfig(configFile)
      const explain = Option.getOrUndefined(a.explain)
      if (explain !== undefined) {
        const e = yield* explainFile(explain, loaded?.config ?? Curate.defaults, Option.getOrUndefined(a.as))
        yield* Console.log(a.json ? Dataflow.toJson(e) : Curate.formatExplanation(e))
        return
      }
      const input = Option.getOrUndefined(a.input)
      const out = Option.getOrUndefined(a.out)
      if (input === undefined || out === undefined) {
        return yield* new CurateConfigError({ file: "(command line)", path: "", reason: "give <input> and --out <dir>, or --explain <file>" })
      }
      // A missing input fails here, before any worker starts (the pipeline module reads a missing
      // input as an earlier stage's Parquet output still to be written).
      if (Option.isNone(a.mapping)) {
        yield* Effect.try({ try: () => Input.detectFormat(input), catch: (e) => e as InputNotFound })
      }
      // Rejects moved to --rejects never overwrite files there without --force.
      const rejects = Option.getOrUndefined(a.rejects)
      if (rejects !== undefined && !a.force && fs.existsSync(rejects) && fs.readdirSync(rejects).length > 0) {
        return yield* new OutputNotEmpty({ dir: rejects, foreign: fs.readdirSync(rejects) })
      }
      const stage = yield* curate(
        {
          input,
          out,
          config: loaded?.json ?? {},
          configFile,
          configDir: configFile === undefined ? undefined : path.dirname(path.resolve(configFile)),
          format: a.format,
          tasks: Option.getOrUndefined(a.tasks),
          mapping: Option.getOrUndefined(a.mapping)
        },
        { workers: Option.getOrUndefined(a.workers), force: a.force, rejects }
      )
      yield* Console.log(a.json ? Dataflow.toJson(stage.stats) : `${summarize(stage.stats, 40)}\n\noutput: ${out}`)
    }))
).pipe(Command.withDescription("Filter, redact and decontaminate a code dataset the way The Stack v2 / StarCoder2 did"))

/** The curation subcommands. @since 0.1.0 @category commands */
export const commands = [curateCommand] as const
