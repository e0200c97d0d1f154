/**
 * Training from a stream of documents, with pre-tokenization and counting on worker threads.
 * Documents are grouped into fixed batches (by characters, in stream order), batches are counted on
 * any free worker and their counts added back in batch order, so the counts, the pruning and the
 * trained tokenizer are identical whatever the number of workers (0 counts in this thread).
 * Memory stays bounded: at most one batch per worker (plus one) is in flight and distinct pieces are capped.
 *
 * ```ts
 * const result = yield* ParallelTrain.train(Stream.fromIterable(texts), { vocabSize: 1000, workers: 2 })
 * ```
 *
 * @since 0.1.0
 */
import * as os from "node:os"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Doc } from "@pretrain/dataflow"
import { TrainOptionsError } from "./Errors.ts"
import type { CountReply, CountRequest } from "./internal/countWorker.ts"
import { TextBatch } from "./internal/TextBatch.ts"
import { WorkerPool, workerUrl } from "./internal/WorkerPool.ts"
import * as SpecialTokens from "./SpecialTokens.ts"
import * as Trainer from "./Trainer.ts"

/** @since 0.1.0 @category models */
export interface ParallelOptions extends Trainer.TrainOptions {
  /** Counting worker threads (default {@link defaultWorkers}; 0 counts in this thread). */
  readonly workers?: number | undefined
}

/**
 * Default worker count: one per core but one (the stream's own thread reads and parses the input),
 * at most 8; on 2 cores or fewer, 0 (counting in-thread was as fast there and used less memory).
 *
 * @since 0.1.0 @category utils
 */
export const defaultWorkers = (): number => {
  const cores = os.availableParallelism()
  return cores <= 2 ? 0 : Math.min(8, cores - 1)
}

const textOf = (d: string | Doc): string => typeof d === "string" ? d : d.content

/**
 * Train a tokenizer on a stream of documents (strings or Docs, each one whole file).
 *
 * @since 0.1.0 @category training
 */
export const train = <E, R>(
  documents: Stream.Stream<string | Doc, E, R>,
  options: ParallelOptions
): Effect.Effect<Trainer.TrainResult, E | TrainOptionsError, R> =>
  Effect.gen(function*() {
    yield* Effect.try({ try: () => Trainer.validate(options), catch: (e) => e as TrainOptionsError })
    const counter = Trainer.counterFor(options)
    const workers = options.workers ?? defaultWorkers()
    if (workers <= 0) {
      yield* Stream.runForEach(documents, (d) => Effect.sync(() => counter.addDocument(textOf(d))))
      counter.endBatch()
      return Trainer.trainFromCounter(counter, options)
    }
    const workerOptions = {
      preset: options.preset,
      digits: options.digits,
      special: SpecialTokens.resolve(options.special ?? ["<|endoftext|>"])
    }
    // The workers are closed once counting is done, before the merge loop (the peak of memory).
    yield* Effect.acquireUseRelease(
      Effect.sync(() => new WorkerPool<CountRequest, CountReply>(workerUrl("countWorker"), workers, workerOptions, { maxYoungGenerationSizeMb: 8 })),
      (pool) =>
        Effect.gen(function*() {
          // Each document goes into the batch as UTF-8 at once (its string can die young); a batch
          // travels as two transferred buffers and comes back with the counts for reuse.
          const pending: Array<{ reply: Promise<CountReply>; documents: number; characters: number }> = []
          const batch = new TextBatch(counter.batchChars + (counter.batchChars >> 1))
          let nextId = 0
          const submit = () => {
            const documents = batch.count
            const characters = batch.units
            const packed = batch.take()
            const req: CountRequest = { id: nextId++, ...packed }
            pending.push({ reply: pool.submit(req, [packed.bytes.buffer, packed.offsets.buffer]), documents, characters })
          }
          const collectOne = Effect.promise(() => pending[0]!.reply).pipe(Effect.map((reply) => {
            const job = pending.shift()!
            batch.recycle(reply.bytes, reply.offsets)
            counter.addBatch(reply.data, job.documents, job.characters)
          }))
          // Wait only when more batches are in flight than workers (backpressure). A plain function
          // per document, not a generator: a generator per document, suspended across the waits,
          // kept the stream thread's young generation growing (to 64 MB, 70 MB more peak memory).
          const drain = (limit: number): Effect.Effect<void> =>
            Effect.suspend(() => pending.length > limit ? Effect.andThen(collectOne, drain(limit)) : Effect.void)
          yield* Stream.runForEach(documents, (d) =>
            Effect.suspend(() => {
              batch.add(textOf(d))
              if (batch.units < counter.batchChars) return Effect.void
              submit()
              return drain(workers)
            }))
          if (batch.count > 0) submit()
          yield* drain(0)
        }),
      (pool) => Effect.promise(() => pool.close())
    )
    return Trainer.trainFromCounter(counter, options)
  })
