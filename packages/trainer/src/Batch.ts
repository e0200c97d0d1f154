/**
 * Training batches: B sequences of T tokens with next-token targets and document starts, from
 * packed sequences (`@pretrain/packing` boundaries) or from a flat token array.
 *
 * @since 0.1.0
 */
import type { Batch } from "./Model.ts"

export type { Batch } from "./Model.ts"

/** A packed sequence: tokens and cumulative document boundaries `[0, b1, ..., end]`. @since 0.1.0 @category models */
export interface PackedSequence {
  readonly inputIds: ArrayLike<number>
  readonly boundaries: ArrayLike<number>
}

/** An empty batch of B x T. @since 0.1.0 @category constructors */
export const alloc = (B: number, T: number): Batch => ({
  B,
  T,
  tokens: new Int32Array(B * T),
  targets: new Int32Array(B * T),
  segStart: new Int32Array(B * T)
})

/**
 * Fills row `b` from a packed sequence (its first T tokens): targets are the next token of the
 * same document (none for a document's last token and for padding after `end`); attention and
 * positions restart at each boundary. Without boundaries, the row is one document.
 *
 * @since 0.1.0 @category constructors
 */
export const fillRow = (batch: Batch, b: number, seq: PackedSequence): void => {
  const { T } = batch
  const ids = seq.inputIds
  const bounds = seq.boundaries.length >= 2 ? seq.boundaries : [0, ids.length]
  const o = b * T
  let seg = 0
  const end = Math.min(bounds[bounds.length - 1]!, ids.length)
  for (let t = 0; t < T; t++) {
    while (seg + 1 < bounds.length - 1 && t >= bounds[seg + 1]!) seg++
    const inDoc = t < end
    const start = inDoc ? bounds[seg]! : end
    const segEnd = inDoc ? Math.min(bounds[seg + 1]!, end) : ids.length
    batch.tokens[o + t] = t < ids.length ? ids[t]! : 0
    batch.segStart[o + t] = start
    batch.targets[o + t] = inDoc && t + 1 < segEnd && t + 1 < ids.length ? ids[t + 1]! : -1
  }
}

/** A batch from packed sequences, each cut or padded to T. @since 0.1.0 @category constructors */
export const fromSequences = (seqs: ReadonlyArray<PackedSequence>, T: number): Batch => {
  const batch = alloc(seqs.length, T)
  seqs.forEach((s, b) => fillRow(batch, b, s))
  return batch
}

/**
 * Row `b` from a flat token stream: tokens `[start, start + T)` predicting `[start + 1, start + T + 1)`,
 * one document.
 *
 * @since 0.1.0 @category constructors
 */
export const fillRowFromStream = (batch: Batch, b: number, tokens: ArrayLike<number>, start: number): void => {
  const { T } = batch
  const o = b * T
  for (let t = 0; t < T; t++) {
    batch.tokens[o + t] = tokens[start + t]!
    batch.targets[o + t] = tokens[start + t + 1]!
    batch.segStart[o + t] = 0
  }
}
