/**
 * What a run directory holds, read for the report: each stage directory's `stats.json`, dedup
 * clusters, the tokenizer's statistics, the packing summary and training runs (`metrics.jsonl`).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { CorpusSummary, type Stats } from "@pretrain/dataflow"
import { Data, Effect } from "effect"

/**
 * A run directory, or a file in it, that cannot be read as a run.
 *
 * @since 0.1.0 @category errors
 */
export class RunDirError extends Data.TaggedError("RunDirError")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `${this.path}: ${this.reason}`
  }
}

/** One document stage: its directory name and merged stats. @since 0.1.0 @category models */
export type StageInfo = {
  readonly dir: string
  readonly stats: Stats.StageStatsJson
}

/** One duplicate cluster, as `clusters.jsonl` writes it. @since 0.1.0 @category models */
export type Cluster = {
  readonly cluster_id: number
  readonly size: number
  readonly survivor: number
  readonly members: ReadonlyArray<{ readonly doc: number; readonly repo_name?: string | null; readonly path?: string | null; readonly kept: boolean }>
}

/** The clusters of one dedup stage. @since 0.1.0 @category models */
export type DedupInfo = {
  readonly dir: string
  readonly clusters: ReadonlyArray<Cluster>
}

/** The tokenizer's training and held-out statistics (`tokenizer-stats.json`). @since 0.1.0 @category models */
export type TokenizerInfo = {
  readonly dir: string
  readonly preset?: string
  readonly seconds?: number
  readonly train: { readonly documents: number; readonly characters: number; readonly merges: number; readonly vocabSize: number }
  readonly heldOut: { readonly documents: number; readonly bytes: number; readonly tokens: number; readonly bytesPerToken: number; readonly charsPerToken: number }
}

/** The packing summary (`pack.json`). @since 0.1.0 @category models */
export type PackingInfo = {
  readonly dir: string
  readonly format: string
  readonly layout?: string
  readonly packing?: string
  readonly seqLen: number
  readonly vocabSize?: number
  readonly files?: number
  readonly fimChunks?: number
  readonly paddingFraction?: number
  readonly splitFraction?: number
  readonly stats: { readonly documents: number; readonly tokens: number; readonly sequences: number; readonly paddingTokens: number }
}

/** One line of a trainer's `metrics.jsonl`: a training step or a held-out evaluation. @since 0.1.0 @category models */
export type MetricRecord =
  | {
    readonly kind: "train"
    readonly step: number
    readonly loss: number
    readonly lr?: number
    readonly gradNorm?: number
    readonly tokens: number
    readonly tokensPerSec?: number
    readonly elapsedSec?: number
  }
  | { readonly kind: "eval"; readonly step: number; readonly loss: number; readonly bitsPerByte?: number | null; readonly tokens?: number }

/** The first run of a trainer's `summary.json`. @since 0.1.0 @category models */
export type TrainingSummary = {
  readonly params?: number
  readonly nonEmbeddingParams?: number
  readonly tokens?: number
  readonly loss?: number
  readonly steps?: number
  readonly flops?: number
  readonly bitsPerByte?: number | null
  readonly config?: Record<string, unknown>
}

/** A training run: its directory (`.` for the run directory itself), metrics and summary. @since 0.1.0 @category models */
export type TrainingInfo = {
  readonly dir: string
  readonly records: ReadonlyArray<MetricRecord>
  readonly summary: TrainingSummary | undefined
}

/** Everything the report shows about one run. @since 0.1.0 @category models */
export type Run = {
  readonly dir: string
  /** Document stages in funnel order (most documents in first). */
  readonly stages: ReadonlyArray<StageInfo>
  /** Language and license mix of the last document stage's output, when it has Parquet parts. */
  readonly corpus: CorpusSummary.Summary | undefined
  readonly corpusStage: string | undefined
  readonly dedup: ReadonlyArray<DedupInfo>
  readonly tokenizer: TokenizerInfo | undefined
  readonly packing: PackingInfo | undefined
  readonly training: ReadonlyArray<TrainingInfo>
}

const readJson = (file: string): Effect.Effect<unknown, RunDirError> =>
  Effect.try({
    try: () => JSON.parse(fs.readFileSync(file, "utf8")) as unknown,
    catch: (cause) => new RunDirError({ path: file, reason: cause instanceof SyntaxError ? `not valid JSON (${cause.message})` : `cannot read (${String(cause)})` })
  })

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const isStageStats = (u: unknown): u is Stats.StageStatsJson =>
  isObject(u) && typeof u.stage === "string" && typeof u.docsIn === "number" && typeof u.docsOut === "number" &&
  typeof u.bytesIn === "number" && typeof u.bytesOut === "number" && isObject(u.drops)

/**
 * A JSON Lines file, each non-empty line checked by `check`: the record to keep, `undefined` to skip
 * the line, or a string saying why the line is not a record (the error names the file and line).
 */
const readJsonLines = <A>(file: string, check: (value: unknown) => A | undefined | string): Effect.Effect<ReadonlyArray<A>, RunDirError> =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (cause) => new RunDirError({ path: file, reason: `cannot read (${String(cause)})` })
  }).pipe(Effect.flatMap((text) => {
    const out: Array<A> = []
    const lines = text.split("\n")
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.trim() === "") continue
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        return Effect.fail(new RunDirError({ path: file, reason: `line ${i + 1}: not valid JSON` }))
      }
      const checked = check(value)
      if (typeof checked === "string") return Effect.fail(new RunDirError({ path: file, reason: `line ${i + 1}: ${checked}` }))
      if (checked !== undefined) out.push(checked)
    }
    return Effect.succeed(out)
  }))

const readClusters = (file: string): Effect.Effect<ReadonlyArray<Cluster>, RunDirError> =>
  readJsonLines(file, (value) =>
    isObject(value) && typeof value.size === "number" && Array.isArray(value.members) ? value as unknown as Cluster : "not a cluster (size, members)")

const finite = (u: unknown): u is number => typeof u === "number" && Number.isFinite(u)

/** A trainer's `metrics.jsonl`: every non-empty line a train or eval record. */
const readMetrics = (file: string): Effect.Effect<ReadonlyArray<MetricRecord>, RunDirError> =>
  readJsonLines(file, (value) => {
    if (!isObject(value) || (value.kind !== "train" && value.kind !== "eval") || !finite(value.step)) return `not a metrics record (kind "train" or "eval", step, loss)`
    // a diverged step's loss is written as null (JSON has no NaN): kept out of the curve
    if (value.loss === null) return undefined
    if (!finite(value.loss)) return `not a metrics record (kind "train" or "eval", step, loss)`
    if (value.kind === "train" && !finite(value.tokens)) return "a train record needs tokens"
    return value as unknown as MetricRecord
  })

/** A training run in `dir` (`metrics.jsonl`, optionally `summary.json`), or undefined when there is none. */
const readTraining = (root: string, name: string): Effect.Effect<TrainingInfo | undefined, RunDirError> =>
  Effect.gen(function*() {
    const dir = path.join(root, name)
    const metricsFile = path.join(dir, "metrics.jsonl")
    if (!fs.existsSync(metricsFile)) return undefined
    const records = yield* readMetrics(metricsFile)
    const summaryFile = path.join(dir, "summary.json")
    let summary: TrainingSummary | undefined
    if (fs.existsSync(summaryFile)) {
      const value = yield* readJson(summaryFile)
      const first = isObject(value) && Array.isArray(value.runs) ? value.runs[0] : undefined
      if (!isObject(first)) return yield* Effect.fail(new RunDirError({ path: summaryFile, reason: "not a training summary ({\"runs\": [{...}]})" }))
      summary = first as TrainingSummary
    }
    return { dir: name, records, summary }
  })

const hasParquet = (dir: string) => fs.readdirSync(dir).some((f) => f.endsWith(".parquet"))

/**
 * Read a run directory: every subdirectory with a `stats.json` of a document stage, `clusters.jsonl`
 * files, `tokenizer-stats.json`, `pack.json` and training runs (a `metrics.jsonl`, with the
 * `summary.json` beside it; the run directory itself may be one). Fails with {@link RunDirError}
 * when the directory does not exist, holds neither a stage nor a training run, or a file in it is
 * malformed.
 *
 * @since 0.1.0 @category constructors
 */
export const read: (dir: string) => Effect.Effect<Run, RunDirError> = Effect.fn("RunDir.read")(function*(dir: string) {
  const root = path.resolve(dir)
  const stat = fs.statSync(root, { throwIfNoEntry: false })
  if (stat === undefined || !stat.isDirectory()) return yield* Effect.fail(new RunDirError({ path: dir, reason: "not a directory" }))
  const subdirs = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort()
  const stages: Array<StageInfo> = []
  const dedup: Array<DedupInfo> = []
  let tokenizer: TokenizerInfo | undefined
  let packing: PackingInfo | undefined
  const training: Array<TrainingInfo> = []
  const own = yield* readTraining(root, ".")
  if (own !== undefined) training.push(own)
  for (const name of subdirs) {
    const trained = yield* readTraining(root, name)
    if (trained !== undefined) {
      training.push(trained)
      continue
    }
    const sub = path.join(root, name)
    const packFile = path.join(sub, "pack.json")
    const tokenizerFile = path.join(sub, "tokenizer-stats.json")
    if (fs.existsSync(packFile)) {
      const value = yield* readJson(packFile)
      if (!isObject(value) || !isObject(value.stats) || typeof value.seqLen !== "number") {
        return yield* Effect.fail(new RunDirError({ path: packFile, reason: "not a packing summary (seqLen, stats)" }))
      }
      packing = { ...(value as unknown as PackingInfo), dir: name }
      continue
    }
    if (fs.existsSync(tokenizerFile)) {
      const value = yield* readJson(tokenizerFile)
      if (!isObject(value) || !isObject(value.train) || !isObject(value.heldOut)) {
        return yield* Effect.fail(new RunDirError({ path: tokenizerFile, reason: "not tokenizer statistics (train, heldOut)" }))
      }
      tokenizer = { ...(value as unknown as TokenizerInfo), dir: name }
      continue
    }
    const statsFile = path.join(sub, "stats.json")
    if (fs.existsSync(statsFile)) {
      const value = yield* readJson(statsFile)
      if (!isStageStats(value)) return yield* Effect.fail(new RunDirError({ path: statsFile, reason: "not stage stats (stage, docsIn, docsOut, bytesIn, bytesOut, drops)" }))
      stages.push({ dir: name, stats: value })
    }
    const clustersFile = path.join(sub, "clusters.jsonl")
    if (fs.existsSync(clustersFile)) dedup.push({ dir: name, clusters: yield* readClusters(clustersFile) })
  }
  if (stages.length === 0 && training.length === 0) {
    return yield* Effect.fail(new RunDirError({ path: dir, reason: "no stage directory with a stats.json and no training run (metrics.jsonl)" }))
  }
  // a funnel: each stage reads what the one before kept, so documents in only go down
  stages.sort((a, b) => b.stats.docsIn - a.stats.docsIn || b.stats.docsOut - a.stats.docsOut || (a.dir < b.dir ? -1 : 1))
  const last = [...stages].reverse().find((s) => hasParquet(path.join(root, s.dir)))
  const corpus = last === undefined
    ? undefined
    : yield* CorpusSummary.summarize(path.join(root, last.dir)).pipe(
      Effect.mapError((e) => new RunDirError({ path: path.join(root, last.dir), reason: e.message }))
    )
  const order = new Map(stages.map((s, i) => [s.dir, i]))
  dedup.sort((a, b) => (order.get(a.dir) ?? 0) - (order.get(b.dir) ?? 0))
  return { dir: root, stages, corpus, corpusStage: last?.dir, dedup, tokenizer, packing, training } satisfies Run
})
