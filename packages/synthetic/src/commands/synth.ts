/**
 * `pretrain synth cosmopedia|oss-instruct|self-align --backend URL|inhouse:DIR|gguf:FILE --seeds INPUT --out DIR
 *  [--n N] [--concurrency K] [--model ID] [--benchmark FILE,...] [--seed S] [--max-tokens N]
 *  [--temperature T] [--attempts A] [--language javascript|python] [--json]`
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Backends from "../Backends.ts"
import * as Cosmopedia from "../Cosmopedia.ts"
import { OptionError, StoreError } from "../Errors.ts"
import { Gate } from "../Gate.ts"
import type { Sampling } from "../Llm.ts"
import * as OssInstruct from "../OssInstruct.ts"
import * as Run from "../Run.ts"
import * as Seeds from "../Seeds.ts"
import * as SelfAlign from "../SelfAlign.ts"

const common = {
  backend: Flag.String("backend").pipe(Flag.withDescription("http(s)://HOST:PORT/v1 (OpenAI-compatible server), inhouse:DIR (a trainer checkpoint) or gguf:FILE (node-llama-cpp)")),
  seeds: Flag.String("seeds").pipe(Flag.withDescription("seed file or directory (JSONL with text/content, or plain files)")),
  out: Flag.String("out").pipe(Flag.withDescription("output directory (outputs.jsonl, rejects.jsonl, report.json); a rerun resumes it")),
  n: Flag.Int("n").pipe(Flag.withDescription("sample this many requests (default: all)"), Flag.optional),
  concurrency: Flag.Int("concurrency").pipe(Flag.withDescription("requests in flight (default 4)"), Flag.withDefault(4)),
  model: Flag.String("model").pipe(Flag.withDescription("model id to request (default: the server's first)"), Flag.optional),
  benchmark: Flag.String("benchmark").pipe(Flag.withDescription("comma-separated HumanEval / MBPP JSONL files to decontaminate against"), Flag.optional),
  seed: Flag.Int("seed").pipe(Flag.withDescription("seed of sampling and of the request sample (default 0)"), Flag.withDefault(0)),
  maxTokens: Flag.Int("max-tokens").pipe(Flag.withDescription("tokens per answer (default: the generator's)"), Flag.optional),
  temperature: Flag.Finite("temperature").pipe(Flag.withDescription("sampling temperature (default: the generator's)"), Flag.optional),
  attempts: Flag.Int("attempts").pipe(Flag.withDescription("generations per request until the JSON validates (default 3)"), Flag.withDefault(3)),
  json: Flag.Boolean("json").pipe(Flag.withDescription("print the report as JSON"), Flag.withDefault(false))
} as const

type Common = {
  readonly backend: string
  readonly seeds: string
  readonly out: string
  readonly n: Option.Option<number>
  readonly concurrency: number
  readonly model: Option.Option<string>
  readonly benchmark: Option.Option<string>
  readonly seed: number
  readonly maxTokens: Option.Option<number>
  readonly temperature: Option.Option<number>
  readonly attempts: number
  readonly json: boolean
}

const sampling = (o: Common): Sampling => ({
  seed: o.seed,
  ...(Option.isSome(o.maxTokens) ? { maxTokens: o.maxTokens.value } : {}),
  ...(Option.isSome(o.temperature) ? { temperature: o.temperature.value } : {})
})

/** Writes `report.json` atomically (temporary name, then rename). */
const writeReport = (dir: string, report: unknown) =>
  Effect.try({
    try: () => {
      const file = path.join(dir, "report.json")
      fs.writeFileSync(`${file}.tmp`, `${Commands.toJson(report)}\n`)
      fs.renameSync(`${file}.tmp`, file)
    },
    catch: (e) => new StoreError({ file: path.join(dir, "report.json"), reason: String(e) })
  })

const format = (generator: string, promptSet: object, run: Run.Report): string => {
  const rejected = Object.entries(run.rejected).map(([k, v]) => `${k} ${v}`).join(", ") || "none"
  return [
    `synth ${generator}: ${run.requests} requests (${run.skipped} done earlier), ${run.kept} kept, rejected: ${rejected}, backend failures ${run.failed}`,
    `prompt set: ${JSON.stringify(promptSet)}`,
    ...run.errors.map((e) => `  backend error: ${e}`)
  ].join("\n")
}

/** The shared body: read seeds, plan, run against the backend, report. */
const execute = (generator: string, o: Common, planFor: (seeds: Array<Seeds.Seed>) => { readonly tasks: ReadonlyArray<Run.Task>; readonly report: object }) =>
  Commands.reportFailure(
    Effect.gen(function*() {
      if (o.concurrency < 1) return yield* Effect.fail(new OptionError({ option: "--concurrency", reason: `must be at least 1, got ${o.concurrency}` }))
      if (Option.isSome(o.n) && o.n.value < 1) return yield* Effect.fail(new OptionError({ option: "--n", reason: `must be at least 1, got ${o.n.value}` }))
      const seeds = yield* Seeds.read(o.seeds)
      const { tasks, report: promptSet } = yield* Effect.try({ try: () => planFor(seeds), catch: (e) => new OptionError({ option: generator, reason: e instanceof Error ? e.message : String(e) }) })
      const benchmarks = Option.isSome(o.benchmark) ? o.benchmark.value.split(",").filter((s) => s !== "") : []
      const gate = yield* Effect.try({ try: () => new Gate({ benchmarks }), catch: (e) => e instanceof OptionError ? e : new OptionError({ option: "--benchmark", reason: e instanceof Error ? e.message : String(e) }) })
      const layer = Backends.fromSpec(o.backend, { model: Option.getOrUndefined(o.model), concurrency: o.concurrency })
      const run = yield* Run.run(tasks, { out: o.out, concurrency: o.concurrency, gate }).pipe(Effect.provide(layer))
      yield* writeReport(o.out, { generator, promptSet, run })
      yield* Console.log(o.json ? Commands.toJson({ generator, promptSet, run }) : format(generator, promptSet, run))
      if (run.failed > 0) process.exitCode = 1
    })
  )

/** @since 0.1.0 @category commands */
export const cosmopediaCommand = Command.make(
  "cosmopedia",
  {
    ...common,
    audiences: Flag.String("audiences").pipe(Flag.withDescription(`comma-separated audiences (default: ${Cosmopedia.audiences.join(", ")})`), Flag.optional),
    styles: Flag.String("styles").pipe(Flag.withDescription(`comma-separated styles (default: ${Object.keys(Cosmopedia.styles).join(", ")})`), Flag.optional)
  },
  (o) =>
    execute("cosmopedia", o, (seeds) =>
      Cosmopedia.plan(seeds, {
        n: Option.getOrUndefined(o.n),
        seed: o.seed,
        sampling: sampling(o),
        ...(Option.isSome(o.audiences) ? { audiences: o.audiences.value.split(",").map((s) => s.trim()).filter((s) => s !== "") } : {}),
        ...(Option.isSome(o.styles) ? { styles: o.styles.value.split(",").map((s) => s.trim()) as Array<Cosmopedia.Style> } : {})
      }))
).pipe(Command.withDescription("Textbooks, blog posts, tutorials and stories from seed texts x audiences x styles (Cosmopedia)"))

/** @since 0.1.0 @category commands */
export const ossInstructCommand = Command.make(
  "oss-instruct",
  { ...common, perSeed: Flag.Int("per-seed").pipe(Flag.withDescription("snippets drawn per seed file (default 1)"), Flag.withDefault(1)) },
  (o) =>
    execute("oss-instruct", o, (seeds) =>
      OssInstruct.plan(seeds, { n: Option.getOrUndefined(o.n), seed: o.seed, perSeed: o.perSeed, attempts: o.attempts, sampling: sampling(o) }))
).pipe(Command.withDescription("Problem + solution pairs inspired by random code snippets (Magicoder OSS-Instruct)"))

/** @since 0.1.0 @category commands */
export const selfAlignCommand = Command.make(
  "self-align",
  {
    ...common,
    responses: Flag.Int("responses").pipe(Flag.withDescription("responses per instruction (default 1)"), Flag.withDefault(1)),
    language: Flag.Literals("language", ["javascript", "python"]).pipe(Flag.withDescription("language of solutions and tests (default javascript)"), Flag.withDefault("javascript")),
    timeout: Flag.Int("exec-timeout-ms").pipe(Flag.withDescription("time limit of each test run (default 10000)"), Flag.withDefault(10_000)),
    memory: Flag.Int("exec-memory-mb").pipe(Flag.withDescription("memory limit of each test run (default 256)"), Flag.withDefault(256))
  },
  (o) =>
    execute("self-align", o, (seeds) =>
      SelfAlign.plan(seeds, {
        n: Option.getOrUndefined(o.n),
        seed: o.seed,
        responses: o.responses,
        language: o.language as "javascript" | "python",
        attempts: o.attempts,
        sampling: sampling(o),
        execution: { timeoutMs: o.timeout, memoryMb: o.memory }
      }))
).pipe(Command.withDescription("Concepts -> instruction -> response with tests, kept only when the tests pass (StarCoder2-Instruct)"))

/** @since 0.1.0 @category commands */
export const synth = Command.make("synth").pipe(
  Command.withDescription("Generate synthetic training data with a local LLM (resumable; deduplicated and decontaminated)"),
  Command.withSubcommands([cosmopediaCommand, ossInstructCommand, selfAlignCommand])
)
