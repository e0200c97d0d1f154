/**
 * Sequence packing: tokenized documents in, sequences of exactly `seqLen` tokens out, each with its
 * document boundaries so a trainer can reset attention and positions at every document start.
 *
 * - `concat` (Megatron-LM / datatrove style): documents (each ending with `<|endoftext|>`) are
 *   concatenated and cut every `seqLen` tokens; a document crossing a cut is split. Only the last
 *   sequence of a run is padded.
 * - `best-fit`: a document longer than `seqLen` is cut into full sequences and its remainder; the
 *   remainders and all shorter documents are packed whole with best-fit decreasing (longest first,
 *   each into the fullest sequence that still has room) over a window of `windowTokens`, and the
 *   rest of each sequence is padding. No document of at most `seqLen` tokens is ever split.
 *
 * Boundaries are cumulative offsets `[0, b1, ..., end]` (flash-attention's `cu_seqlens` shape):
 * segment `k` is `[b[k], b[k+1])`, and `end` is the number of real tokens; positions `end..seqLen`
 * hold `pad`. The sink receives views that are reused: copy what it keeps.
 *
 * ```ts
 * const packer = Packer.make("best-fit", { seqLen: 2048, pad: padId }, (tokens, boundaries) => writer.add(tokens, boundaries))
 * packer.add(ids)          // one document's ids
 * packer.finish()
 * packer.stats             // documents, documentsSplit, tokens, sequences, paddingTokens
 * ```
 *
 * Plain synchronous code: typed arrays, no allocation per token or per document.
 *
 * @since 0.1.0
 */
import { PackOptionsError } from "./Errors.ts"
import { I32Buffer, U32Buffer } from "./internal/buffer.ts"

/** @since 0.1.0 @category models */
export type Mode = "concat" | "best-fit"

/** @since 0.1.0 @category models */
export const modes: ReadonlyArray<Mode> = ["concat", "best-fit"]

/** Receives each sequence: `seqLen` tokens and its boundaries. @since 0.1.0 @category models */
export type SequenceSink = (tokens: Uint32Array, boundaries: Int32Array) => void

/** Best-fit window when `windowTokens` is not given: 16 Mi tokens. @since 0.1.0 @category models */
export const defaultWindowTokens = 16 * 1024 * 1024

/** @since 0.1.0 @category models */
export interface PackerOptions {
  readonly seqLen: number
  /** Padding id. */
  readonly pad: number
  /** Best-fit: tokens buffered before a window is packed (default 16 Mi). */
  readonly windowTokens?: number | undefined
}

/** @since 0.1.0 @category models */
export interface PackStats {
  documents: number
  /** Documents whose tokens ended up in more than one sequence. */
  documentsSplit: number
  /** Real (non-padding) tokens. */
  tokens: number
  sequences: number
  paddingTokens: number
}

/** @since 0.1.0 @category constructors */
export const emptyStats = (): PackStats => ({ documents: 0, documentsSplit: 0, tokens: 0, sequences: 0, paddingTokens: 0 })

/** Add `b` into `a`. @since 0.1.0 @category utils */
export const addStats = (a: PackStats, b: PackStats): PackStats => {
  a.documents += b.documents
  a.documentsSplit += b.documentsSplit
  a.tokens += b.tokens
  a.sequences += b.sequences
  a.paddingTokens += b.paddingTokens
  return a
}

/** Padding tokens over all sequence slots. @since 0.1.0 @category utils */
export const paddingFraction = (s: PackStats): number =>
  s.tokens + s.paddingTokens === 0 ? 0 : s.paddingTokens / (s.tokens + s.paddingTokens)

/** Documents split over documents. @since 0.1.0 @category utils */
export const splitFraction = (s: PackStats): number => s.documents === 0 ? 0 : s.documentsSplit / s.documents

/** @since 0.1.0 @category models */
export interface Packer {
  readonly stats: PackStats
  /** Add one document's ids (`ids[start..end)`). */
  add(ids: Uint32Array, start?: number, end?: number): void
  /** Pack what is buffered and pad the last sequence. */
  finish(): void
}

const check = (options: PackerOptions): void => {
  if (!Number.isInteger(options.seqLen) || options.seqLen < 1) {
    throw new PackOptionsError({ option: "seqLen", reason: `must be a positive integer, got ${options.seqLen}` })
  }
  if (!Number.isInteger(options.pad) || options.pad < 0) throw new PackOptionsError({ option: "pad", reason: `must be a token id, got ${options.pad}` })
}

/**
 * What every packer holds: its checked options, its sink, and the one sequence (`seqLen` tokens)
 * and boundaries it fills and hands to the sink.
 *
 * @since 0.1.0 @category packers
 */
export abstract class SequenceFiller {
  readonly stats = emptyStats()
  protected readonly seq: Uint32Array
  protected readonly bounds: Int32Array
  protected readonly options: PackerOptions
  protected readonly sink: SequenceSink
  constructor(options: PackerOptions, sink: SequenceSink) {
    check(options)
    this.options = options
    this.sink = sink
    this.seq = new Uint32Array(options.seqLen)
    this.bounds = new Int32Array(options.seqLen + 2)
  }
}

/**
 * Concatenate and chunk.
 *
 * @since 0.1.0 @category packers
 */
export class ConcatPacker extends SequenceFiller implements Packer {
  private fill = 0
  private nb = 1

  add(ids: Uint32Array, start = 0, end = ids.length): void {
    const L = this.options.seqLen
    this.stats.documents++
    this.stats.tokens += end - start
    if (end > start && this.fill + (end - start) > L) this.stats.documentsSplit++
    let i = start
    while (i < end) {
      if (this.fill > 0 && this.bounds[this.nb - 1] !== this.fill) this.bounds[this.nb++] = this.fill
      const n = Math.min(L - this.fill, end - i)
      this.seq.set(ids.subarray(i, i + n), this.fill)
      this.fill += n
      i += n
      if (this.fill === L) this.emit()
    }
  }

  private emit(): void {
    const L = this.options.seqLen
    this.bounds[this.nb++] = this.fill
    if (this.fill < L) {
      this.seq.fill(this.options.pad, this.fill)
      this.stats.paddingTokens += L - this.fill
    }
    this.stats.sequences++
    this.sink(this.seq, this.bounds.subarray(0, this.nb))
    this.fill = 0
    this.nb = 1
  }

  finish(): void {
    if (this.fill > 0) this.emit()
  }
}

/**
 * Counts of open sequences per remaining capacity `0..seqLen`, with "smallest capacity ≥ n that
 * has a sequence" in O(log seqLen).
 */
class CapacityTree {
  private readonly size: number
  private readonly tree: Int32Array
  constructor(maxCapacity: number) {
    let size = 1
    while (size < maxCapacity + 1) size *= 2
    this.size = size
    this.tree = new Int32Array(2 * size)
  }
  add(cap: number, delta: number): void {
    for (let i = cap + this.size; i >= 1; i >>= 1) this.tree[i] += delta
  }
  /** Smallest capacity ≥ `lo` with a count, or -1. */
  firstAtLeast(lo: number): number {
    if (lo >= this.size) return -1
    // walk up from the leaf, then down into the first non-empty subtree to the right
    let i = lo + this.size
    if (this.tree[i]! > 0) return lo
    while (i > 1) {
      if ((i & 1) === 0 && this.tree[i + 1]! > 0) {
        i = i + 1
        while (i < this.size) i = this.tree[2 * i]! > 0 ? 2 * i : 2 * i + 1
        return i - this.size
      }
      i >>= 1
    }
    return -1
  }
}

/**
 * Best-fit decreasing over windows of documents.
 *
 * @since 0.1.0 @category packers
 */
export class BestFitPacker extends SequenceFiller implements Packer {
  private readonly store = new U32Buffer(1 << 16)
  private readonly itemStart = new I32Buffer()
  private readonly itemLength = new I32Buffer()
  private readonly window: number
  constructor(options: PackerOptions, sink: SequenceSink) {
    super(options, sink)
    this.window = Math.max(options.seqLen, options.windowTokens ?? defaultWindowTokens)
  }

  add(ids: Uint32Array, start = 0, end = ids.length): void {
    const L = this.options.seqLen
    const n = end - start
    this.stats.documents++
    this.stats.tokens += n
    if (n === 0) return
    let i = start
    if (n > L) {
      this.stats.documentsSplit++
      while (end - i >= L) {
        this.seq.set(ids.subarray(i, i + L))
        this.bounds[0] = 0
        this.bounds[1] = L
        this.stats.sequences++
        this.sink(this.seq, this.bounds.subarray(0, 2))
        i += L
      }
      if (i === end) return
    }
    this.itemStart.push(this.store.length)
    this.itemLength.push(end - i)
    this.store.append(ids.subarray(i, end))
    if (this.store.length >= this.window) this.packWindow(undefined)
  }

  finish(): void {
    this.packWindow(undefined)
  }

  /**
   * Pack what is buffered, but send the pieces of every sequence that would need padding to
   * `leftover` instead of emitting it, for a later pass over the leftovers of several packers
   * (fed with {@link addPiece}). Their documents and tokens stay counted here; their sequences and
   * padding are counted by the packer that places them.
   */
  finishWithLeftovers(leftover: (piece: Uint32Array) => void): void {
    this.packWindow(leftover)
  }

  /** Add a piece of at most `seqLen` tokens already counted by another packer (see {@link finishWithLeftovers}). */
  addPiece(ids: Uint32Array, start = 0, end = ids.length): void {
    if (end - start > this.options.seqLen) throw new PackOptionsError({ option: "piece", reason: `${end - start} tokens is longer than seqLen ${this.options.seqLen}` })
    if (end === start) return
    this.itemStart.push(this.store.length)
    this.itemLength.push(end - start)
    this.store.append(ids.subarray(start, end))
    if (this.store.length >= this.window) this.packWindow(undefined)
  }

  private packWindow(leftover: ((piece: Uint32Array) => void) | undefined): void {
    const count = this.itemLength.length
    if (count === 0) return
    const L = this.options.seqLen
    const lengths = this.itemLength.data
    // longest first; equal lengths in input order (the sort is stable)
    const sorted = Array.from({ length: count }, (_, k) => k).sort((a, b) => lengths[b]! - lengths[a]! || a - b)
    // bins: remaining capacity, and per-capacity stacks of bins (head/next linked lists)
    const binOf = new Int32Array(count)
    const binCap = new I32Buffer(Math.max(16, count >> 2))
    const head = new Int32Array(L + 1).fill(-1)
    const next = new I32Buffer(Math.max(16, count >> 2))
    const tree = new CapacityTree(L)
    for (let s = 0; s < count; s++) {
      const item = sorted[s]!
      const len = lengths[item]!
      const cap = tree.firstAtLeast(len)
      let bin: number
      if (cap === -1) {
        bin = binCap.length
        binCap.push(L)
        next.push(-1)
      } else {
        bin = head[cap]!
        head[cap] = next.data[bin]!
        tree.add(cap, -1)
      }
      const left = binCap.data[bin]! - len
      binCap.data[bin] = left
      binOf[item] = bin
      if (left > 0) {
        next.data[bin] = head[left]!
        head[left] = bin
        tree.add(left, 1)
      }
    }
    // items of each bin in input order (counting sort by bin)
    const bins = binCap.length
    const firstOf = new Int32Array(bins + 1)
    for (let k = 0; k < count; k++) firstOf[binOf[k]! + 1]++
    for (let b = 0; b < bins; b++) firstOf[b + 1] += firstOf[b]!
    const members = new Int32Array(count)
    const cursor = firstOf.slice(0, bins)
    for (let k = 0; k < count; k++) members[cursor[binOf[k]!]!++] = k
    const store = this.store.data
    const starts = this.itemStart.data
    for (let b = 0; b < bins; b++) {
      if (leftover !== undefined && binCap.data[b]! > 0) {
        for (let m = firstOf[b]!; m < firstOf[b + 1]!; m++) {
          const k = members[m]!
          leftover(store.subarray(starts[k]!, starts[k]! + lengths[k]!))
        }
        continue
      }
      let fill = 0
      let nb = 1
      this.bounds[0] = 0
      for (let m = firstOf[b]!; m < firstOf[b + 1]!; m++) {
        const k = members[m]!
        const len = lengths[k]!
        this.seq.set(store.subarray(starts[k]!, starts[k]! + len), fill)
        fill += len
        this.bounds[nb++] = fill
      }
      if (fill < L) {
        this.seq.fill(this.options.pad, fill)
        this.stats.paddingTokens += L - fill
      }
      this.stats.sequences++
      this.sink(this.seq, this.bounds.subarray(0, nb))
    }
    this.store.length = 0
    this.itemStart.length = 0
    this.itemLength.length = 0
  }
}

/**
 * A packer of the given mode.
 *
 * @since 0.1.0 @category constructors
 */
export const make = (mode: Mode, options: PackerOptions, sink: SequenceSink): Packer =>
  mode === "concat" ? new ConcatPacker(options, sink) : new BestFitPacker(options, sink)
