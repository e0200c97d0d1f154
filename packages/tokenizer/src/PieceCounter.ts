/**
 * Counts the pre-tokenized pieces of whole documents: the only thing BPE training needs from the
 * corpus. Special tokens are cut out of the text first (never counted, never merged). Memory is
 * bounded by `maxPieces`: when more distinct pieces are held, the least frequent are pruned (all
 * pieces at or below a threshold count, so the result does not depend on insertion order) and the
 * pruning is reported.
 *
 * Counting goes in fixed batches of documents (`batchChars` characters); pruning
 * is only checked between batches, so counting the same documents in one thread or in batches on
 * many workers ({@link ParallelCount}) gives identical counts.
 *
 * ```ts
 * const counter = new PieceCounter({ preset: "starcoder" })
 * counter.addDocument("x = 1\n")
 * counter.get(" =") // 1
 * ```
 *
 * @since 0.1.0
 */
import { PieceTable, type PieceTableData } from "./internal/PieceTable.ts"
import { wellFormed } from "./internal/utf8.ts"
import * as PreTokenizer from "./PreTokenizer.ts"
import * as SpecialTokens from "./SpecialTokens.ts"

/** @since 0.1.0 @category models */
export interface CounterOptions {
  readonly preset?: PreTokenizer.Preset | undefined
  readonly digits?: PreTokenizer.DigitsMode | undefined
  /** Special tokens to cut out of the text. */
  readonly special?: ReadonlyArray<string> | undefined
  /** Most distinct pieces kept (default 4,000,000). */
  readonly maxPieces?: number | undefined
  /** Characters per counting batch (default 1 Mi); pruning is checked between batches. */
  readonly batchChars?: number | undefined
}

/** @since 0.1.0 @category models */
export interface PruneReport {
  /** Pruning rounds. */
  rounds: number
  /** Distinct pieces removed. */
  pieces: number
  /** Occurrences those pieces had when removed. */
  occurrences: number
  /** Highest count removed. */
  maxCount: number
}

/** @since 0.1.0 @category models */
export class PieceCounter {
  /** Default characters per counting batch. */
  static readonly defaultBatchChars = 1 << 20
  /** Characters per counting batch; pruning is checked between batches. */
  readonly batchChars: number
  /** The counts: pieces as UTF-16 units in typed arrays (no string per piece). */
  table = new PieceTable()
  readonly pruned: PruneReport = { rounds: 0, pieces: 0, occurrences: 0, maxCount: 0 }
  readonly maxPieces: number
  /** Documents and characters counted. */
  documents = 0
  characters = 0
  private batchFill = 0
  private readonly pre: PreTokenizer.Compiled
  private readonly special: RegExp | undefined
  private readonly onPiece: PreTokenizer.PieceSink

  constructor(options: CounterOptions = {}) {
    this.pre = PreTokenizer.compile(PreTokenizer.preset(options.preset ?? "starcoder", options.digits ?? "individual"))
    this.special = SpecialTokens.matcher(options.special ?? [])
    this.maxPieces = options.maxPieces ?? 4_000_000
    this.batchChars = options.batchChars ?? PieceCounter.defaultBatchChars
    this.onPiece = (text, start, end) => this.table.addRange(text, start, end, 1)
  }

  /** Count one document (a whole file: newline-plus-indent pieces are kept). @since 0.1.0 */
  addDocument(text: string): void {
    this.countText(text)
    this.documents++
    this.characters += text.length
    this.batchFill += text.length
    if (this.batchFill >= this.batchChars) this.endBatch()
  }

  /**
   * Count text without batch bookkeeping (used by workers for one batch). Lone surrogates count as
   * U+FFFD, what they become in UTF-8 (and in HF), so text counted here and text sent to a worker
   * as UTF-8 give the same pieces.
   */
  countText(input: string): void {
    const text = wellFormed(input)
    const re = this.special
    if (re === undefined) {
      if (text.length > 0) this.pre.split(text, 0, text.length, this.onPiece)
      return
    }
    re.lastIndex = 0
    let last = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > last) this.pre.split(text, last, m.index, this.onPiece)
      last = m.index + m[0].length
    }
    if (last < text.length) this.pre.split(text, last, text.length, this.onPiece)
  }

  /** Distinct pieces held. @since 0.1.0 */
  get size(): number {
    return this.table.size
  }

  /** The count of one piece. @since 0.1.0 */
  get(piece: string): number | undefined {
    return this.table.get(piece)
  }

  /** A copy of the counts as a Map (for inspection; allocates a string per piece). @since 0.1.0 */
  get counts(): Map<string, number> {
    const out = new Map<string, number>()
    for (let e = 0; e < this.table.size; e++) out.set(this.table.key(e), this.table.count[e]!)
    return out
  }

  /** Add the counts of one batch counted elsewhere, then close the batch. @since 0.1.0 */
  addBatch(data: PieceTableData, documents: number, characters: number): void {
    this.table.addData(data)
    this.documents += documents
    this.characters += characters
    this.endBatch()
  }

  /** Close the current batch: prune when over the cap. @since 0.1.0 */
  endBatch(): void {
    this.batchFill = 0
    if (this.table.size > this.maxPieces) this.prune()
  }

  /** Remove every piece whose count is at or below the smallest threshold that brings the size under `maxPieces`. */
  private prune(): void {
    const histogram = new Map<number, number>()
    const count = this.table.count
    for (let e = 0; e < this.table.size; e++) histogram.set(count[e]!, (histogram.get(count[e]!) ?? 0) + 1)
    const levels = [...histogram.keys()].sort((a, b) => a - b)
    let remaining = this.table.size
    let threshold = 0
    for (const level of levels) {
      if (remaining <= this.maxPieces) break
      remaining -= histogram.get(level)!
      threshold = level
    }
    const [pieces, occurrences] = this.table.prune(threshold)
    this.pruned.pieces += pieces
    this.pruned.occurrences += occurrences
    this.pruned.rounds++
    this.pruned.maxCount = Math.max(this.pruned.maxCount, threshold)
  }
}
