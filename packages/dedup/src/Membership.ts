/**
 * A membership index, like BigCode's "Am I in The Stack": is this file, or this snippet, in the
 * dataset, and which documents (repository and path) hold it?
 *
 * Built once over a dataset (streaming, texts never held), it keeps per document a content hash
 * (exact copies), its MinHash signature (near-duplicates: LSH candidates, then the estimated Jaccard
 * against the threshold) and a content-defined sample of its shingle hashes (the hashes divisible
 * by `sample`), in an inverted list for snippets: a snippet's sampled shingles are the same ones
 * wherever it occurs, so the fraction found in a document estimates how much of the snippet that
 * document contains.
 *
 * On disk: `<dir>/membership.bin` (checksummed typed arrays) and `<dir>/docs.jsonl` (repo and path
 * per document). Size: 8 + 4 x numPerm bytes per document plus 8 bytes per sampled shingle.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type Doc, Input, Shard, type Source } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { CorruptFile, DedupIOError, DedupOptionsError, OutputExists } from "./Errors.ts"
import { contentKey } from "./ExactDedup.ts"
import { growU32 } from "./internal/hash.ts"
import { lowerBound } from "./internal/search.ts"
import { decode, encode } from "./internal/spill.ts"
import { LshIndex } from "./LshIndex.ts"
import * as LshParams from "./LshParams.ts"
import { estimateJaccard, MinHasher } from "./MinHash.ts"
import { type Mode, modes, Shingler } from "./Shingle.ts"

/** @since 0.1.0 @category models */
export interface BuildOptions {
  readonly shingle?: Mode | undefined
  readonly ngram?: number | undefined
  readonly numPerm?: number | undefined
  readonly seed?: number | undefined
  /** Keep the shingle hashes divisible by this for snippet lookups (default 4; 0 = no snippet index). */
  readonly sample?: number | undefined
  /** Overwrite an existing index. */
  readonly force?: boolean | undefined
}

/** What a build reports. @since 0.1.0 @category models */
export interface BuildReport {
  readonly dir: string
  readonly documents: number
  readonly postings: number
  readonly bytes: number
  readonly seconds: number
}

/** A document reference in query results. @since 0.1.0 @category models */
export interface Match {
  /** Position of the document in the indexed dataset. */
  readonly doc: number
  readonly repo_name: string | null
  readonly path: string | null
  /** Estimated Jaccard similarity (near matches) or fraction of the snippet found (snippet matches). */
  readonly score: number
}

/** @since 0.1.0 @category models */
export interface QueryResult {
  /** Documents with exactly this content. */
  readonly exact: ReadonlyArray<Match>
  /** Documents whose estimated Jaccard similarity with the text is at least the threshold. */
  readonly near: ReadonlyArray<Match>
  /** Documents containing at least the given fraction of the text's sampled shingles. */
  readonly snippet: ReadonlyArray<Match>
  /** Sampled shingles of the query (the evidence behind snippet scores). */
  readonly sampledShingles: number
  readonly milliseconds: number
}

const MAGIC = "PDMI"

/** Sort (key, doc) u32 pairs by key then doc. */
const sortPairs = (pairs: Uint32Array, n: number): Uint32Array => {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((x, y) => pairs[2 * x]! - pairs[2 * y]! || pairs[2 * x + 1]! - pairs[2 * y + 1]!)
  const out = new Uint32Array(2 * n)
  for (let i = 0; i < n; i++) {
    out[2 * i] = pairs[2 * order[i]!]!
    out[2 * i + 1] = pairs[2 * order[i]! + 1]!
  }
  return out
}

/**
 * Build an index of `input` (any dataset) into directory `dir`.
 *
 * @since 0.1.0 @category constructors
 */
export const build = Effect.fn("Membership.build")(function*(input: string | ReadonlyArray<string>, dir: string, options: BuildOptions = {}) {
  const started = performance.now()
  const shingle = options.shingle ?? "bigcode"
  const ngram = options.ngram ?? 5
  const numPerm = options.numPerm ?? 256
  const seed = options.seed ?? 42
  const sample = options.sample ?? 4
  if (!modes.includes(shingle)) return yield* new DedupOptionsError({ option: "shingle", reason: `must be one of ${modes.join(", ")}` })
  if (!Number.isInteger(sample) || sample < 0) return yield* new DedupOptionsError({ option: "sample", reason: `must be a non-negative integer, got ${sample}` })
  const file = path.join(dir, "membership.bin")
  if (fs.existsSync(file) && !options.force) return yield* new OutputExists({ file })
  const shingler = new Shingler({ mode: shingle, n: ngram })
  const hasher = new MinHasher({ numPerm, seed })
  let signatures = new Uint32Array(numPerm * 1024)
  let keys = new Uint32Array(2 * 1024)
  let postings = new Uint32Array(2 * 4096)
  let np = 0
  let n = 0
  const names: Array<string> = []
  const source: Source.Source<Doc> = Input.source(input)
  yield* source.read(Shard.whole).pipe(
    Stream.runForEachArray((chunk) =>
      Effect.sync(() => {
        for (const doc of chunk) {
          const id = n++
          signatures = growU32(signatures, (id + 1) * numPerm)
          keys = growU32(keys, 2 * id + 2)
          const key = Buffer.from(contentKey(doc.content), "base64")
          keys[2 * id] = key.readUInt32LE(0)
          keys[2 * id + 1] = id
          const hashes = shingler.hashes(doc.content)
          hasher.signature(hashes, signatures.subarray(id * numPerm, (id + 1) * numPerm))
          if (sample > 0) {
            for (let i = 0; i < hashes.length; i++) {
              const h = hashes[i]!
              if (h % sample !== 0) continue
              postings = growU32(postings, 2 * np + 2)
              postings[2 * np] = h
              postings[2 * np + 1] = id
              np++
            }
          }
          names.push(JSON.stringify({ repo_name: doc.repo_name ?? null, path: doc.path ?? null }))
        }
      })
    )
  )
  const sortedKeys = sortPairs(keys, n)
  const sortedPostings = sortPairs(postings, np)
  const body = new Uint8Array(4 * (2 * n + numPerm * n + 2 * np))
  const u32 = new Uint32Array(body.buffer)
  u32.set(sortedKeys, 0)
  u32.set(signatures.subarray(0, numPerm * n), 2 * n)
  u32.set(sortedPostings, 2 * n + numPerm * n)
  const bytes = encode(MAGIC, [n, numPerm, seed >>> 0, ngram, modes.indexOf(shingle), sample, np], body)
  yield* Effect.try({
    try: () => {
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, "docs.jsonl"), names.map((l) => l + "\n").join(""))
      const tmp = path.join(dir, `.tmp-${process.pid}-membership.bin`)
      fs.writeFileSync(tmp, bytes)
      fs.renameSync(tmp, file)
    },
    catch: (cause) => new DedupIOError({ file, cause })
  })
  const report: BuildReport = { dir, documents: n, postings: np, bytes: bytes.length + Buffer.byteLength(names.join("\n")) + n, seconds: (performance.now() - started) / 1000 }
  return report
})

/**
 * A loaded index. Queries are synchronous.
 *
 * @since 0.1.0 @category models
 */
export class Index {
  readonly documents: number
  readonly numPerm: number
  readonly sample: number
  readonly bytes: number
  private readonly keys: Uint32Array
  private readonly signatures: Uint32Array
  private readonly postings: Uint32Array
  private readonly postingCount: number
  private readonly names: ReadonlyArray<string>
  private readonly shingler: Shingler
  private readonly hasher: MinHasher
  private readonly lsh = new Map<number, LshIndex>()

  constructor(file: string, names: ReadonlyArray<string>) {
    const { header, body } = decode(file, MAGIC)
    const [n, numPerm, seed, ngram, modeIndex, sample, np] = header as [number, number, number, number, number, number, number]
    if (body.byteLength !== 4 * (2 * n + numPerm * n + 2 * np)) {
      throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: "body size does not match the header" })
    }
    if (names.length !== n) throw new CorruptFile({ file: path.join(path.dirname(file), "docs.jsonl"), position: `line ${names.length}`, reason: `expected ${n} lines` })
    const u32 = new Uint32Array(body.buffer)
    this.documents = n
    this.numPerm = numPerm
    this.sample = sample
    this.bytes = body.byteLength
    this.keys = u32.subarray(0, 2 * n)
    this.signatures = u32.subarray(2 * n, 2 * n + numPerm * n)
    this.postings = u32.subarray(2 * n + numPerm * n)
    this.postingCount = np
    this.names = names
    this.shingler = new Shingler({ mode: modes[modeIndex]!, n: ngram })
    this.hasher = new MinHasher({ numPerm, seed })
  }

  /** The LSH index for a threshold, built on first use from the stored signatures. */
  private lshFor(threshold: number): LshIndex {
    const { bands, rows } = LshParams.optimal(threshold, this.numPerm, { falsePositive: 0.05, falseNegative: 0.95 })
    const key = bands * 10000 + rows
    let index = this.lsh.get(key)
    if (index === undefined) {
      index = new LshIndex({ bands, rows, chains: true })
      for (let d = 0; d < this.documents; d++) index.insert(d, this.signature(d), () => {})
      this.lsh.set(key, index)
    }
    return index
  }

  /** The stored signature of document `d` (a view). */
  signature(d: number): Uint32Array {
    return this.signatures.subarray(d * this.numPerm, (d + 1) * this.numPerm)
  }

  private match(doc: number, score: number): Match {
    const { repo_name, path } = JSON.parse(this.names[doc]!) as { repo_name: string | null; path: string | null }
    return { doc, repo_name, path, score }
  }

  /**
   * Look a text up: exact copies, near-duplicates (estimated Jaccard >= `threshold`, default 0.7)
   * and documents containing at least `containment` (default 0.8) of it. Build the LSH tables of a
   * threshold once before timing queries (`warm`).
   */
  query(text: string, options: { readonly threshold?: number | undefined; readonly containment?: number | undefined; readonly limit?: number | undefined } = {}): QueryResult {
    const started = performance.now()
    const threshold = options.threshold ?? 0.7
    const containment = options.containment ?? 0.8
    const limit = options.limit ?? 20
    const exact: Array<Match> = []
    const key = Buffer.from(contentKey(text), "base64").readUInt32LE(0)
    const hashes = this.shingler.hashes(text)
    const sig = this.hasher.signature(hashes)
    for (let i = lowerBound(this.keys, 2, this.documents, key); i < this.documents && this.keys[2 * i] === key && exact.length < limit; i++) {
      // a 32-bit key collision is ruled out by comparing the signatures too
      const d = this.keys[2 * i + 1]!
      if (estimateJaccard(sig, this.signature(d)) === 1) exact.push(this.match(d, 1))
    }
    const near: Array<Match> = []
    if (hashes.length > 0) {
      const seen = new Set<number>()
      this.lshFor(threshold).query(sig, (d) => {
        if (seen.has(d)) return
        seen.add(d)
        const j = estimateJaccard(sig, this.signature(d))
        if (j >= threshold) near.push(this.match(d, j))
      })
      near.sort((a, b) => b.score - a.score || a.doc - b.doc)
    }
    const counts = new Map<number, number>()
    let sampled = 0
    if (this.sample > 0) {
      for (let i = 0; i < hashes.length; i++) {
        const h = hashes[i]!
        if (h % this.sample !== 0) continue
        sampled++
        for (let p = lowerBound(this.postings, 2, this.postingCount, h); p < this.postingCount && this.postings[2 * p] === h; p++) {
          const d = this.postings[2 * p + 1]!
          counts.set(d, (counts.get(d) ?? 0) + 1)
        }
      }
    }
    const snippet: Array<Match> = []
    if (sampled > 0) {
      for (const [d, c] of counts) if (c / sampled >= containment) snippet.push(this.match(d, c / sampled))
      snippet.sort((a, b) => b.score - a.score || a.doc - b.doc)
    }
    return { exact, near: near.slice(0, limit), snippet: snippet.slice(0, limit), sampledShingles: sampled, milliseconds: performance.now() - started }
  }

  /** Is this text (or a near-duplicate of it) in the index? Used for incremental dedup. */
  contains(text: string, threshold: number): boolean {
    const r = this.query(text, { threshold, containment: 2, limit: 1 })
    return r.exact.length > 0 || r.near.length > 0
  }
}

/**
 * Load an index directory written by {@link build}.
 *
 * @since 0.1.0 @category constructors
 */
export const load = (dir: string): Effect.Effect<Index, CorruptFile | DedupIOError> =>
  Effect.try({
    try: () => {
      const names = fs.readFileSync(path.join(dir, "docs.jsonl"), "utf8").split("\n")
      names.pop()
      return new Index(path.join(dir, "membership.bin"), names)
    },
    catch: (e) => e instanceof CorruptFile ? e : new DedupIOError({ file: dir, cause: e })
  })
