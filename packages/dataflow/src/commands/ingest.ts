/**
 * `pretrain ingest <dir|git repo|node_modules> --out <dir> [--format parquet|jsonl]`
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as CorpusSummary from "../CorpusSummary.ts"
import * as Progress from "../Progress.ts"
import { runPipeline } from "../Run.ts"
import { defaultTasks, type IngestParams } from "./IngestPipeline.ts"
import { forceFlag, reportFailure, toJson, workersFlag } from "./shared.ts"

const here = fileURLToPath(import.meta.url)
/** The ingest pipeline module next to this file (`.ts` from source, `.js` once built). */
const ingestModule = path.join(path.dirname(here), `IngestPipeline${path.extname(here)}`)

/**
 * Ingest an input into a dataset; resolves to the stage result and the corpus summary.
 *
 * @since 0.1.0 @category execution
 */
export const ingest = (params: IngestParams, options: { workers?: number | undefined; force?: boolean | undefined; quiet?: boolean | undefined } = {}) =>
  runPipeline(ingestModule, { params, workers: options.workers, force: options.force, quiet: options.quiet }).pipe(
    Effect.flatMap((result) =>
      CorpusSummary.summarize(params.out).pipe(Effect.map((summary) => ({ stage: result.stages[0]!, summary })))
    )
  )

/** @since 0.1.0 @category commands */
export const ingestCommand = Command.make(
  "ingest",
  {
    input: Argument.String("input").pipe(Argument.withDescription("a directory, a git repository (tracked files) or a node_modules tree")),
    out: Flag.String("out").pipe(Flag.withDescription("output directory (Parquet parts, stats.json, rejects/)")),
    format: Flag.Literals("format", ["parquet", "jsonl"]).pipe(Flag.withDefault("parquet")),
    kind: Flag.Literals("kind", ["node-modules", "tree"]).pipe(
      Flag.withDescription("how to read the input (default: node-modules when the folder is named node_modules)"),
      Flag.optional
    ),
    tasks: Flag.Int("tasks").pipe(Flag.withDescription(`shards (default ${defaultTasks})`), Flag.optional),
    workers: workersFlag,
    force: forceFlag,
    json: Flag.Boolean("json").pipe(Flag.withDefault(false))
  },
  ({ force, format, input, json, kind, out, tasks, workers }) =>
    reportFailure(
      ingest(
        { input, out, format, kind: Option.getOrUndefined(kind), tasks: Option.getOrUndefined(tasks) },
        { workers: Option.getOrUndefined(workers), force }
      ).pipe(
        Effect.tap(({ stage, summary }) =>
          json
            ? Console.log(toJson({ stats: stage.stats, summary }))
            : Console.log(`${Progress.summary(stage.stats)}\n\n${CorpusSummary.format(summary)}\n\noutput: ${out}`)
        )
      )
    )
).pipe(Command.withDescription("Read source files into a dataset, one Doc per file with its provenance"))
