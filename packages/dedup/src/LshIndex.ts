/**
 * A compact LSH index over MinHash signatures, in typed arrays only: per band an open-addressing
 * hash table from a 64-bit band key (two independent 32-bit hashes of the band's rows) to the
 * bucket's first document and, optionally, a chain through every document of the bucket.
 * Memory: about 24 bytes per document and band for the tables (at the 50% load they grow at), plus
 * 4 bytes per document and band with chains; no signatures and no texts are kept.
 *
 * ```ts
 * import { LshIndex, MinHash } from "@pretrain/dedup"
 * const index = new LshIndex.LshIndex({ bands: 25, rows: 10 })
 * const hasher = new MinHash.MinHasher()
 * index.insert(0, hasher.signature([1, 2, 3]), () => {})
 * index.insert(1, hasher.signature([1, 2, 3]), (other) => console.log("candidate", other))   // 0
 * ```
 *
 * @since 0.1.0
 */
import { combine, fmix32, growI32 } from "./internal/hash.ts"

/** @since 0.1.0 @category models */
export interface Options {
  readonly bands: number
  readonly rows: number
  /**
   * Keep every document of a bucket (a chain), so lookups report all of them; otherwise only the
   * bucket's first document is reported (enough for connected components: star edges).
   */
  readonly chains?: boolean | undefined
  /**
   * With chains, report at most this many members per bucket, the most recent first (default 100),
   * so a bucket of thousands of identical files costs a bounded walk per document rather than a
   * quadratic one. Members beyond it are almost always already linked through the recent ones.
   */
  readonly maxChain?: number | undefined
}

const SEED_A = 0x2545f491
const SEED_B = 0x6b43a9b5

/**
 * The 64-bit key of every band of a signature, written to `out[2*band]` (high word) and
 * `out[2*band + 1]` (low word). `out` needs `2 * bands` entries.
 *
 * @since 0.1.0 @category utils
 */
export const bandKeys = (signature: Uint32Array, bands: number, rows: number, out: Uint32Array): Uint32Array => {
  if (bands * rows > signature.length) throw new RangeError(`${bands} bands x ${rows} rows need ${bands * rows} permutations, the signature has ${signature.length}`)
  for (let band = 0; band < bands; band++) {
    let ha = SEED_A ^ band
    let hb = SEED_B ^ Math.imul(band, 0x9e3779b1)
    const start = band * rows
    for (let i = 0; i < rows; i++) {
      const v = signature[start + i]!
      ha = combine(ha, v)
      hb = combine(hb, v ^ 0x5bd1e995)
    }
    out[2 * band] = fmix32(ha ^ rows)
    out[2 * band + 1] = fmix32(hb ^ (rows << 16))
  }
  return out
}

/** One band's table: 64-bit keys to the first document of the bucket. */
class BandTable {
  hi: Uint32Array
  lo: Uint32Array
  head: Int32Array
  count = 0
  mask: number

  constructor(capacity: number) {
    const size = 1 << Math.max(4, Math.ceil(Math.log2(capacity * 2)))
    this.hi = new Uint32Array(size)
    this.lo = new Uint32Array(size)
    this.head = new Int32Array(size).fill(-1)
    this.mask = size - 1
  }

  /** The slot of a key: where it is, or the empty slot where it would go. */
  slot(hi: number, lo: number): number {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask
    const head = this.head
    for (;;) {
      if (head[i] === -1 || (this.hi[i] === hi && this.lo[i] === lo)) return i
      i = (i + 1) & this.mask
    }
  }

  grow(): void {
    const { hi, lo, head } = this
    const size = head.length * 2
    this.hi = new Uint32Array(size)
    this.lo = new Uint32Array(size)
    this.head = new Int32Array(size).fill(-1)
    this.mask = size - 1
    for (let i = 0; i < head.length; i++) {
      if (head[i] === -1) continue
      const j = this.slot(hi[i]!, lo[i]!)
      this.hi[j] = hi[i]!
      this.lo[j] = lo[i]!
      this.head[j] = head[i]!
    }
  }
}

/**
 * The index. Document ids are non-negative integers chosen by the caller (usually the input
 * position).
 *
 * @since 0.1.0 @category models
 */
export class LshIndex {
  readonly bands: number
  readonly rows: number
  readonly chains: boolean
  readonly maxChain: number
  private readonly tables: Array<BandTable>
  /** Per band, the next document of the same bucket (-1 at the end); only with chains. */
  private readonly next: Array<Int32Array<ArrayBuffer>>
  private readonly keys: Uint32Array
  /** Documents inserted. */
  size = 0

  constructor(options: Options) {
    this.bands = options.bands
    this.rows = options.rows
    this.chains = options.chains ?? false
    this.maxChain = options.maxChain ?? 100
    if (!Number.isInteger(this.bands) || this.bands < 1) throw new RangeError(`bands must be a positive integer, got ${this.bands}`)
    if (!Number.isInteger(this.rows) || this.rows < 1) throw new RangeError(`rows must be a positive integer, got ${this.rows}`)
    this.tables = Array.from({ length: this.bands }, () => new BandTable(1024))
    this.next = this.chains ? Array.from({ length: this.bands }, () => new Int32Array(1024).fill(-1)) : []
    this.keys = new Uint32Array(2 * this.bands)
  }

  /**
   * Report every document already in the index that shares a band with `signature` (with chains,
   * each bucket member; without, each bucket's first document; a document may be reported once per
   * shared band), then add `doc`.
   */
  insert(doc: number, signature: Uint32Array, onCandidate: (other: number) => void): void {
    this.visit(signature, onCandidate, doc)
    this.size++
  }

  /** Report the documents sharing a band with `signature`, without adding anything. */
  query(signature: Uint32Array, onCandidate: (other: number) => void): void {
    this.visit(signature, onCandidate, -1)
  }

  private visit(signature: Uint32Array, onCandidate: (other: number) => void, insert: number): void {
    const keys = bandKeys(signature, this.bands, this.rows, this.keys)
    for (let band = 0; band < this.bands; band++) {
      const table = this.tables[band]!
      const hi = keys[2 * band]!
      const lo = keys[2 * band + 1]!
      const i = table.slot(hi, lo)
      const first = table.head[i]!
      if (first !== -1) {
        if (this.chains) {
          const next = this.next[band]!
          let left = this.maxChain
          for (let d = first; d !== -1 && left > 0; d = next[d]!, left--) onCandidate(d)
        } else onCandidate(first)
      }
      if (insert < 0) continue
      if (this.chains) {
        const next = (this.next[band] = growI32(this.next[band]!, insert + 1, -1))
        next[insert] = first
        table.head[i] = insert
      } else if (first === -1) table.head[i] = insert
      if (first === -1) {
        table.hi[i] = hi
        table.lo[i] = lo
        if (++table.count * 2 > table.head.length) table.grow()
      }
    }
  }

  /** Bytes held by the index's arrays. */
  memoryBytes(): number {
    let bytes = 0
    for (const t of this.tables) bytes += t.hi.byteLength + t.lo.byteLength + t.head.byteLength
    for (const n of this.next) bytes += n.byteLength
    return bytes
  }
}
