/**
 * Deduplicate a dataset on one machine, in two passes over the input: the first computes content
 * hashes or MinHash signatures and links duplicates (holding only the index, the union-find and
 * the survivor keys, never the texts), the second writes every kept document with its cluster id
 * and size, the removed documents to rejects with their reason, and a clusters file listing every
 * cluster of more than one document with its survivor.
 *
 * This is what `pretrain dedup` runs. The multi-stage mode (`MultiStage`) gives the same clusters
 * for data larger than one machine's memory.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type Doc, Input, Operator, Pipeline, runPipeline, Shard, type Sink, type Source, Stats } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { type Resolution, resolve } from "./Clusters.ts"
import { DedupIOError, DedupOptionsError, OutputExists } from "./Errors.ts"
import { ExactDeduper, type Options as ExactOptions } from "./ExactDedup.ts"
import { growU8 } from "./internal/hash.ts"
import { lazySource } from "./internal/source.ts"
import * as Membership from "./Membership.ts"
import { type Config as NearConfig, config as nearConfig, NearDeduper, type Options as NearOptions } from "./NearDedup.ts"
import { RankKeys, type Rule, rules } from "./Survivor.ts"

/** @since 0.1.0 @category models */
export type Mode = "exact" | "minhash"

/** What {@link run} and {@link stage} both take. @since 0.1.0 @category models */
export interface CommonOptions {
  /** A Parquet, JSONL or Arrow file, directory or glob (read twice: once to link, once to write). */
  readonly input: string | ReadonlyArray<string>
  /** Output directory for the kept documents (and rejects, and clusters.jsonl unless `clusters` is given). */
  readonly out: string
  /** `exact` (content hash) or `minhash` (near-duplicates; default). */
  readonly mode?: Mode | undefined
  readonly exact?: ExactOptions | undefined
  readonly minhash?: NearOptions | undefined
  /** Which document of a cluster is kept (default `stack-v2`). */
  readonly survivor?: Rule | undefined
  /** Clusters file (JSONL; default `<out>/clusters.jsonl`). */
  readonly clusters?: string | undefined
  /** Output format (default parquet). */
  readonly format?: Input.Format | undefined
}

/** @since 0.1.0 @category models */
export interface RunOptions extends CommonOptions {
  /** Write the removed documents here (default: `<out>/rejects/`, dataflow's rejects). */
  readonly rejects?: string | undefined
  /** Redo a completed run and overwrite an existing clusters file. */
  readonly force?: boolean | undefined
  /**
   * Incremental dedup: a membership index directory of an existing dataset. Every cluster with a
   * document that is in the index (exact copy, or near-duplicate at the threshold) is removed
   * entirely, with reason `in-index`.
   */
  readonly index?: string | undefined
}

/** @since 0.1.0 @category models */
export interface Summary {
  readonly mode: Mode
  readonly documents: number
  readonly kept: number
  readonly removed: number
  readonly fractionRemoved: number
  /** Clusters with more than one document. */
  readonly duplicateClusters: number
  readonly out: string
  readonly clustersFile: string
  readonly rejects: string
  /** The MinHash settings used (minhash mode). */
  readonly minhash?: NearConfig | undefined
  /** Candidate pairs examined and, with verification, rejected (minhash mode). */
  readonly candidates?: number | undefined
  readonly rejectedCandidates?: number | undefined
  /** Documents without any shingle, never linked (minhash mode). */
  readonly emptyDocuments?: number | undefined
  /** Documents removed because their cluster is in the membership index (with `index`). */
  readonly inIndex?: number | undefined
}

/** The columns added to every output document, per mode. @since 0.1.0 @category utils */
export const columns = (mode: Mode) => ({ id: `${mode}_cluster_id`, size: `${mode}_cluster_size` }) as const

/** The reason a removed document carries, per mode. @since 0.1.0 @category utils */
export const reason = (mode: Mode) => mode === "exact" ? "exact-duplicate" : "near-duplicate"

/** Pass 1 result. @since 0.1.0 @category models */
export interface Linked {
  readonly resolution: Resolution
  readonly near?: NearDeduper | undefined
  /** 1 where the document was removed because its cluster is in the index. */
  readonly inIndex?: Uint8Array | undefined
}

/**
 * Pass 1: read every document once and link duplicates. Returns the per-document resolution.
 * Counters and rejects of this pass go to a private `Telemetry`, so a stage that links inside its
 * task (see {@link stage}) does not count its input twice.
 *
 * @since 0.1.0 @category execution
 */
export const link = (
  input: string | ReadonlyArray<string>,
  options: {
    readonly mode: Mode
    readonly exact?: ExactOptions | undefined
    readonly minhash?: NearOptions | undefined
    readonly survivor: Rule
    readonly format?: Input.Format | undefined
    readonly index?: Membership.Index | undefined
  }
): Effect.Effect<Linked, Source.SourceError> =>
  Effect.suspend(() => {
    const ranks = new RankKeys(options.survivor)
    const exact = options.mode === "exact" ? new ExactDeduper(options.exact) : undefined
    const near = options.mode === "minhash" ? new NearDeduper(options.minhash) : undefined
    let n = 0
    const index = options.index
    let matched = new Uint8Array(1024)
    const threshold = near?.config.threshold ?? 0.7
    return lazySource(input, options.format).read(Shard.whole).pipe(
      Stream.runForEachArray((chunk) =>
        Effect.sync(() => {
          for (let i = 0; i < chunk.length; i++) {
            const doc = chunk[i]!
            if (exact !== undefined) exact.add(n, doc.content)
            else near!.add(n, doc.content)
            ranks.set(n, doc)
            if (index !== undefined) {
              matched = growU8(matched, n + 1)
              if (exact !== undefined ? index.query(doc.content, { containment: 2, limit: 1 }).exact.length > 0 : index.contains(doc.content, threshold)) {
                matched[n] = 1
              }
            }
            n++
          }
        })
      ),
      Effect.map(() => {
        const uf = exact !== undefined ? exact.unionFind : near!.unionFind
        const roots = uf.roots(n)
        const resolution = resolve(roots, ranks)
        if (index === undefined) return { resolution, near }
        // a cluster touching the index goes entirely
        const indexed = new Uint8Array(n)
        for (let i = 0; i < n; i++) if (matched[i] === 1) indexed[roots[i]!] = 1
        const inIndex = new Uint8Array(n)
        let removed = resolution.removed
        for (let i = 0; i < n; i++) {
          if (indexed[roots[i]!] === 0) continue
          inIndex[i] = 1
          if (resolution.keep[i] === 1) {
            resolution.keep[i] = 0
            removed++
          }
        }
        return { resolution: { ...resolution, removed }, near, inIndex }
      })
    )
  }).pipe(Effect.provideService(Stats.Telemetry, new Stats.TaskStats()))

/** Wrap a sink so that it also owns one extra file name in its directory (the clusters file). */
const owningAlso = <A>(sink: Sink.Sink<A>, extra: string | undefined): Sink.Sink<A> =>
  extra === undefined ? sink : {
    ...sink,
    ownsFile: (name) => sink.ownsFile(name) || name === extra,
    ownsTaskFile: (name, rank) => sink.ownsTaskFile(name, rank) || (rank === 0 && name === extra)
  }

interface Member {
  readonly doc: number
  readonly repo_name: unknown
  readonly path: unknown
  readonly kept: boolean
}

const validate = (options: RunOptions): DedupOptionsError | undefined => {
  if (options.mode !== undefined && options.mode !== "exact" && options.mode !== "minhash") {
    return new DedupOptionsError({ option: "mode", reason: `must be exact or minhash, got ${String(options.mode)}` })
  }
  if (options.survivor !== undefined && !rules.includes(options.survivor)) {
    return new DedupOptionsError({ option: "survivor", reason: `must be one of ${rules.join(", ")}, got ${String(options.survivor)}` })
  }
  if (options.rejects !== undefined && path.resolve(options.rejects) === path.resolve(options.out)) {
    return new DedupOptionsError({ option: "rejects", reason: "must differ from the output directory" })
  }
  if ((options.mode ?? "minhash") === "minhash") {
    try {
      nearConfig(options.minhash)
    } catch (e) {
      const [option, ...rest] = (e as Error).message.split(": ")
      return new DedupOptionsError({ option: option!, reason: rest.join(": ") })
    }
  }
  return undefined
}

/** @since 0.1.0 @category models */
export interface StageOptions extends CommonOptions {
  /** Format of `input` (default: detected from the path when the stage runs). */
  readonly inputFormat?: Input.Format | undefined
  /** Stage name (default `<mode>-dedup`). */
  readonly name?: string | undefined
  /** Write the removed documents instead of the kept ones (for a separate rejects directory). */
  readonly removed?: boolean | undefined
  /** Keep dataflow's `<out>/rejects/` (default true; false when `removed`). */
  readonly rejects?: boolean | undefined
}

const clustersLocation = (out: string, clusters: string | undefined) => {
  const file = path.resolve(clusters ?? path.join(out, "clusters.jsonl"))
  return { file, inOut: path.dirname(file) === path.resolve(out) ? path.basename(file) : undefined }
}

/**
 * One pipeline stage (a single task, since clustering needs the whole input) that deduplicates
 * `input` into `out`: it links the whole input first, then streams it again, adds
 * `<mode>_cluster_id` and `<mode>_cluster_size` to every document, drops the non-survivors with
 * reason `exact-duplicate` / `near-duplicate` (counted in the stage's stats, written to
 * `<out>/rejects/`), and writes the clusters file. Works on worker threads (`runPipeline` with a
 * module path), so a pipeline such as the stack-mini demo can add exact and near dedup as stages.
 *
 * @since 0.1.0 @category constructors
 */
export const stage = (options: StageOptions, linked?: Effect.Effect<Linked, Source.SourceError>): Pipeline.Stage<Doc, Doc> => {
  const mode = options.mode ?? "minhash"
  const survivor = options.survivor ?? "stack-v2"
  const wantKept = !(options.removed ?? false)
  const clusters = clustersLocation(options.out, options.clusters)
  const col = columns(mode)
  const why = reason(mode)
  const sink = Input.sink(options.out, options.format ?? "parquet")
  return Pipeline.stage({
    name: options.name ?? `${mode}-${wantKept ? "dedup" : "removed"}`,
    source: lazySource(options.input, options.inputFormat),
    steps: (docs) =>
      Stream.unwrap(Effect.map(linked ?? link(options.input, { mode, exact: options.exact, minhash: options.minhash, survivor, format: options.inputFormat }), ({ inIndex, resolution }) => {
        const { cluster, size, keep } = resolution
        const members = new Map<number, Array<Member>>()
        let mapped = 0
        let filtered = 0
        const annotated = docs.pipe(
          Operator.map(`${mode}-cluster`, (doc: Doc): Doc => {
            const id = mapped++
            if (wantKept && size[id]! > 1) {
              let list = members.get(cluster[id]!)
              if (list === undefined) members.set(cluster[id]!, list = [])
              list.push({ doc: id, repo_name: doc.repo_name ?? null, path: doc.path ?? null, kept: keep[id] === 1 })
            }
            return { ...doc, [col.id]: cluster[id]!, [col.size]: size[id]! }
          }),
          Operator.filter(`${mode}-dedup`, () => {
            const id = filtered++
            return (keep[id] === 1) === wantKept ? true : !wantKept ? "kept" : inIndex?.[id] === 1 ? "in-index" : why
          })
        )
        if (!wantKept) return annotated
        return Stream.concat(
          annotated,
          Stream.fromEffectDrain(Effect.try({
            try: () => writeClusters(clusters.file, members),
            catch: (cause) => new DedupIOError({ file: clusters.file, cause })
          }))
        )
      })),
    sink: wantKept ? owningAlso(sink, clusters.inOut) : sink,
    rejects: options.rejects ?? wantKept
  })
}

/**
 * Run exact or MinHash dedup over `input` into `out`. Output documents carry
 * `<mode>_cluster_id` (the input position of the cluster's first document) and
 * `<mode>_cluster_size`; removed documents go to rejects with reason `exact-duplicate` or
 * `near-duplicate`; the clusters file has one JSON line per cluster of two or more documents:
 * `{ cluster_id, size, survivor, members: [{ doc, repo_name, path, kept }] }`.
 *
 * @since 0.1.0 @category execution
 */
export const run = Effect.fn("Dedup.run")(function*(options: RunOptions) {
  const invalid = validate(options)
  if (invalid !== undefined) return yield* invalid
  const mode = options.mode ?? "minhash"
  const survivor = options.survivor ?? "stack-v2"
  const out = options.out
  const clusters = clustersLocation(out, options.clusters)
  if (clusters.inOut === undefined && fs.existsSync(clusters.file) && !options.force) return yield* new OutputExists({ file: clusters.file })

  const index = options.index === undefined ? undefined : yield* Membership.load(options.index)
  let result: Linked | undefined
  const linked = Effect.suspend(() =>
    result !== undefined ? Effect.succeed(result) : link(options.input, { mode, exact: options.exact, minhash: options.minhash, survivor, index }).pipe(
      Effect.tap((r) => Effect.sync(() => void (result = r)))
    )
  )
  const common = { input: options.input, mode, exact: options.exact, minhash: options.minhash, survivor, format: options.format, clusters: clusters.file }
  const stages = [stage({ ...common, out, rejects: options.rejects === undefined }, linked)]
  if (options.rejects !== undefined) stages.push(stage({ ...common, out: options.rejects, removed: true }, linked))
  yield* runPipeline(Pipeline.make(`${mode}-dedup`, stages), { workers: 0, quiet: true, force: options.force })
  // a rerun of a completed run skips its tasks: link once more for the summary
  const { inIndex, near, resolution } = yield* linked
  const summary = summarize(mode, resolution, near, { out, clustersFile: clusters.file, rejects: options.rejects ?? path.join(out, "rejects") })
  return inIndex === undefined ? summary : { ...summary, inIndex: inIndex.reduce((a, b) => a + b, 0) }
})

/**
 * The summary of a run from its resolution.
 *
 * @since 0.1.0 @category utils
 */
export const summarize = (
  mode: Mode,
  resolution: Resolution,
  near: NearDeduper | undefined,
  where: { readonly out: string; readonly clustersFile: string; readonly rejects: string }
): Summary => ({
  mode,
  documents: resolution.documents,
  kept: resolution.documents - resolution.removed,
  removed: resolution.removed,
  fractionRemoved: resolution.documents === 0 ? 0 : resolution.removed / resolution.documents,
  duplicateClusters: resolution.duplicateClusters,
  ...where,
  ...(near === undefined ? {} : {
    minhash: near.config,
    candidates: near.candidates,
    rejectedCandidates: near.rejected,
    emptyDocuments: near.empty
  })
})

/** Write the clusters file atomically, clusters in id order. */
const writeClusters = (file: string, members: Map<number, Array<Member>>) => {
  const ids = [...members.keys()].sort((a, b) => a - b)
  const lines: Array<string> = []
  for (const id of ids) {
    const list = members.get(id)!
    const survivor = list.find((m) => m.kept)
    lines.push(JSON.stringify({ cluster_id: id, size: list.length, survivor: survivor?.doc ?? null, members: list }))
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${path.basename(file)}`)
  fs.writeFileSync(tmp, lines.length === 0 ? "" : lines.join("\n") + "\n")
  fs.renameSync(tmp, file)
}

/**
 * A few lines describing a run: documents in, kept, removed (and the fraction), clusters.
 *
 * @since 0.1.0 @category utils
 */
export const format = (summary: Summary): string => {
  const pct = (summary.fractionRemoved * 100).toFixed(2)
  const lines = [
    `${summary.mode} dedup: ${summary.documents} documents, ${summary.kept} kept, ${summary.removed} removed (${pct}%) in ${summary.duplicateClusters} clusters`
  ]
  if (summary.minhash !== undefined) {
    const m = summary.minhash
    lines.push(
      `  ${m.shingle} ${m.ngram}-grams, ${m.numPerm} permutations, ${m.bands} bands x ${m.rows} rows, threshold ${m.threshold}` +
        (m.verify ? `, exact Jaccard check (${summary.rejectedCandidates} of ${summary.candidates} candidate pairs rejected)` : "")
    )
  }
  if (summary.inIndex !== undefined) lines.push(`  ${summary.inIndex} of the removed documents are in clusters already in the index`)
  lines.push(`  kept: ${summary.out}`, `  clusters: ${summary.clustersFile}`, `  removed: ${summary.rejects}`)
  return lines.join("\n")
}
