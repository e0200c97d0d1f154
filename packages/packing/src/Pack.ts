/**
 * Format, tokenize and pack a dataset into fixed-length sequences, as three dataflow stages run on
 * worker threads (completion markers, resume, and byte-identical output whatever the worker count):
 *
 * 1. `partition` (`tasks` tasks, one shard of the input each): every file goes to partition
 *    `hash(repository) mod partitions`, written to disk as JSONL
 *    (`<out>/work/partitions/p-PPPPP-tTTTTT.bin`, binary records), so the files of a repository meet in one
 *    partition however they are scattered over the input shards, and no task holds more than its
 *    partition in memory.
 * 2. `pack` (one task per partition): groups the partition's files by repository (in input order),
 *    formats each repository (StarCoder2) or file (StarCoder1) with FIM ({@link Layout}), encodes it
 *    ({@link Example.Encoder}) and packs the ids ({@link Packer}) into a Megatron shard
 *    (`<out>/work/shards/shard-PPPPP.{bin,idx}` plus its boundaries, its best-fit leftovers and
 *    statistics).
 * 3. `merge` (one task): best-fit over the leftovers of all shards, then a seeded global shuffle of
 *    all sequences, written to `<out>` as Megatron `.bin`/`.idx` or Parquet ({@link TokenDataset}),
 *    with `pack.json`.
 *
 * ```ts
 * const summary = await Effect.runPromise(Pack.run({
 *   input: "data/dedup", tokenizer: "tokenizer.json", out: "data/packed", seqLen: 2048,
 *   format: "megatron", layout: "starcoder2", packing: "best-fit", seed: 1
 * }, { workers: 2 }))
 * console.log(Pack.summarize(summary))
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Doc, Input, type InputNotFound, Pipeline, runPipeline, type Sink, type Source } from "@pretrain/dataflow"
import { Tokenizer, type TokenizerFileError, type UnsupportedTokenizer } from "@pretrain/tokenizer"
import { Effect, Stream } from "effect"
import { Encoder } from "./Example.ts"
import { MissingSpecialToken, PackOptionsError, SettingsChanged, TokenDatasetError } from "./Errors.ts"
import { U32Buffer } from "./internal/buffer.ts"
import { pad, writeAtomic } from "./internal/files.ts"
import * as Partition from "./internal/partition.ts"
import { Rng } from "./internal/rng.ts"
import * as Layout from "./Layout.ts"
import * as Megatron from "./Megatron.ts"
import * as Packer from "./Packer.ts"
import * as Settings from "./Settings.ts"
import * as TokenDataset from "./TokenDataset.ts"
import { END_OF_TEXT, FIM_PAD } from "./Tokens.ts"

/** Parameters (JSON data: each worker thread builds the pipeline from them). @since 0.1.0 @category models */
export interface Params {
  /** A dataset (Parquet, JSONL or Arrow: file, directory or glob) with `content`, `repo_name`, `path`. */
  readonly input: string | ReadonlyArray<string>
  /** tokenizer.json. */
  readonly tokenizer: string
  /** Output directory (the dataset; intermediate files under `<out>/work/`). */
  readonly out: string
  /** Sequence length L. */
  readonly seqLen: number
  /** `parquet` (default) or `megatron`. */
  readonly format?: TokenDataset.Format | undefined
  /** `starcoder2` (default) or `starcoder1`. */
  readonly layout?: Layout.Layout | undefined
  /** `best-fit` (default) or `concat`. */
  readonly packing?: Packer.Mode | undefined
  /** FIM probability per eligible chunk / document (default 0.5; 0 turns FIM off). */
  readonly fimRate?: number | undefined
  /** SPM share of FIM (default 0.5). */
  readonly fimSpmRate?: number | undefined
  /** StarCoder2: repositories eligible for FIM (default 0.5). */
  readonly fimRepoRate?: number | undefined
  /** Metadata probability (default 0.5 for StarCoder2, 0.2 per item for StarCoder1). */
  readonly metadataRate?: number | undefined
  /** Seed of every random choice (default 0). */
  readonly seed?: number | undefined
  /** Tasks of the partition stage (default 4). */
  readonly tasks?: number | undefined
  /** Repository-hash partitions = tasks of the pack stage (default 16). */
  readonly partitions?: number | undefined
  /** Best-fit window in tokens (default 16 Mi). */
  readonly windowTokens?: number | undefined
  /** Padding token (default `<fim_pad>` when the tokenizer has it, else `<|endoftext|>`). */
  readonly pad?: string | undefined
  /** Input format when it cannot be told from the path. */
  readonly inputFormat?: Input.Format | undefined
  /**
   * The tokenizer's {@link Settings.tokenizerDigest} the run was checked with (set by {@link run}):
   * the pack and merge stages fail with {@link SettingsChanged} when the file no longer matches it.
   */
  readonly tokenizerSha256?: string | undefined
}

/** What a run made (also in `<out>/pack.json`). @since 0.1.0 @category models */
export interface Summary {
  readonly out: string
  readonly format: TokenDataset.Format
  readonly layout: Layout.Layout
  readonly packing: Packer.Mode
  readonly seqLen: number
  readonly seed: number
  readonly dtype: Megatron.DType
  readonly vocabSize: number
  readonly padToken: string
  readonly padId: number
  /** Documents = repositories (StarCoder2) or files (StarCoder1). */
  readonly stats: Packer.PackStats
  readonly files: number
  readonly fimChunks: number
  readonly withMetadata: number
  readonly paddingFraction: number
  readonly splitFraction: number
  /** The tokenizer's fingerprint and every option that changes the output: what a rerun compares. */
  readonly settings: Settings.Settings
}

/** Parameters with defaults filled in. @since 0.1.0 @category models */
export interface Resolved {
  readonly format: TokenDataset.Format
  readonly layout: Layout.Layout
  readonly packing: Packer.Mode
  readonly seed: number
  readonly tasks: number
  readonly partitions: number
  readonly layoutOptions: Layout.LayoutOptions
}

const rate = (option: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback
  if (!(v >= 0 && v <= 1)) throw new PackOptionsError({ option, reason: `must be in [0, 1], got ${value}` })
  return v
}

const positive = (option: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1) throw new PackOptionsError({ option, reason: `must be a positive integer, got ${value}` })
  return v
}

/**
 * Check the parameters and fill in defaults; throws {@link PackOptionsError}.
 *
 * @since 0.1.0 @category utils
 */
export const resolve = (params: Params): Resolved => {
  positive("seq-len", params.seqLen, NaN)
  const format = params.format ?? "parquet"
  if (!TokenDataset.formats.includes(format)) throw new PackOptionsError({ option: "format", reason: `must be parquet or megatron, got ${format}` })
  const layout = params.layout ?? "starcoder2"
  if (!Layout.layouts.includes(layout)) throw new PackOptionsError({ option: "layout", reason: `must be starcoder2 or starcoder1, got ${layout}` })
  const packing = params.packing ?? "best-fit"
  if (!Packer.modes.includes(packing)) throw new PackOptionsError({ option: "packing", reason: `must be concat or best-fit, got ${packing}` })
  const seed = params.seed ?? 0
  if (!Number.isSafeInteger(seed)) throw new PackOptionsError({ option: "seed", reason: `must be an integer, got ${params.seed}` })
  return {
    format,
    layout,
    packing,
    seed,
    tasks: positive("tasks", params.tasks, 4),
    partitions: positive("partitions", params.partitions, 16),
    layoutOptions: {
      seed,
      metadataRate: rate("metadata-rate", params.metadataRate, layout === "starcoder2" ? 0.5 : 0.2),
      fimRepoRate: rate("fim-repo-rate", params.fimRepoRate, 0.5),
      fim: { rate: rate("fim-rate", params.fimRate, 0.5), spmRate: rate("fim-spm-rate", params.fimSpmRate, 0.5) }
    }
  }
}

/** Where each stage writes. @since 0.1.0 @category utils */
export const directories = (params: Params) => ({
  partitions: path.join(params.out, "work", "partitions"),
  shards: path.join(params.out, "work", "shards"),
  out: params.out
}) as const

// ---------------------------------------------------------------------------------------------
// stage 1, partition by repository hash: internal/partition.ts
// stage 2: format, tokenize and pack one partition

/** Statistics of one shard. */
interface ShardStats {
  readonly stats: Packer.PackStats
  readonly files: number
  readonly fimChunks: number
  readonly withMetadata: number
}

const shardPattern = /^shard-(\d{5})(-boundaries|-leftover)?\.(bin|idx|json)$/
const shardPrefix = (dir: string, p: number) => path.join(dir, `shard-${pad(p)}`)

/** `<out>/work/settings.json`: the settings of a run under way (its work files were made with them). */
const settingsFile = (params: Params): string => path.join(params.out, "work", "settings.json")

interface Loaded {
  readonly key: string
  readonly tokenizer: Tokenizer
  readonly sha256: string
}

let cachedTokenizer: Loaded | undefined
/**
 * The run's tokenizer, loaded once per thread while its file is unchanged; fails with
 * {@link SettingsChanged} when the file no longer holds the tokenizer the run was checked with.
 */
const tokenizerOf = (params: Params): Loaded => {
  const stat = fs.statSync(params.tokenizer, { throwIfNoEntry: false })
  const key = `${params.tokenizer}\0${stat?.mtimeMs}\0${stat?.size}`
  const want = params.tokenizerSha256
  if (cachedTokenizer?.key !== key || (want !== undefined && cachedTokenizer.sha256 !== want)) {
    const tokenizer = Tokenizer.fromFileSync(params.tokenizer)
    cachedTokenizer = { key, tokenizer, sha256: Settings.tokenizerDigest(tokenizer) }
  }
  if (want !== undefined && cachedTokenizer.sha256 !== want) {
    throw new SettingsChanged({
      file: settingsFile(params),
      differences: [{ setting: "tokenizer", recorded: `sha256 ${want.slice(0, 12)}`, requested: `sha256 ${cachedTokenizer.sha256.slice(0, 12)} (${params.tokenizer}, changed during the run)` }]
    })
  }
  return cachedTokenizer
}

/**
 * The settings of a run with `params` and `tokenizer` (read from `params.tokenizer`): what
 * `pack.json` records and a rerun compares.
 *
 * @since 0.1.0 @category utils
 */
export const settingsOf = (params: Params, tokenizer: Tokenizer, digest?: string): Settings.Settings => {
  const r = resolve(params)
  return Settings.of({
    input: params.input,
    inputFormat: params.inputFormat,
    tokenizer: params.tokenizer,
    format: r.format,
    layout: r.layout,
    packing: r.packing,
    seqLen: params.seqLen,
    seed: r.seed,
    fimRate: r.layoutOptions.fim?.rate ?? 0,
    fimSpmRate: r.layoutOptions.fim?.spmRate ?? 0,
    fimRepoRate: r.layoutOptions.fimRepoRate ?? 0,
    metadataRate: r.layoutOptions.metadataRate ?? 0,
    partitions: r.partitions,
    windowTokens: params.windowTokens,
    pad: padToken(tokenizer, params.pad)
  }, tokenizer, digest)
}

/**
 * The padding token: `pad` when given (it must exist), else `<fim_pad>` when the tokenizer has it,
 * else `<|endoftext|>`.
 *
 * @since 0.1.0 @category utils
 */
export const padToken = (tokenizer: Tokenizer, pad?: string): string =>
  pad ?? (tokenizer.tokenToId(FIM_PAD) !== undefined ? FIM_PAD : END_OF_TEXT)

/**
 * Check that the tokenizer has every special token the settings need; throws
 * {@link MissingSpecialToken} naming them all.
 *
 * @since 0.1.0 @category utils
 */
export const checkTokenizer = (tokenizer: Tokenizer, file: string, params: Params): Encoder => {
  const r = resolve(params)
  const encoder = new Encoder(tokenizer, file)
  const needed = Layout.requiredTokens(r.layout, r.layoutOptions)
  const fim = needed.filter((t) => t.startsWith("<fim_"))
  encoder.require(needed.filter((t) => !t.startsWith("<fim_")), `layout ${r.layout}`)
  if (fim.length > 0) encoder.require(fim, `FIM at rate ${r.layoutOptions.fim?.rate}`)
  encoder.require([padToken(tokenizer, params.pad)], "padding")
  return encoder
}

const packPartition = (params: Params, partition: number): ReadonlyArray<string> => {
  const r = resolve(params)
  const dirs = directories(params)
  const { tokenizer } = tokenizerOf(params)
  const encoder = checkTokenizer(tokenizer, params.tokenizer, params)
  const padId = encoder.idOf(padToken(tokenizer, params.pad))
  // the partition's files, grouped by repository in input order
  const groups = new Map<string, Array<Layout.FileRecord>>()
  let files = 0
  for (const file of Partition.filesOf(dirs.partitions, partition)) {
    Partition.forEachRow(file, (row) => {
      const key = r.layout === "starcoder2" ? Partition.groupKey(row) : `${files}`
      let group = groups.get(key)
      if (group === undefined) groups.set(key, group = [])
      group.push(row)
      files++
    })
  }
  const prefix = shardPrefix(dirs.shards, partition)
  const tokens = Megatron.writer(prefix, Megatron.dtypeFor(tokenizer.vocabSize))
  const bounds = Megatron.writer(`${prefix}-boundaries`, "int32")
  const leftovers = Megatron.writer(`${prefix}-leftover`, Megatron.dtypeFor(tokenizer.vocabSize))
  try {
    const packer = Packer.make(r.packing, { seqLen: params.seqLen, pad: padId, windowTokens: params.windowTokens }, (t, b) => {
      tokens.add(t)
      bounds.add(b)
    })
    const ids = new U32Buffer(1 << 16)
    let fimChunks = 0
    let withMetadata = 0
    for (const [key, group] of groups) {
      const formatted = r.layout === "starcoder2"
        ? Layout.repository(group[0]!.repo, group, r.layoutOptions, key)
        : Layout.file(group[0]!, r.layoutOptions)
      fimChunks += formatted.fimChunks
      if (formatted.withMetadata) withMetadata++
      ids.length = 0
      encoder.encodeInto(formatted.parts, ids)
      packer.add(ids.data, 0, ids.length)
    }
    // best-fit: sequences that would need padding go to the merge stage, packed across all shards
    if (packer instanceof Packer.BestFitPacker) packer.finishWithLeftovers((piece) => leftovers.add(piece))
    else packer.finish()
    tokens.close()
    bounds.close()
    leftovers.close()
    const stats: ShardStats = { stats: packer.stats, files, fimChunks, withMetadata }
    writeAtomic(`${prefix}.json`, JSON.stringify(stats))
  } catch (e) {
    tokens.abort()
    bounds.abort()
    leftovers.abort()
    throw e
  }
  return ["", "-boundaries", "-leftover"].flatMap((s) => [`${prefix}${s}.bin`, `${prefix}${s}.idx`]).concat(`${prefix}.json`)
}

// ---------------------------------------------------------------------------------------------
// stage 3: global shuffle and the final dataset

const mergeShards = (params: Params): ReadonlyArray<string> => {
  const r = resolve(params)
  const dirs = directories(params)
  const { tokenizer, sha256 } = tokenizerOf(params)
  const padName = padToken(tokenizer, params.pad)
  const shards = Array.from({ length: r.partitions }, (_, p) => shardPrefix(dirs.shards, p))
  const tokenReaders = shards.map((s) => Megatron.reader(s))
  const boundReaders = shards.map((s) => Megatron.reader(`${s}-boundaries`))
  const total = tokenReaders.reduce((n, t) => n + t.size, 0)
  const stats = Packer.emptyStats()
  let files = 0
  let fimChunks = 0
  let withMetadata = 0
  for (const s of shards) {
    const j = JSON.parse(fs.readFileSync(`${s}.json`, "utf8")) as ShardStats
    Packer.addStats(stats, j.stats)
    files += j.files
    fimChunks += j.fimChunks
    withMetadata += j.withMetadata
  }
  // best-fit: the shards' leftover pieces packed together (in shard order), held in memory
  const extraTokens: Array<Uint32Array> = []
  const extraBounds: Array<Int32Array> = []
  if (r.packing === "best-fit") {
    const padId = tokenizer.tokenToId(padName)!
    const packer = new Packer.BestFitPacker({ seqLen: params.seqLen, pad: padId, windowTokens: params.windowTokens }, (t, b) => {
      extraTokens.push(t.slice())
      extraBounds.push(b.slice())
    })
    for (const s of shards) {
      const left = Megatron.reader(`${s}-leftover`)
      try {
        for (let i = 0; i < left.size; i++) packer.addPiece(Uint32Array.from(left.read(i)))
      } finally {
        left.close()
      }
    }
    packer.finish()
    Packer.addStats(stats, packer.stats)
  }
  // global position -> (shard, index) or leftover sequence, then a seeded permutation
  const shardTotal = total
  const all = shardTotal + extraTokens.length
  const shardOf = new Int32Array(shardTotal)
  const indexOf = new Int32Array(shardTotal)
  let k = 0
  tokenReaders.forEach((t, s) => {
    for (let i = 0; i < t.size; i++, k++) {
      shardOf[k] = s
      indexOf[k] = i
    }
  })
  const order = Int32Array.from({ length: all }, (_, i) => i)
  Rng.of(r.seed, "shuffle").shuffle(order)
  const dtype = Megatron.dtypeFor(tokenizer.vocabSize)
  const out = TokenDataset.writer(dirs.out, r.format, dtype)
  try {
    for (let i = 0; i < all; i++) {
      const g = order[i]!
      if (g >= shardTotal) out.add(extraTokens[g - shardTotal]!, extraBounds[g - shardTotal]!)
      else out.add(tokenReaders[shardOf[g]!]!.read(indexOf[g]!), boundReaders[shardOf[g]!]!.read(indexOf[g]!))
    }
    out.close()
  } catch (e) {
    out.abort()
    throw e
  } finally {
    for (const t of [...tokenReaders, ...boundReaders]) t.close()
  }
  const summary: Summary = {
    out: dirs.out,
    format: r.format,
    layout: r.layout,
    packing: r.packing,
    seqLen: params.seqLen,
    seed: r.seed,
    dtype,
    vocabSize: tokenizer.vocabSize,
    padToken: padName,
    padId: tokenizer.tokenToId(padName)!,
    stats,
    files,
    fimChunks,
    withMetadata,
    paddingFraction: Packer.paddingFraction(stats),
    splitFraction: Packer.splitFraction(stats),
    settings: settingsOf(params, tokenizer, sha256)
  }
  const meta = path.join(dirs.out, TokenDataset.META_FILE)
  writeAtomic(meta, JSON.stringify(summary, null, 2))
  return [meta]
}

/** A source of one element per task: its rank. */
const ranks: Source.Source<number> = { name: "tasks", read: (shard) => Stream.make(shard.rank) }

/** A sink for steps that write their own files (atomically) and emit their paths. */
const pathsSink = (dir: string, owns: (name: string) => boolean, ownsTask: (name: string, rank: number) => boolean): Sink.Sink<ReadonlyArray<string>> => ({
  name: "pack-files",
  dir,
  ownsFile: owns,
  ownsTaskFile: ownsTask,
  write: (paths) => Stream.runFold(paths, () => [] as Array<string>, (all, p) => {
    all.push(...p)
    return all
  })
})

const failWith = (e: unknown) =>
  e instanceof TokenDatasetError || e instanceof MissingSpecialToken || e instanceof PackOptionsError || e instanceof SettingsChanged
    ? e
    : new TokenDatasetError({ file: "(pack)", reason: e instanceof Error ? e.stack ?? e.message : String(e) })

/**
 * The three-stage pipeline for `params`.
 *
 * @since 0.1.0 @category pipeline
 */
export const pipeline = (params: Params): Pipeline.Pipeline => {
  const r = resolve(params)
  const dirs = directories(params)
  return Pipeline.make("pack", [
    Pipeline.stage<Doc, Partition.Row>({
      name: "partition",
      tasks: r.tasks,
      source: Input.source(params.input, { format: params.inputFormat, columns: Partition.columns }),
      steps: (docs) => Stream.map(docs, Partition.toRow),
      sink: Partition.sink(dirs.partitions, r.partitions, Partition.groupKey),
      rejects: false
    }),
    Pipeline.stage<number, ReadonlyArray<string>>({
      name: "pack",
      tasks: r.partitions,
      source: ranks,
      steps: (rank) => Stream.mapEffect(rank, (p) => Effect.try({ try: () => packPartition(params, p), catch: failWith })),
      sink: pathsSink(dirs.shards, (n) => shardPattern.test(n), (n, rank) => Number(shardPattern.exec(n)?.[1] ?? -1) === rank),
      rejects: false
    }),
    Pipeline.stage<number, ReadonlyArray<string>>({
      name: "merge",
      tasks: 1,
      source: ranks,
      steps: (rank) => Stream.mapEffect(rank, () => Effect.try({ try: () => mergeShards(params), catch: failWith })),
      sink: pathsSink(dirs.out, (n) => n === "work" || TokenDataset.ownsFile(n), (n) => n === "work" || TokenDataset.ownsFile(n)),
      rejects: false
    })
  ])
}

export default pipeline

const here = fileURLToPath(import.meta.url)

/** @since 0.1.0 @category models */
export interface RunOptions {
  /** Worker threads (default one per core; 0 runs in this thread). Outputs do not depend on it. */
  readonly workers?: number | undefined
  /** Redo every stage. */
  readonly force?: boolean | undefined
  /**
   * When `<out>` holds a dataset (complete or interrupted) made with another tokenizer or other
   * options: `fail` (default) with {@link SettingsChanged}, or `redo` it, with a warning in the log.
   * Either way an output made with the same settings is reused (a complete one) or resumed.
   */
  readonly ifChanged?: "fail" | "redo" | undefined
  /** No progress output (default true). */
  readonly quiet?: boolean | undefined
  /** Keep `<out>/work/` (partitions and shards) after a successful run (default false). */
  readonly keepWork?: boolean | undefined
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"))
  } catch {
    return undefined
  }
}

/**
 * What `<out>` holds, compared with the settings of this run: `fresh` (nothing of ours), `resume`
 * (an interrupted run with the same settings), `complete` (a finished dataset with the same
 * settings) or a {@link SettingsChanged} naming the record and every difference.
 */
const survey = (params: Params, wanted: Settings.Settings): "fresh" | "resume" | "complete" | SettingsChanged => {
  const work = fs.existsSync(path.join(params.out, "work"))
  const meta = path.join(params.out, TokenDataset.META_FILE)
  if (!work && !fs.existsSync(meta)) return "fresh"
  // an interrupted run's work files were made with the settings in work/settings.json
  const file = work ? settingsFile(params) : meta
  const record = readJson(file)
  const differences = Settings.diff(work ? record : (record as { settings?: unknown } | undefined)?.settings, wanted)
  if (differences.length > 0) return new SettingsChanged({ file, differences })
  return work ? "resume" : "complete"
}

/**
 * Run the three stages; a rerun resumes after the last completed task, and a rerun of a complete
 * output returns its summary without writing anything. Both only when the output was made with the
 * same settings (the tokenizer's fingerprint and every option that changes the output, recorded in
 * `pack.json` and `<out>/work/settings.json`); otherwise fails with {@link SettingsChanged}, or
 * redoes every stage with `ifChanged: "redo"`. Fails early (before any stage) with
 * {@link PackOptionsError} or {@link MissingSpecialToken}.
 *
 * @since 0.1.0 @category execution
 */
export const run = Effect.fn("Pack.run")(
  function*(params: Params, options: RunOptions = {}) {
    const wanted = yield* Effect.try({
      try: () => {
        resolve(params)
        if (params.inputFormat === undefined) Input.detectFormat(params.input)
        const tokenizer = Tokenizer.fromFileSync(params.tokenizer)
        checkTokenizer(tokenizer, params.tokenizer, params)
        return settingsOf(params, tokenizer)
      },
      catch: (e) => e as PackOptionsError | MissingSpecialToken | InputNotFound | TokenizerFileError | UnsupportedTokenizer
    })
    let force = options.force === true
    if (!force) {
      const found = survey(params, wanted)
      if (found === "complete") return JSON.parse(fs.readFileSync(path.join(params.out, TokenDataset.META_FILE), "utf8")) as Summary
      if (found instanceof SettingsChanged) {
        if (options.ifChanged !== "redo") return yield* found
        yield* Effect.logWarning(`${params.out} was packed with other settings (${found.changes}): packing it again`)
        force = true
      }
    }
    yield* Effect.try({
      try: () => writeAtomic(settingsFile(params), JSON.stringify(wanted, null, 2)),
      catch: (e) => new TokenDatasetError({ file: settingsFile(params), reason: e instanceof Error ? e.message : String(e) })
    })
    yield* runPipeline(here, {
      params: { ...params, tokenizerSha256: wanted.tokenizer.sha256 } satisfies Params,
      workers: options.workers,
      force,
      quiet: options.quiet ?? true
    })
    const summary = JSON.parse(fs.readFileSync(path.join(params.out, TokenDataset.META_FILE), "utf8")) as Summary
    if (options.keepWork !== true) {
      // the markers of the first two stages live under work/; the dataset is complete and final
      fs.rmSync(path.join(params.out, "work"), { recursive: true, force: true })
    }
    return summary
  }
)

/**
 * A few lines: tokens, sequences, padding, documents split.
 *
 * @since 0.1.0 @category utils
 */
export const summarize = (s: Summary): string => {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`
  return [
    `packed: ${s.layout} layout, ${s.packing} packing, L=${s.seqLen}, ${s.format} (${s.dtype}), seed ${s.seed}`,
    `  ${s.files.toLocaleString("en")} files in ${s.stats.documents.toLocaleString("en")} documents (${s.withMetadata.toLocaleString("en")} with metadata, ${s.fimChunks.toLocaleString("en")} FIM chunks)`,
    `  ${s.stats.tokens.toLocaleString("en")} tokens in ${s.stats.sequences.toLocaleString("en")} sequences, padding ${pct(s.paddingFraction)} (${s.stats.paddingTokens.toLocaleString("en")} ${s.padToken}), documents split ${pct(s.splitFraction)} (${s.stats.documentsSplit.toLocaleString("en")})`,
    `  written: ${s.out}`
  ].join("\n")
}
