/**
 * What a run directory holds, read for the report: each stage directory's `stats.json`, dedup
 * clusters, the tokenizer's statistics and the packing summary.
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

const readClusters = (file: string): Effect.Effect<ReadonlyArray<Cluster>, RunDirError> =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (cause) => new RunDirError({ path: file, reason: `cannot read (${String(cause)})` })
  }).pipe(Effect.flatMap((text) => {
    const out: Array<Cluster> = []
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
      if (!isObject(value) || typeof value.size !== "number" || !Array.isArray(value.members)) {
        return Effect.fail(new RunDirError({ path: file, reason: `line ${i + 1}: not a cluster (size, members)` }))
      }
      out.push(value as unknown as Cluster)
    }
    return Effect.succeed(out)
  }))

const hasParquet = (dir: string) => fs.readdirSync(dir).some((f) => f.endsWith(".parquet"))

/**
 * Read a run directory: every subdirectory with a `stats.json` of a document stage, `clusters.jsonl`
 * files, `tokenizer-stats.json` and `pack.json`. Fails with {@link RunDirError} when the directory
 * does not exist, holds no stage, or a file in it is malformed.
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
  for (const name of subdirs) {
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
  if (stages.length === 0) return yield* Effect.fail(new RunDirError({ path: dir, reason: "no stage directory with a stats.json" }))
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
  return { dir: root, stages, corpus, corpusStage: last?.dir, dedup, tokenizer, packing } satisfies Run
})
