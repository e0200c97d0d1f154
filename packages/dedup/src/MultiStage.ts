/**
 * Multi-stage dedup for data larger than one machine's memory, as stages run by dataflow's executor
 * (worker threads, completion markers, resume), giving the same clusters, cluster ids, sizes and
 * survivors as the one-machine `Dedup.run` (without the exact-Jaccard check) on the same input:
 *
 * 1. `signatures` (`tasks` tasks, one shard of the input each): MinHash band keys (or, in exact
 *    mode, a 64-bit content hash as the single key) of every document, written per band and per
 *    hash range as sorted spill files `sig-bBBB-rKKK-tTTTTT.bin` with checksums, plus the survivor
 *    keys `meta-tTTTTT.bin`. Memory: the task's band keys (8 bytes per band per document), no texts.
 * 2. `buckets` (bands x ranges tasks): each task merges the sorted files of one band and one hash
 *    range (ranges split the 32-bit key space evenly, so tasks get even shares whatever the input)
 *    and emits star edges from each bucket's first (smallest) document to the others, split by the
 *    clustering partition owning the larger end (`edges-dPPPPP-tTTTTT.bin`); files out of order or
 *    failing their checksum fail the task with `CorruptFile`.
 * 3. Sharded clustering over `clusterTasks` partitions of the document ids (contiguous ranges),
 *    every stage `clusterTasks` tasks, no task holding more than its partition's state and the
 *    messages addressed to it (see `internal/components.ts`): `link-KKK` rounds (local union-find
 *    plus the smallest outside id per local root; conflicts go to lower partitions as messages; at
 *    most `clusterTasks` rounds), `ask-JJJ` / `answer-JJJ` pointer doubling (at most
 *    ceil(log2(clusterTasks)) + 2 rounds), `aggregate` / `combine` (size, survivor by the survivor
 *    rule, in-index flag per cluster, at the partition owning its smallest id), and `clusters`:
 *    per-input-shard assignment files and each partition's lines of the clusters file. `run`
 *    leaves out the rounds after convergence.
 * 4. `filter` (`tasks` tasks, the same shards as stage 1): adds `<mode>_cluster_id` /
 *    `<mode>_cluster_size` and drops non-survivors (to `<out>/rejects/`).
 *
 * Document ids are input positions (task offsets from stage 1 plus the position in the task), and
 * every cluster id is the smallest id of its connected component, so the result does not depend on
 * task, partition or worker counts. Up to 2^32 - 1 documents. The exact-Jaccard check is not
 * available in this mode. With `index`, clusters (and single documents) already in a membership
 * index are removed (reason `in-index`).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Doc, Input, InputNotFound, Operator, Pipeline, type Progress, runPipeline, type Sink, type Source } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { columns, reason } from "./Dedup.ts"
import { CorruptFile, DedupIOError, DedupOptionsError } from "./Errors.ts"
import { contentKey } from "./ExactDedup.ts"
import * as CC from "./internal/components.ts"
import { growU32, growU8 } from "./internal/hash.ts"
import { lazySource } from "./internal/source.ts"
import { lowerBound } from "./internal/search.ts"
import { decode, encode, pad, u32Records } from "./internal/spill.ts"
import { bandKeys } from "./LshIndex.ts"
import * as Membership from "./Membership.ts"
import { MinHasher } from "./MinHash.ts"
import { config as nearConfig, type Config as NearConfig, type Options as NearOptions } from "./NearDedup.ts"
import { Shingler } from "./Shingle.ts"
import { RankKeys, type Rule } from "./Survivor.ts"

/** Parameters (JSON data: every worker thread builds the pipeline from them). @since 0.1.0 @category models */
export interface Params {
  readonly input: string | ReadonlyArray<string>
  readonly inputFormat?: Input.Format | undefined
  /** Directory for the intermediate stages (`signatures/`, `buckets/`, `cc/`, `clusters/`). */
  readonly work: string
  /** Output directory of the kept documents. */
  readonly out: string
  readonly format?: Input.Format | undefined
  readonly mode?: "exact" | "minhash" | undefined
  /** Tasks of the signature and filter stages (default 4). */
  readonly tasks?: number | undefined
  /** Hash ranges per band in the bucket stage (default 2). */
  readonly ranges?: number | undefined
  /** Partitions (tasks per stage) of the sharded clustering (default 4). */
  readonly clusterTasks?: number | undefined
  readonly minhash?: NearOptions | undefined
  readonly exact?: { readonly normalizeWhitespace?: boolean | undefined } | undefined
  readonly survivor?: Rule | undefined
  /**
   * Incremental dedup: a membership index directory of an existing dataset; every cluster with a
   * document in it (exact copy, or near-duplicate at the threshold) is removed entirely, with reason
   * `in-index`. Each signature task loads the index.
   */
  readonly index?: string | undefined
}

/** One output file of a task: its name (given the task rank) and bytes. */
interface FileOut {
  readonly name: (rank: number) => string
  readonly data: Uint8Array
}

const taskPattern = /-t(\d{5})\.(bin|jsonl)$/

/** A sink writing {@link FileOut}s atomically into `dir`; file names end in `-tNNNNN.bin`. */
const filesSink = (dir: string): Sink.Sink<FileOut> => ({
  name: "dedup-files",
  dir,
  ownsFile: (name) => taskPattern.test(name),
  ownsTaskFile: (name, rank) => Number(taskPattern.exec(name)?.[1] ?? -1) === rank,
  write: (files, shard) =>
    Stream.runFold(files, () => [] as Array<string>, (paths, file) => {
      const target = path.join(dir, file.name(shard.rank))
      fs.mkdirSync(dir, { recursive: true })
      const tmp = path.join(dir, `.tmp-${process.pid}-${path.basename(target)}`)
      fs.writeFileSync(tmp, file.data)
      fs.renameSync(tmp, target)
      paths.push(target)
      return paths
    })
})

/** A source of one element per task: its rank. */
const ranks: Source.Source<number> = { name: "tasks", read: (shard) => Stream.make(shard.rank) }

const sigName = (band: number, range: number) => (rank: number) => `sig-b${pad(band, 3)}-r${pad(range, 3)}-t${pad(rank, 5)}.bin`
const metaName = (rank: number) => `meta-t${pad(rank, 5)}.bin`

/** Where each stage writes. @since 0.1.0 @category utils */
export const directories = (params: Params) => ({
  signatures: path.join(params.work, "signatures"),
  buckets: path.join(params.work, "buckets"),
  clusters: path.join(params.work, "clusters"),
  out: params.out
}) as const

interface Resolved {
  readonly mode: "exact" | "minhash"
  readonly near: NearConfig | undefined
  readonly bands: number
  readonly rows: number
  readonly tasks: number
  readonly ranges: number
  readonly clusterTasks: number
  readonly survivor: Rule
}

const positive = (name: string, v: number | undefined, fallback: number): number => {
  const n = v ?? fallback
  if (!Number.isInteger(n) || n < 1) throw new DedupOptionsError({ option: name, reason: `must be a positive integer, got ${n}` })
  return n
}

/**
 * Check the parameters and fill in defaults; throws `DedupOptionsError`.
 *
 * @since 0.1.0 @category constructors
 */
export const resolveParams = (params: Params): Resolved => {
  // memoized: the band choice integrates numerically, and every stage and worker asks again
  const key = JSON.stringify(params)
  const known = resolved.get(key)
  if (known !== undefined) return known
  const r = resolveUncached(params)
  resolved.set(key, r)
  return r
}

const resolved = new Map<string, Resolved>()

const resolveUncached = (params: Params): Resolved => {
  const mode = params.mode ?? "minhash"
  let near: NearConfig | undefined
  if (mode === "minhash") {
    if (params.minhash?.verify) throw new DedupOptionsError({ option: "verify", reason: "the exact-Jaccard check needs the one-machine mode" })
    try {
      near = nearConfig(params.minhash)
    } catch (e) {
      const [option, ...rest] = (e as Error).message.split(": ")
      throw new DedupOptionsError({ option: option!, reason: rest.join(": ") })
    }
  }
  return {
    mode,
    near,
    bands: near?.bands ?? 1,
    rows: near?.rows ?? 1,
    tasks: positive("tasks", params.tasks, 4),
    ranges: positive("ranges", params.ranges, 2),
    clusterTasks: positive("clusterTasks", params.clusterTasks, 4),
    survivor: params.survivor ?? "stack-v2"
  }
}

/** The hash range of a 32-bit key when the key space is split in `ranges` equal parts. */
const rangeOf = (hi: number, ranges: number): number => Math.floor((hi / 4294967296) * ranges)

/** Stage 1's accumulator: band keys and survivor keys of one task's documents. */
class SignatureSpill {
  private readonly r: Resolved
  private readonly shingler: Shingler | undefined
  private readonly hasher: MinHasher | undefined
  private readonly signature: Uint32Array
  private readonly keys1: Uint32Array
  private keys = new Uint32Array(1024)
  private hasKeys = new Uint8Array(1024)
  private readonly ranks: RankKeys
  private readonly normalize: boolean
  private readonly index: Membership.Index | undefined
  private inIndex = new Uint8Array(1024)
  count = 0

  constructor(r: Resolved, normalize: boolean, index: Membership.Index | undefined) {
    this.r = r
    this.normalize = normalize
    this.index = index
    this.shingler = r.near === undefined ? undefined : new Shingler({ mode: r.near.shingle, n: r.near.ngram })
    this.hasher = r.near === undefined ? undefined : new MinHasher({ numPerm: r.near.numPerm, seed: r.near.seed })
    this.signature = new Uint32Array(r.near?.numPerm ?? 1)
    this.keys1 = new Uint32Array(2 * r.bands)
    this.ranks = new RankKeys(r.survivor === "first" ? "stack-v2" : r.survivor)
  }

  add(doc: Doc): void {
    const i = this.count++
    const width = 2 * this.r.bands
    this.keys = growU32(this.keys, (i + 1) * width)
    this.hasKeys = growU8(this.hasKeys, i + 1)
    this.ranks.set(i, doc)
    if (this.index !== undefined) {
      this.inIndex = growU8(this.inIndex, i + 1)
      const found = this.r.near === undefined
        ? this.index.query(doc.content, { containment: 2, limit: 1 }).exact.length > 0
        : this.index.contains(doc.content, this.r.near.threshold)
      if (found) this.inIndex[i] = 1
    }
    if (this.shingler !== undefined) {
      const shingles = this.shingler.hashes(doc.content)
      if (shingles.length === 0) return
      this.hasher!.signature(shingles, this.signature)
      bandKeys(this.signature, this.r.bands, this.r.rows, this.keys1)
      this.keys.set(this.keys1, i * width)
    } else {
      const digest = Buffer.from(contentKey(doc.content, this.normalize), "base64")
      this.keys[i * width] = digest.readUInt32LE(0)
      this.keys[i * width + 1] = digest.readUInt32LE(4)
    }
    this.hasKeys[i] = 1
  }

  /** Sorted spill files per band and range, and the meta file. */
  files(): Array<FileOut> {
    const { bands, ranges } = this.r
    const width = 2 * bands
    const keys = this.keys
    const docs: Array<number> = []
    for (let i = 0; i < this.count; i++) if (this.hasKeys[i] === 1) docs.push(i)
    const order = new Uint32Array(docs)
    const out: Array<FileOut> = []
    for (let b = 0; b < bands; b++) {
      order.sort((x, y) => {
        const hx = keys[x * width + 2 * b]!
        const hy = keys[y * width + 2 * b]!
        if (hx !== hy) return hx - hy
        const lx = keys[x * width + 2 * b + 1]!
        const ly = keys[y * width + 2 * b + 1]!
        return lx !== ly ? lx - ly : x - y
      })
      let start = 0
      for (let k = 0; k < ranges; k++) {
        let end = start
        while (end < order.length && rangeOf(keys[order[end]! * width + 2 * b]!, ranges) === k) end++
        const records = new Uint32Array(3 * (end - start))
        for (let j = start; j < end; j++) {
          const d = order[j]!
          records[3 * (j - start)] = keys[d * width + 2 * b]!
          records[3 * (j - start) + 1] = keys[d * width + 2 * b + 1]!
          records[3 * (j - start) + 2] = d
        }
        out.push({ name: sigName(b, k), data: encode("PDSG", [b, k, end - start, this.count], new Uint8Array(records.buffer)) })
        start = end
      }
    }
    // survivor keys: 4 f64 arrays (stars, forks, revision, visit), the license classes, the in-index flags
    const n = this.count
    const f64 = new Float64Array(4 * n)
    const license = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      const [l, stars, forks, revision, visit] = this.ranks.raw(i)
      license[i] = l
      f64[i] = stars
      f64[n + i] = forks
      f64[2 * n + i] = revision
      f64[3 * n + i] = visit
    }
    const body = new Uint8Array(f64.byteLength + 2 * n)
    body.set(new Uint8Array(f64.buffer), 0)
    body.set(license, f64.byteLength)
    body.set(this.inIndex.subarray(0, n), f64.byteLength + n)
    out.push({ name: metaName, data: encode("PDMT", [n], body) })
    return out
  }
}

/** Read one task's spill file of a band and range: records (hi, lo, doc) and the task's doc count. */
const readSpill = (file: string) => {
  const { body, header } = decode(file, "PDSG")
  const count = header[2]!
  return { records: u32Records(file, body, 3, count), count, docs: header[3]! }
}

/** Stage 2: merge one band / range over every task's spill file; star edges per bucket. */
const bucketEdges = (r: Resolved, dirs: ReturnType<typeof directories>, rank: number): Array<FileOut> => {
  const band = Math.floor(rank / r.ranges)
  const range = rank % r.ranges
  const spills: Array<ReturnType<typeof readSpill>> = []
  const offsets: Array<number> = []
  let total = 0
  for (let t = 0; t < r.tasks; t++) {
    const file = path.join(dirs.signatures, sigName(band, range)(t))
    if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the signatures stage did not write it" })
    const spill = readSpill(file)
    for (let j = 1; j < spill.count; j++) {
      const a = spill.records
      const cmp = a[3 * j - 3]! !== a[3 * j]! ? a[3 * j - 3]! - a[3 * j]! : a[3 * j - 2]! !== a[3 * j + 1]! ? a[3 * j - 2]! - a[3 * j + 1]! : a[3 * j - 1]! - a[3 * j + 2]!
      if (cmp >= 0) throw new CorruptFile({ file, position: `record ${j}`, reason: "records out of order" })
    }
    spills.push(spill)
    offsets.push(total)
    total += spill.docs
  }
  // k-way merge by (hi, lo, task): a linear scan of the heads (task counts are small)
  const heads = new Int32Array(spills.length)
  let edges = new Uint32Array(1024)
  let ne = 0
  let curHi = -1
  let curLo = -1
  let first = -1
  for (;;) {
    let best = -1
    for (let t = 0; t < spills.length; t++) {
      const h = heads[t]!
      if (h >= spills[t]!.count) continue
      if (best === -1) {
        best = t
        continue
      }
      const a = spills[t]!.records
      const b = spills[best]!.records
      const hb = heads[best]!
      if (a[3 * h]! < b[3 * hb]! || (a[3 * h] === b[3 * hb] && a[3 * h + 1]! < b[3 * hb + 1]!)) best = t
    }
    if (best === -1) break
    const rec = spills[best]!.records
    const h = heads[best]!++
    const hi = rec[3 * h]!
    const lo = rec[3 * h + 1]!
    const id = offsets[best]! + rec[3 * h + 2]!
    if (hi === curHi && lo === curLo) {
      edges = growU32(edges, 2 * ne + 2)
      edges[2 * ne] = first
      edges[2 * ne + 1] = id
      ne++
    } else {
      curHi = hi
      curLo = lo
      first = id
    }
  }
  // edges go to the partition owning their larger end (the bucket's first document is its smallest id)
  const layout = new CC.Layout(Uint32Array.from([...offsets, total]), r.clusterTasks)
  return [CC.encodeLayout([...offsets, total]), ...CC.splitEdges(edges, ne, layout)]
}

/** Every round of the sharded clustering, with its directory. */
export const rounds = (params: Params) => {
  const r = resolveParams(params)
  const C = r.clusterTasks
  const J = C <= 1 ? 1 : Math.ceil(Math.log2(C)) + 2
  const cc = path.join(params.work, "cc")
  return {
    link: Array.from({ length: C }, (_, k) => path.join(cc, `link-${pad(k, 3)}`)),
    ask: Array.from({ length: J }, (_, j) => path.join(cc, `ask-${pad(j, 3)}`)),
    answer: Array.from({ length: J - 1 }, (_, j) => path.join(cc, `answer-${pad(j, 3)}`)),
    aggregate: path.join(cc, "aggregate"),
    combine: path.join(cc, "combine")
  }
}

/** One task's meta file: document count, survivor keys, in-index flags. */
const openMeta = (file: string) => {
  const { body, header } = decode(file, "PDMT")
  const n = header[0]!
  if (body.byteLength !== 34 * n) throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: `expected ${34 * n} bytes of keys` })
  return { n, body, flags: body.subarray(33 * n, 34 * n) }
}

/**
 * Per final root of partition `q`'s documents: size, survivor and in-index flag over the partition
 * only, as records (`CC.RECORD` values each) sorted by root. Memory: the partition's documents.
 */
const localGroups = (r: Resolved, dirs: ReturnType<typeof directories>, cc: ReturnType<typeof rounds>, layout: CC.Layout, q: number) => {
  const { lo, roots } = CC.finalRoots(layout, cc.link, cc.ask, q)
  const n = roots.length
  // survivor keys of the partition's documents, from the meta files of the input shards overlapping it
  const keys = new Float64Array(5 * n)
  const flags = new Uint8Array(n)
  for (let t = 0; t < r.tasks; t++) {
    const from = Math.max(lo, layout.offsets[t]!)
    const to = Math.min(lo + n, layout.offsets[t + 1]!)
    if (from >= to) continue
    const { body, n: m, flags: f } = openMeta(path.join(dirs.signatures, metaName(t)))
    const f64 = new Float64Array(body.buffer, 0, 4 * m)
    for (let x = from; x < to; x++) {
      const i = x - layout.offsets[t]!
      const k = x - lo
      keys[5 * k] = body[32 * m + i]!
      keys[5 * k + 1] = f64[i]!
      keys[5 * k + 2] = f64[m + i]!
      keys[5 * k + 3] = f64[2 * m + i]!
      keys[5 * k + 4] = f64[3 * m + i]!
      flags[k] = f[i]!
    }
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => roots[a]! - roots[b]! || a - b)
  const records = new Float64Array(CC.RECORD * n)
  const candidate = new Float64Array(CC.RECORD)
  const stackV2 = r.survivor === "stack-v2"
  let count = 0
  for (let j = 0; j < n; j++) {
    const k = order[j]!
    candidate[2] = lo + k
    for (let v = 0; v < 5; v++) candidate[4 + v] = keys[5 * k + v]!
    const at = CC.RECORD * (count - 1)
    if (count > 0 && records[at] === roots[k]) {
      records[at + 1]!++
      if (flags[k] === 1) records[at + 3] = 1
      if (CC.betterRecord(candidate, 0, records, at, stackV2)) {
        records[at + 2] = lo + k
        for (let v = 4; v < CC.RECORD; v++) records[at + v] = candidate[v]!
      }
    } else {
      const to = CC.RECORD * count++
      records.set(candidate, to)
      records[to] = roots[k]!
      records[to + 1] = 1
      records[to + 3] = flags[k]!
    }
  }
  return { lo, roots, records, count }
}

const aggName = (d: number) => (rank: number) => `agg-d${pad(d, 5)}-t${pad(rank, 5)}.bin`
const replyName = (d: number) => (rank: number) => `reply-d${pad(d, 5)}-t${pad(rank, 5)}.bin`
const tableName = (rank: number) => `table-t${pad(rank, 5)}.bin`

/** Stage `aggregate`, task `q`: per root owned by a lower partition, this partition's share, sent to its owner. */
const aggregate = (r: Resolved, dirs: ReturnType<typeof directories>, cc: ReturnType<typeof rounds>, q: number): Array<FileOut> => {
  const layout = CC.readLayout(dirs.buckets, r.clusterTasks)
  const { lo, records, count } = localGroups(r, dirs, cc, layout, q)
  const files: Array<FileOut> = []
  let j = 0
  for (let d = 0; d < q; d++) {
    const start = j
    while (j < count && records[CC.RECORD * j]! < layout.lo(d + 1) && records[CC.RECORD * j]! < lo) j++
    files.push(CC.recordsFile(aggName(d), "PDAG", records.slice(CC.RECORD * start, CC.RECORD * j), j - start))
  }
  return files
}

/** Binary search of `root` in records sorted by root; -1 when absent. */
const findRecord = (records: Float64Array, count: number, root: number): number => {
  const a = lowerBound(records, CC.RECORD, count, root)
  return a < count && records[CC.RECORD * a] === root ? a : -1
}

/** Stage `combine`, task `s`: totals per root owned here; replies to the partitions that sent shares. */
const combine = (r: Resolved, dirs: ReturnType<typeof directories>, cc: ReturnType<typeof rounds>, s: number): Array<FileOut> => {
  const layout = CC.readLayout(dirs.buckets, r.clusterTasks)
  const { records, count } = localGroups(r, dirs, cc, layout, s)
  const stackV2 = r.survivor === "stack-v2"
  const incoming: Array<Float64Array> = []
  for (let q = s + 1; q < r.clusterTasks; q++) {
    const shares = CC.readRecords(path.join(cc.aggregate, aggName(s)(q)), "PDAG")
    incoming.push(shares)
    for (let i = 0; i < shares.length; i += CC.RECORD) {
      const k = findRecord(records, count, shares[i]!)
      if (k < 0) throw new CorruptFile({ file: path.join(cc.aggregate, aggName(s)(q)), position: `record ${i / CC.RECORD}`, reason: `root ${shares[i]} is not a document of partition ${s}` })
      const at = CC.RECORD * k
      records[at + 1]! += shares[i + 1]!
      if (shares[i + 3] === 1) records[at + 3] = 1
      if (CC.betterRecord(shares, i, records, at, stackV2)) {
        records[at + 2] = shares[i + 2]!
        for (let v = 4; v < CC.RECORD; v++) records[at + v] = shares[i + v]!
      }
    }
  }
  const files: Array<FileOut> = incoming.map((shares, i) => {
    const out = new Float64Array(shares.length)
    for (let j = 0; j < shares.length; j += CC.RECORD) {
      const at = CC.RECORD * findRecord(records, count, shares[j]!)
      out.set(records.subarray(at, at + CC.RECORD), j)
    }
    return CC.recordsFile(replyName(s + 1 + i), "PDRP", out, out.length / CC.RECORD)
  })
  // the table of this partition's clusters (more than one document, or in the index)
  let m = 0
  const table = new Float64Array(records.length)
  for (let k = 0; k < count; k++) {
    if (records[CC.RECORD * k + 1]! > 1 || records[CC.RECORD * k + 3] === 1) table.set(records.subarray(CC.RECORD * k, CC.RECORD * k + CC.RECORD), CC.RECORD * m++)
  }
  files.push(CC.recordsFile(tableName, "PDTB", table, m))
  return files
}

/**
 * Stage `clusters` (assign), task `q`: each document of the partition gets its cluster id (final
 * root), size and keep flag; records per input shard (`assign-sSSSSS-tQQQQQ.bin`, read by the
 * filter task of that shard) and this partition's lines of the clusters file.
 */
const assign = (r: Resolved, dirs: ReturnType<typeof directories>, cc: ReturnType<typeof rounds>, q: number): Array<FileOut> => {
  const layout = CC.readLayout(dirs.buckets, r.clusterTasks)
  const { lo, roots } = CC.finalRoots(layout, cc.link, cc.ask, q)
  const own = CC.readRecords(path.join(cc.combine, tableName(q)), "PDTB")
  const replies: Array<Float64Array> = []
  for (let s = 0; s < q; s++) replies.push(CC.readRecords(path.join(cc.combine, replyName(q)(s)), "PDRP"))
  const n = roots.length
  const files: Array<FileOut> = []
  const members = new Map<number, Array<number>>()
  const info = new Map<number, { size: number; survivor: number | null }>()
  let records: Array<number> = []
  let shard = 0
  const flush = (t: number) => {
    files.push({ name: (rank) => `assign-s${pad(t, 5)}-t${pad(rank, 5)}.bin`, data: encode("PDAS", [records.length / 4, layout.offsets[t]!], new Uint8Array(new Uint32Array(records).buffer)) })
    records = []
  }
  while (shard + 1 < r.tasks && layout.offsets[shard + 1]! <= lo) shard++
  for (let i = 0; i < n; i++) {
    const x = lo + i
    while (shard + 1 < r.tasks && x >= layout.offsets[shard + 1]!) flush(shard++)
    const root = roots[i]!
    const table = root >= lo ? own : replies[layout.owner(root)]!
    const k = findRecord(table, table.length / CC.RECORD, root)
    if (k < 0) {
      if (root !== x) throw new CorruptFile({ file: path.join(cc.combine, root >= lo ? tableName(q) : replyName(q)(layout.owner(root))), position: "byte 0", reason: `no record for root ${root}` })
      continue
    }
    const size = table[CC.RECORD * k + 1]!
    const best = table[CC.RECORD * k + 2]!
    const indexed = table[CC.RECORD * k + 3] === 1
    // keep: 1 survivor, 0 duplicate, 2 removed because the cluster is in the index
    records.push(x - layout.offsets[shard]!, root, size, indexed ? 2 : best === x ? 1 : 0)
    if (size < 2) continue
    let list = members.get(root)
    if (list === undefined) {
      members.set(root, list = [])
      info.set(root, { size, survivor: indexed ? null : best })
    }
    list.push(x)
  }
  if (n > 0) flush(shard)
  const lines: Array<string> = []
  for (const [root, list] of members) lines.push(JSON.stringify({ cluster_id: root, size: info.get(root)!.size, survivor: info.get(root)!.survivor, members: list }))
  files.push({ name: (rank) => `clusters-t${pad(rank, 5)}.jsonl`, data: Buffer.from(lines.map((l) => l + "\n").join("")) })
  return files
}

/** Stage 5 state: one input task's assignments. */
interface Assignment {
  offset: number
  local: Uint32Array
  cluster: Uint32Array
  size: Uint32Array
  keep: Uint8Array
}

const readAssignment = (r: Resolved, dirs: ReturnType<typeof directories>, rank: number): Assignment => {
  const layout = CC.readLayout(dirs.buckets, r.clusterTasks)
  const from = layout.offsets[rank]!
  const to = layout.offsets[rank + 1]!
  // the partitions overlapping this shard, in id order
  const parts: Array<Uint32Array> = []
  let n = 0
  for (let q = 0; q < r.clusterTasks; q++) {
    if (layout.lo(q) >= to || layout.lo(q + 1) <= from) continue
    const file = path.join(dirs.clusters, `assign-s${pad(rank, 5)}-t${pad(q, 5)}.bin`)
    if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the clusters stage did not write it" })
    const { body, header } = decode(file, "PDAS")
    if (header[1] !== from) throw new CorruptFile({ file, position: "byte 16", reason: `offset ${header[1]}, expected ${from}` })
    const recs = u32Records(file, body, 4, header[0]!)
    parts.push(recs)
    n += header[0]!
  }
  const a: Assignment = { offset: from, local: new Uint32Array(n), cluster: new Uint32Array(n), size: new Uint32Array(n), keep: new Uint8Array(n) }
  let i = 0
  for (const recs of parts) {
    for (let j = 0; j < recs.length; j += 4, i++) {
      a.local[i] = recs[j]!
      a.cluster[i] = recs[j + 1]!
      a.size[i] = recs[j + 2]!
      a.keep[i] = recs[j + 3]!
    }
  }
  return a
}

const corruptOrIO = (file: string) => (e: unknown) => e instanceof CorruptFile || e instanceof DedupOptionsError ? e : new DedupIOError({ file, cause: e })

/** A stage of `tasks` tasks, each running `task(rank)` and writing its files into `dir`. */
const fileStage = (name: string, tasks: number, dir: string, input: string, task: (rank: number) => Array<FileOut>) =>
  Pipeline.stage<number, FileOut>({
    name,
    tasks,
    source: ranks,
    steps: (rank) => Stream.flatMap(rank, (t) => Stream.fromIterableEffect(Effect.try({ try: () => task(t), catch: corruptOrIO(input) }))),
    sink: filesSink(dir),
    rejects: false
  })

/** The sharded clustering: link rounds, pointer-doubling rounds, aggregate, combine, assign. */
const clusterStages = (r: Resolved, dirs: ReturnType<typeof directories>, cc: ReturnType<typeof rounds>) => {
  const C = r.clusterTasks
  const layout = () => CC.readLayout(dirs.buckets, C)
  const stages = cc.link.map((dir, k) =>
    fileStage(`link-${pad(k, 3)}`, C, dir, k === 0 ? dirs.buckets : cc.link[k - 1]!, (q) => CC.linkRound(layout(), dirs.buckets, r.bands * r.ranges, k === 0 ? undefined : cc.link[k - 1], q))
  )
  cc.ask.forEach((dir, j) => {
    stages.push(fileStage(`ask-${pad(j, 3)}`, C, dir, j === 0 ? cc.link[0]! : cc.answer[j - 1]!, (q) => CC.askRound(layout(), cc.link, j === 0 ? undefined : { ask: cc.ask[j - 1]!, answer: cc.answer[j - 1]! }, q)))
    if (j < cc.answer.length) stages.push(fileStage(`answer-${pad(j, 3)}`, C, cc.answer[j]!, dir, (s) => CC.answerRound(layout(), cc.link, dir, s)))
  })
  stages.push(
    fileStage("aggregate", C, cc.aggregate, cc.ask[0]!, (q) => aggregate(r, dirs, cc, q)),
    fileStage("combine", C, cc.combine, cc.aggregate, (s) => combine(r, dirs, cc, s)),
    fileStage("clusters", C, dirs.clusters, cc.combine, (q) => assign(r, dirs, cc, q))
  )
  return stages
}

/**
 * The pipeline for `params` (what every worker thread builds from the same parameters).
 *
 * @since 0.1.0 @category constructors
 */
export const pipeline = (params: Params): Pipeline.Pipeline => {
  const r = resolveParams(params)
  const dirs = directories(params)
  const mode = r.mode
  const col = columns(mode)
  const why = reason(mode)
  let current: Assignment | undefined
  let cursor = 0
  let position = 0
  const removed = new WeakMap<Doc, string>()
  const cc = rounds(params)
  return Pipeline.make(`${mode}-dedup-multistage`, [
    Pipeline.stage<Doc, FileOut>({
      name: "signatures",
      tasks: r.tasks,
      source: lazySource(params.input, params.inputFormat),
      steps: (docs) =>
        Stream.unwrap(Effect.flatMap(params.index === undefined ? Effect.succeed(undefined) : Membership.load(params.index), (index) => {
          const spill = new SignatureSpill(r, params.exact?.normalizeWhitespace ?? false, index)
          return docs.pipe(
            Operator.map(mode === "minhash" ? "minhash-signature" : "content-hash", (doc: Doc) => {
              spill.add(doc)
              return 0
            }),
            Stream.runDrain,
            Effect.map(() => Stream.fromIterable(spill.files()))
          )
        })),
      sink: filesSink(dirs.signatures),
      rejects: false
    }),
    Pipeline.stage<number, FileOut>({
      name: "buckets",
      tasks: r.bands * r.ranges,
      source: ranks,
      steps: (rank) => Stream.flatMap(rank, (t) => Stream.fromIterableEffect(Effect.try({ try: () => bucketEdges(r, dirs, t), catch: corruptOrIO(dirs.signatures) }))),
      sink: filesSink(dirs.buckets),
      rejects: false
    }),
    ...clusterStages(r, dirs, cc),
    Pipeline.stage<Doc, Doc>({
      name: "filter",
      tasks: r.tasks,
      source: {
        name: "input",
        read: (shard) =>
          Stream.unwrap(Effect.try({
            try: () => {
              current = readAssignment(r, dirs, shard.rank)
              cursor = 0
              position = 0
              return lazySource(params.input, params.inputFormat).read(shard)
            },
            catch: (e) => e instanceof InputNotFound ? e : new InputNotFound({ path: `${dirs.clusters}: ${e instanceof Error ? e.message : String(e)}` })
          }))
      },
      steps: (docs) =>
        docs.pipe(
          Operator.map(`${mode}-cluster`, (doc: Doc): Doc => {
            const a = current!
            const local = position++
            while (cursor < a.local.length && a.local[cursor]! < local) cursor++
            const hit = cursor < a.local.length && a.local[cursor] === local
            const out: Doc = {
              ...doc,
              [col.id]: hit ? a.cluster[cursor]! : a.offset + local,
              [col.size]: hit ? a.size[cursor]! : 1
            }
            if (hit && a.keep[cursor] !== 1) removed.set(out, a.keep[cursor] === 2 ? "in-index" : why)
            return out
          }),
          Operator.filter(`${mode}-dedup`, (doc) => removed.get(doc) ?? true)
        ),
      sink: Input.sink(params.out, params.format ?? "parquet")
    })
  ])
}

export default pipeline

const here = fileURLToPath(import.meta.url)

/**
 * Is stage `name` not needed because the round before it sent nothing (the clustering converged)?
 * Such rounds would only copy their input forward; the later stages read the first quiet round.
 */
const converged = (params: Params, name: string): boolean => {
  const cc = rounds(params)
  const C = resolveParams(params).clusterTasks
  const m = /^(link|ask|answer)-(\d{3})$/.exec(name)
  if (m === null) return false
  const k = Number(m[2])
  // link-k and ask-k: an earlier round of the phase was quiet; answer-k: ask-k or an earlier ask was
  const earlier = m[1] === "link" ? cc.link.slice(0, k) : m[1] === "ask" ? cc.ask.slice(0, k) : cc.ask.slice(0, k + 1)
  return earlier.some((dir) => CC.roundSent(dir, C) === 0)
}

/**
 * Run the stages on worker threads (`workers`, default one per core), one stage after another, in
 * one run of the executor (the workers start once and import this module once for every stage),
 * leaving out the clustering rounds after convergence (at most `clusterTasks` link rounds and
 * ceil(log2(clusterTasks)) + 2 pointer-doubling rounds; usually one or two of each). A rerun
 * resumes after the last completed task. Resolves to the stage results of the stages run.
 *
 * @since 0.1.0 @category execution
 */
export const run = (
  params: Params,
  options: {
    readonly workers?: number | undefined
    readonly force?: boolean | undefined
    readonly quiet?: boolean | undefined
    /** A progress reporter (overrides `quiet`). */
    readonly reporter?: Progress.Reporter | undefined
  } = {}
) =>
  Effect.gen(function*() {
    yield* Effect.try({ try: () => resolveParams(params), catch: (e) => e as DedupOptionsError })
    return yield* runPipeline(here, {
      params,
      workers: options.workers,
      force: options.force,
      quiet: options.quiet ?? true,
      reporter: options.reporter,
      skip: (stage) => converged(params, stage)
    })
  })
