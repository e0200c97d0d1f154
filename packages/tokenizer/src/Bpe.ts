/**
 * The BPE model of a byte-level tokenizer: a vocabulary of byte strings and a ranked list of merges,
 * applied inside one pre-tokenized piece at a time. Encoding follows Hugging Face exactly: the
 * adjacent pair with the lowest merge rank is merged first, the leftmost one on ties, until no pair
 * has a merge. Pieces whose bytes are a token that BPE would produce whole are looked up directly;
 * short pieces merge with a linear scan, long ones with a heap. No strings in the hot path.
 *
 * ```ts
 * const bpe = new Bpe.BpeModel(["a", "b", "ab"], [[0, 1]])
 * ```
 *
 * @since 0.1.0
 */
import * as ByteLevel from "./ByteLevel.ts"
import { BytesIndex, type BytesIndexState, hashBytes } from "./internal/BytesIndex.ts"
import { IdBuffer } from "./internal/IdBuffer.ts"
import { PairIndex, type PairIndexState } from "./internal/PairIndex.ts"
import { PieceCache } from "./internal/PieceCache.ts"

const NONE = 0x7fffffff
const LINEAR_MAX = 48
const POS_SCALE = 2 ** 26

/**
 * The lookup tables a model builds from its vocabulary and merges, as plain typed arrays: what a
 * worker thread receives instead of rebuilding them.
 *
 * @since 0.1.0 @category models
 */
export interface BpeTables {
  readonly pairs: PairIndexState
  readonly rankOf: Int32Array
  readonly resultOf: Int32Array
  readonly whole: BytesIndexState
}

/** A merge whose result is not in the vocabulary. */
class MergeError extends RangeError {
  readonly rank: number
  constructor(rank: number, message: string) {
    super(message)
    this.rank = rank
  }
}

/** @since 0.1.0 @category models */
export class BpeModel {
  /** Thrown by the constructor for a merge whose result is not in the vocabulary. */
  static readonly MergeError = MergeError

  /** Token strings (GPT-2 byte-mapped) by id; `undefined` for ids that are not in the BPE vocabulary. */
  readonly tokens: ReadonlyArray<string | undefined>
  /** Raw bytes of each token, by id (built on first use for a model made from tables). */
  get tokenBytes(): ReadonlyArray<Uint8Array | undefined> {
    if (this.bytesById === undefined) this.bytesById = this.tokens.map((t) => t === undefined ? undefined : ByteLevel.toBytes(t))
    return this.bytesById
  }
  private bytesById: ReadonlyArray<Uint8Array | undefined> | undefined
  /** Merges as id pairs in rank order. */
  get merges(): ReadonlyArray<readonly [number, number]> {
    if (this.mergeList === undefined) {
      const flat = this.flatMerges!
      const list: Array<readonly [number, number]> = new Array(flat.length >> 1)
      for (let i = 0; i < list.length; i++) list[i] = [flat[2 * i]!, flat[2 * i + 1]!]
      this.mergeList = list
    }
    return this.mergeList
  }
  private mergeList: ReadonlyArray<readonly [number, number]> | undefined
  private readonly flatMerges: Int32Array | undefined
  /** Id of each single byte, −1 when the vocabulary lacks it (such bytes are dropped, as HF does). */
  readonly byteId: Int32Array
  /** Bytes dropped because the vocabulary has no token for them, since creation. */
  unknownBytes = 0

  private readonly pairs: PairIndex
  private readonly rankOf: Int32Array
  private readonly resultOf: Int32Array
  private readonly whole: BytesIndex
  private sym = new Int32Array(256)
  private pr = new Int32Array(256)
  private next = new Int32Array(0)
  private prev = new Int32Array(0)
  private heap = new Float64Array(0)
  private readonly cache = new PieceCache()

  /**
   * @param tokens token strings by id (GPT-2 byte-mapped)
   * @param merges id pairs in rank order; the merged token must be in `tokens` (with `tables`: may
   *   be flat, `[a0, b0, a1, b1, ...]`, turned into pairs only when read)
   * @param ignoreMerges emit any piece that is itself a token directly (HF `ignore_merges`)
   * @param vocab token string → id, when the caller has it already
   * @param tables the tables of an equal model ({@link BpeModel.tables}), to skip building them
   */
  constructor(
    tokens: ReadonlyArray<string | undefined>,
    merges: ReadonlyArray<readonly [number, number]> | Int32Array,
    ignoreMerges = false,
    vocab?: ReadonlyMap<string, number>,
    tables?: BpeTables
  ) {
    this.tokens = tokens
    if (merges instanceof Int32Array) {
      if (tables === undefined) throw new RangeError("BpeModel: flat merges need the tables")
      this.flatMerges = merges
    } else this.mergeList = merges
    if (tables !== undefined) {
      // Only one-character tokens can be single bytes; the other tokens' bytes wait for a decode.
      this.byteId = new Int32Array(256).fill(-1)
      for (let id = 0; id < tokens.length; id++) {
        const t = tokens[id]
        if (t === undefined || t.length !== 1) continue
        const b = ByteLevel.toBytes(t)
        if (b !== undefined && b.length === 1 && this.byteId[b[0]!] === -1) this.byteId[b[0]!] = id
      }
      this.pairs = PairIndex.fromState(tables.pairs)
      this.rankOf = tables.rankOf
      this.resultOf = tables.resultOf
      this.whole = BytesIndex.fromState(tables.whole)
      return
    }
    const ids = vocab ?? new Map<string, number>()
    const bytes: Array<Uint8Array | undefined> = new Array(tokens.length)
    this.byteId = new Int32Array(256).fill(-1)
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id]
      if (t === undefined) continue
      if (vocab === undefined) (ids as Map<string, number>).set(t, id)
      const b = ByteLevel.toBytes(t)
      bytes[id] = b
      if (b !== undefined && b.length === 1 && this.byteId[b[0]!] === -1) this.byteId[b[0]!] = id
    }
    this.bytesById = bytes
    merges = merges as ReadonlyArray<readonly [number, number]>
    this.pairs = new PairIndex(merges.length)
    this.rankOf = new Int32Array(merges.length)
    this.resultOf = new Int32Array(merges.length)
    for (let r = 0; r < merges.length; r++) {
      const [a, b] = merges[r]!
      const result = ids.get(tokens[a]! + tokens[b]!)
      if (result === undefined) throw new MergeError(r, `merged token ${JSON.stringify(tokens[a]! + tokens[b]!)} is not in the vocabulary`)
      const p = this.pairs.add(a, b)
      this.rankOf[p] = r
      this.resultOf[p] = result
    }
    // Whole-piece lookups: every token when merges are ignored, otherwise only tokens that BPE
    // itself produces whole from their bytes (so the shortcut never changes a result).
    const keys: Array<Uint8Array | undefined> = new Array(tokens.length)
    const probe = new IdBuffer(64)
    for (let id = 0; id < tokens.length; id++) {
      const b = bytes[id]
      if (b === undefined || b.length < 2) continue
      if (ids.get(tokens[id]!) !== id) continue
      if (!ignoreMerges) {
        probe.length = 0
        probe.reserve(b.length)
        this.mergeBytes(b, 0, b.length, probe)
        if (probe.length !== 1 || probe.data[0] !== id) continue
      }
      keys[id] = b
    }
    this.whole = new BytesIndex(keys, Array.from({ length: tokens.length }, (_, i) => i))
    this.unknownBytes = 0
  }

  /** The lookup tables, to build an equal model elsewhere without recomputing them. @since 0.1.0 */
  tables(): BpeTables {
    return { pairs: this.pairs.state(), rankOf: this.rankOf, resultOf: this.resultOf, whole: this.whole.state() }
  }

  /** Number of ids (the largest id + 1). @since 0.1.0 */
  get size(): number {
    return this.tokens.length
  }

  /**
   * Append the ids of one piece, given as its UTF-8 bytes `bytes[0, len)`, to `out`.
   *
   * @since 0.1.0
   */
  encodePiece(bytes: Uint8Array, len: number, out: IdBuffer): void {
    this.encodeHashed(bytes, len, hashBytes(bytes, 0, len), out)
  }

  /**
   * {@link encodePiece} with the piece's FNV-1a hash already computed (see `hashBytes`).
   *
   * @since 0.1.0
   */
  encodeHashed(bytes: Uint8Array, len: number, hash: number, out: IdBuffer): void {
    this.encodeAt(bytes, 0, len, hash, out)
  }

  /**
   * {@link encodeHashed} for the piece `bytes[start, start + len)` (pieces read in place from a
   * buffer holding the whole text's UTF-8).
   *
   * @since 0.1.0
   */
  encodeAt(bytes: Uint8Array, start: number, len: number, hash: number, out: IdBuffer): void {
    out.reserve(len)
    if (len === 1) {
      const id = this.byteId[bytes[start]!]!
      if (id >= 0) out.data[out.length++] = id
      else this.unknownBytes++
      return
    }
    const id = this.whole.getHashed(bytes, start, start + len, hash)
    if (id >= 0) {
      out.data[out.length++] = id
      return
    }
    const cache = this.cache
    if (cache.get(bytes, start, len, hash)) {
      const n = cache.hitLen
      const data = out.data
      const ids = cache.ids
      const s = cache.hitStart
      let o = out.length
      for (let i = 0; i < n; i++) data[o++] = ids[s + i]!
      out.length = o
      return
    }
    const from = out.length
    const unknown = this.unknownBytes
    this.mergeBytes(bytes, start, len, out)
    if (this.unknownBytes === unknown) cache.set(bytes, start, len, hash, out.data, from, out.length)
  }

  private mergeBytes(bytes: Uint8Array, start: number, len: number, out: IdBuffer): void {
    if (this.sym.length < len + 1) {
      this.sym = new Int32Array(len * 2)
      this.pr = new Int32Array(len * 2)
    }
    const sym = this.sym
    let n = 0
    const byteId = this.byteId
    for (let i = start; i < start + len; i++) {
      const id = byteId[bytes[i]!]!
      if (id >= 0) sym[n++] = id
      else this.unknownBytes++
    }
    if (n > LINEAR_MAX) return this.mergeHeap(n, out)
    const pr = this.pr
    const pairs = this.pairs
    const rankOf = this.rankOf
    for (let i = 0; i < n - 1; i++) {
      const p = pairs.get(sym[i]!, sym[i + 1]!)
      pr[i] = p < 0 ? NONE : rankOf[p]!
    }
    while (n > 1) {
      let best = NONE
      let at = -1
      for (let i = 0; i < n - 1; i++) {
        if (pr[i]! < best) {
          best = pr[i]!
          at = i
        }
      }
      if (at < 0) break
      sym[at] = this.resultOf[pairs.get(sym[at]!, sym[at + 1]!)]!
      for (let i = at + 1; i < n - 1; i++) {
        sym[i] = sym[i + 1]!
        pr[i] = pr[i + 1]!
      }
      n--
      if (at > 0) {
        const p = pairs.get(sym[at - 1]!, sym[at]!)
        pr[at - 1] = p < 0 ? NONE : rankOf[p]!
      }
      if (at < n - 1) {
        const p = pairs.get(sym[at]!, sym[at + 1]!)
        pr[at] = p < 0 ? NONE : rankOf[p]!
      }
    }
    const data = out.data
    let o = out.length
    for (let i = 0; i < n; i++) data[o++] = sym[i]!
    out.length = o
  }

  /** Heap merge for long pieces: candidates keyed by (rank, position), invalidated lazily. */
  private mergeHeap(n: number, out: IdBuffer): void {
    const sym = this.sym
    if (this.next.length < n) {
      this.next = new Int32Array(n * 2)
      this.prev = new Int32Array(n * 2)
      this.heap = new Float64Array(n * 4)
    }
    const next = this.next
    const prev = this.prev
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1
      prev[i] = i - 1
    }
    let size = 0
    const push = (i: number, j: number): void => {
      const p = this.pairs.get(sym[i]!, sym[j]!)
      if (p < 0) return
      if (size === this.heap.length) {
        const h = new Float64Array(size * 2)
        h.set(this.heap)
        this.heap = h
      }
      const heap = this.heap
      const key = this.rankOf[p]! * POS_SCALE + i
      let k = size++
      while (k > 0) {
        const parent = (k - 1) >> 1
        if (heap[parent]! <= key) break
        heap[k] = heap[parent]!
        k = parent
      }
      heap[k] = key
    }
    const pop = (): number => {
      const heap = this.heap
      const top = heap[0]!
      const last = heap[--size]!
      let k = 0
      for (;;) {
        let c = 2 * k + 1
        if (c >= size) break
        if (c + 1 < size && heap[c + 1]! < heap[c]!) c++
        if (heap[c]! >= last) break
        heap[k] = heap[c]!
        k = c
      }
      heap[k] = last
      return top
    }
    for (let i = 0; i + 1 < n; i++) push(i, i + 1)
    while (size > 0) {
      const key = pop()
      const rank = Math.floor(key / POS_SCALE)
      const i = key - rank * POS_SCALE
      if (sym[i]! < 0) continue
      const j = next[i]!
      if (j < 0) continue
      const p = this.pairs.get(sym[i]!, sym[j]!)
      if (p < 0 || this.rankOf[p] !== rank) continue
      sym[i] = this.resultOf[p]!
      sym[j] = -1
      const k = next[j]!
      next[i] = k
      if (k >= 0) prev[k] = i
      if (prev[i]! >= 0) push(prev[i]!, i)
      if (k >= 0) push(i, k)
    }
    const data = out.data
    let o = out.length
    for (let i = 0; i >= 0; i = next[i]!) data[o++] = sym[i]!
    out.length = o
  }
}
