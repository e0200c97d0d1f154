/**
 * Multi-stage dedup for data larger than one machine's memory, as five stages run by dataflow's
 * executor (worker threads, completion markers, resume), giving the same clusters, cluster ids,
 * sizes and survivors as the one-machine `Dedup.run` on the same input:
 *
 * 1. `signatures` (`tasks` tasks, one shard of the input each): MinHash band keys (or, in exact
 *    mode, a 64-bit content hash as the single key) of every document, written per band and per
 *    hash range as sorted spill files `sig-bBBB-rKKK-tTTTTT.bin` with checksums, plus the survivor
 *    keys `meta-tTTTTT.bin`. Memory: the task's band keys (8 bytes per band per document), no texts.
 * 2. `buckets` (bands x ranges tasks): each task merges the sorted files of one band and one hash
 *    range (ranges split the 32-bit key space evenly, so tasks get even shares whatever the input)
 *    and emits star edges from each bucket's first document to the others (`edges-TTTTT.bin`);
 *    files out of order or failing their checksum fail the task with `CorruptFile`.
 * 3. `components` (`clusterTasks` tasks): union-find over a share of the edge files, emitting a
 *    star forest (at most one edge per duplicate document), so no task sees every edge.
 * 4. `clusters` (one task): union-find over the forests only (at most one edge per document in a
 *    cluster; memory proportional to those documents, not to the dataset), survivor per cluster by
 *    the survivor rule, per-input-task assignment files and `clusters-t00000.jsonl`.
 * 5. `filter` (`tasks` tasks, the same shards as stage 1): adds `<mode>_cluster_id` /
 *    `<mode>_cluster_size` and drops non-survivors (to `<out>/rejects/`).
 *
 * Document ids are input positions (task offsets from stage 1 plus the position in the task), and
 * every union-find root is the smallest id, so the result does not depend on task or worker counts.
 * Up to 2^32 - 1 documents. The exact-Jaccard check is not available in this mode. With `index`,
 * clusters (and single documents) already in a membership index are removed (reason `in-index`).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Doc, Input, InputNotFound, Operator, Pipeline, runPipeline, type Sink, type Source } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { columns, reason } from "./Dedup.ts"
import { CorruptFile, DedupIOError, DedupOptionsError } from "./Errors.ts"
import { contentKey } from "./ExactDedup.ts"
import { growU32, growU8 } from "./internal/hash.ts"
import { lazySource } from "./internal/source.ts"
import { decode, encode, pad, u32Records } from "./internal/spill.ts"
import { bandKeys } from "./LshIndex.ts"
import * as Membership from "./Membership.ts"
import { MinHasher } from "./MinHash.ts"
import { config as nearConfig, type Config as NearConfig, type Options as NearOptions } from "./NearDedup.ts"
import { Shingler } from "./Shingle.ts"
import { RankKeys, type Rule } from "./Survivor.ts"
import { UnionFind } from "./UnionFind.ts"

/** Parameters (JSON data: every worker thread builds the pipeline from them). @since 0.1.0 @category models */
export interface Params {
  readonly input: string | ReadonlyArray<string>
  readonly inputFormat?: Input.Format | undefined
  /** Directory for the intermediate stages (`signatures/`, `buckets/`, `components/`, `clusters/`). */
  readonly work: string
  /** Output directory of the kept documents. */
  readonly out: string
  readonly format?: Input.Format | undefined
  readonly mode?: "exact" | "minhash" | undefined
  /** Tasks of the signature and filter stages (default 4). */
  readonly tasks?: number | undefined
  /** Hash ranges per band in the bucket stage (default 2). */
  readonly ranges?: number | undefined
  /** Tasks of the components stage (default 4). */
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
  components: path.join(params.work, "components"),
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
const bucketEdges = (r: Resolved, dirs: ReturnType<typeof directories>, rank: number): FileOut => {
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
  return { name: (t) => `edges-t${pad(t, 5)}.bin`, data: encode("PDED", [ne, total], new Uint8Array(edges.buffer, 0, 8 * ne)) }
}

const readPairs = (file: string, magic: string) => {
  const { body, header } = decode(file, magic)
  return { pairs: u32Records(file, body, 2, header[0]!), total: header[1]! }
}

/** Stage 3: union-find over a share of the edge files, as a star forest (root, member). */
const componentForest = (r: Resolved, dirs: ReturnType<typeof directories>, rank: number): FileOut => {
  const uf = new UnionFind()
  let touched = new Uint32Array(1024)
  let nt = 0
  let seen = new Uint8Array(1024)
  let total = 0
  const touch = (id: number) => {
    seen = growU8(seen, id + 1)
    if (seen[id] === 0) {
      seen[id] = 1
      touched = growU32(touched, nt + 1)
      touched[nt++] = id
    }
  }
  for (let b = rank; b < r.bands * r.ranges; b += r.clusterTasks) {
    const file = path.join(dirs.buckets, `edges-t${pad(b, 5)}.bin`)
    const { pairs, total: t } = readPairs(file, "PDED")
    total = t
    for (let i = 0; i < pairs.length; i += 2) {
      touch(pairs[i]!)
      touch(pairs[i + 1]!)
      uf.union(pairs[i]!, pairs[i + 1]!)
    }
  }
  const forest = new Uint32Array(2 * nt)
  let nf = 0
  for (let i = 0; i < nt; i++) {
    const id = touched[i]!
    const root = uf.find(id)
    if (root !== id) {
      forest[2 * nf] = root
      forest[2 * nf + 1] = id
      nf++
    }
  }
  return { name: (t) => `forest-t${pad(t, 5)}.bin`, data: encode("PDFO", [nf, total], new Uint8Array(forest.buffer, 0, 8 * nf)) }
}

/** One task's meta file: document count, survivor keys, in-index flags. */
const openMeta = (file: string) => {
  const { body, header } = decode(file, "PDMT")
  const n = header[0]!
  if (body.byteLength !== 34 * n) throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: `expected ${34 * n} bytes of keys` })
  return { n, body, flags: body.subarray(33 * n, 34 * n) }
}

/**
 * Read one task's survivor keys for the documents in `ids` (sorted global ids) that belong to the
 * task (global ids `offset..offset+n`), into `ranks` at their dense positions `first..`. Returns the
 * task's document count.
 */
const readMeta = (file: string, ranks: RankKeys, offset: number, ids: Uint32Array, first: number): { count: number; next: number } => {
  const { body, n } = openMeta(file)
  const f64 = new Float64Array(body.buffer, 0, 4 * n)
  let k = first
  for (; k < ids.length && ids[k]! < offset + n; k++) {
    const i = ids[k]! - offset
    ranks.setRaw(k, body[32 * n + i]!, f64[i]!, f64[n + i]!, f64[2 * n + i]!, f64[3 * n + i]!)
  }
  return { count: n, next: k }
}

/**
 * Stage 4: merge the forests, choose survivors, write per-input-task assignments and the clusters
 * file. Memory is proportional to the documents in clusters (dense ids over the forests' nodes),
 * not to the dataset.
 */
const assignClusters = (r: Resolved, dirs: ReturnType<typeof directories>): Array<FileOut> => {
  const forests: Array<Uint32Array> = []
  let total = 0
  for (let c = 0; c < r.clusterTasks; c++) forests.push(readPairs(path.join(dirs.components, `forest-t${pad(c, 5)}.bin`), "PDFO").pairs)
  for (const f of forests) total += f.length
  // documents in the index (incremental mode), also when they are in no cluster
  const flagged: Array<number> = []
  {
    let offset = 0
    for (let t = 0; t < r.tasks; t++) {
      const { flags, n } = openMeta(path.join(dirs.signatures, metaName(t)))
      for (let i = 0; i < n; i++) if (flags[i] === 1) flagged.push(offset + i)
      offset += n
    }
  }
  // dense ids: the sorted distinct global ids of every forest node and flagged document
  const all = new Uint32Array(total + flagged.length)
  let at = 0
  for (const f of forests) {
    all.set(f, at)
    at += f.length
  }
  all.set(flagged, at)
  all.sort()
  let m = 0
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[m++] = all[i]!
  const ids = all.subarray(0, m)
  const dense = (id: number): number => {
    let lo = 0
    let hi = m
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (ids[mid]! < id) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const uf = new UnionFind(m)
  if (m > 0) uf.add(m - 1)
  for (const f of forests) for (let i = 0; i < f.length; i += 2) uf.union(dense(f[i]!), dense(f[i + 1]!))
  // survivor keys of the clustered documents only
  const ranks = new RankKeys(r.survivor)
  const offsets: Array<number> = []
  let docs = 0
  let next = 0
  for (let t = 0; t < r.tasks; t++) {
    offsets.push(docs)
    const read = readMeta(path.join(dirs.signatures, metaName(t)), ranks, docs, ids, next)
    docs += read.count
    next = read.next
  }
  // dense roots are the smallest dense index, whose global id is the smallest id of the cluster
  const roots = uf.roots(m)
  const indexed = new Uint8Array(m)
  for (const id of flagged) indexed[roots[dense(id)]!] = 1
  const size = new Uint32Array(m)
  const best = new Int32Array(m).fill(-1)
  for (let k = 0; k < m; k++) {
    const root = roots[k]!
    size[root]!++
    if (best[root] === -1 || ranks.better(k, best[root]!)) best[root] = k
  }
  const files: Array<FileOut> = []
  let task = 0
  let records: Array<number> = []
  const flush = (t: number) => {
    const data = new Uint32Array(records)
    files.push({ name: (rank) => `assign-s${pad(t, 5)}-t${pad(rank, 5)}.bin`, data: encode("PDAS", [records.length / 4, offsets[t]!], new Uint8Array(data.buffer)) })
    records = []
  }
  const members = new Map<number, Array<number>>()
  for (let k = 0; k < m; k++) {
    const id = ids[k]!
    while (task + 1 < r.tasks && id >= offsets[task + 1]!) flush(task++)
    const root = roots[k]!
    // keep: 1 survivor, 0 duplicate, 2 removed because the cluster is in the index
    records.push(id - offsets[task]!, ids[root]!, size[root]!, indexed[root] === 1 ? 2 : best[root] === k ? 1 : 0)
    if (size[root]! < 2) continue
    let list = members.get(root)
    if (list === undefined) members.set(root, list = [])
    list.push(id)
  }
  while (task < r.tasks) flush(task++)
  const lines: Array<string> = []
  for (const [root, list] of members) {
    lines.push(JSON.stringify({ cluster_id: ids[root], size: list.length, survivor: indexed[root] === 1 ? null : ids[best[root]!], members: list }))
  }
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

const readAssignment = (dirs: ReturnType<typeof directories>, rank: number): Assignment => {
  const file = path.join(dirs.clusters, `assign-s${pad(rank, 5)}-t00000.bin`)
  const { body, header } = decode(file, "PDAS")
  const n = header[0]!
  const recs = u32Records(file, body, 4, n)
  const a: Assignment = { offset: header[1]!, local: new Uint32Array(n), cluster: new Uint32Array(n), size: new Uint32Array(n), keep: new Uint8Array(n) }
  for (let i = 0; i < n; i++) {
    a.local[i] = recs[4 * i]!
    a.cluster[i] = recs[4 * i + 1]!
    a.size[i] = recs[4 * i + 2]!
    a.keep[i] = recs[4 * i + 3]!
  }
  return a
}

const corruptOrIO = (file: string) => (e: unknown) => e instanceof CorruptFile || e instanceof DedupOptionsError ? e : new DedupIOError({ file, cause: e })

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
      steps: (rank) => Stream.mapEffect(rank, (t) => Effect.try({ try: () => bucketEdges(r, dirs, t), catch: corruptOrIO(dirs.signatures) })),
      sink: filesSink(dirs.buckets),
      rejects: false
    }),
    Pipeline.stage<number, FileOut>({
      name: "components",
      tasks: r.clusterTasks,
      source: ranks,
      steps: (rank) => Stream.mapEffect(rank, (t) => Effect.try({ try: () => componentForest(r, dirs, t), catch: corruptOrIO(dirs.buckets) })),
      sink: filesSink(dirs.components),
      rejects: false
    }),
    Pipeline.stage<number, FileOut>({
      name: "clusters",
      tasks: 1,
      source: ranks,
      steps: (rank) =>
        Stream.flatMap(rank, () => Stream.fromIterableEffect(Effect.try({ try: () => assignClusters(r, dirs), catch: corruptOrIO(dirs.components) }))),
      sink: filesSink(dirs.clusters),
      rejects: false
    }),
    Pipeline.stage<Doc, Doc>({
      name: "filter",
      tasks: r.tasks,
      source: {
        name: "input",
        read: (shard) =>
          Stream.unwrap(Effect.try({
            try: () => {
              current = readAssignment(dirs, shard.rank)
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
 * Run the five stages on worker threads (`workers`, default one per core); a rerun resumes after
 * the last completed task. Resolves to the run's stage results.
 *
 * @since 0.1.0 @category execution
 */
export const run = (params: Params, options: { readonly workers?: number | undefined; readonly force?: boolean | undefined; readonly quiet?: boolean | undefined } = {}) =>
  Effect.try({ try: () => resolveParams(params), catch: (e) => e as DedupOptionsError }).pipe(
    Effect.flatMap(() => runPipeline(here, { params, workers: options.workers, force: options.force, quiet: options.quiet ?? true }))
  )
