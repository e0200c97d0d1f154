/**
 * Held-out evaluation as both backends run it: the batches (up to `batches` of `batchSize`
 * sequences from the start of the source, wrapping around a small one) and the totals of loss in
 * nats and of target bytes, from which the mean loss and bits per byte follow.
 */
import * as Batch from "../Batch.ts"
import type { Source } from "../Data.ts"

/** How much held-out data an evaluation reads. */
export interface Options {
  readonly batchSize: number
  readonly seqLen: number
  readonly batches: number
}

/** The held-out batches, in order; one buffer, refilled for each. */
export function* batches(source: Source, options: Options): Generator<Batch.Batch> {
  const batch = Batch.alloc(options.batchSize, options.seqLen)
  for (let k = 0, n = 0; n < options.batches && k < source.size; n++, k += options.batchSize) {
    for (let b = 0; b < options.batchSize; b++) Batch.fillRow(batch, b, source.get((k + b) % source.size))
    yield batch
  }
}

/** Sums the loss over evaluated batches and, given the bytes of each token, their target bytes. */
export class Totals {
  private nats = 0
  private count = 0
  private bytes = 0
  private readonly tokenBytes: ArrayLike<number> | undefined

  constructor(tokenBytes: ArrayLike<number> | undefined) {
    this.tokenBytes = tokenBytes
  }

  /** Adds a batch whose `count` target tokens have mean loss `loss`. */
  add(batch: Batch.Batch, loss: number, count: number): void {
    this.nats += loss * count
    this.count += count
    const tokenBytes = this.tokenBytes
    if (!tokenBytes) return
    const targets = batch.targets
    let bytes = this.bytes
    for (let i = 0; i < targets.length; i++) if (targets[i]! >= 0) bytes += tokenBytes[targets[i]!]!
    this.bytes = bytes
  }

  /** The mean loss per target token, bits per byte (with token bytes) and the target count. */
  result(): { loss: number; bitsPerByte: number | undefined; tokens: number } {
    const { nats, count, bytes, tokenBytes } = this
    return { loss: nats / count, bitsPerByte: tokenBytes && bytes > 0 ? nats / Math.LN2 / bytes : undefined, tokens: count }
  }
}
