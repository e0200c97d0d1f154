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
          const pending: Array<{ reply: Promise<CountReply>; documents: number; characters: number }> = []
          let batch: Array<string> = []
          let fill = 0
          let nextId = 0
          const submit = () => {
            pending.push({ reply: pool.submit({ id: nextId++, texts: batch }), documents: batch.length, characters: fill })
            batch = []
            fill = 0
          }
          const collectOne = Effect.gen(function*() {
            const job = pending.shift()!
            const reply = yield* Effect.promise(() => job.reply)
            counter.addBatch(reply.data, job.documents, job.characters)
          })
          yield* Stream.runForEach(documents, (d) =>
            Effect.gen(function*() {
              const text = textOf(d)
              batch.push(text)
              fill += text.length
              if (fill >= counter.batchChars) {
                submit()
                while (pending.length > workers) yield* collectOne
              }
            }))
          if (batch.length > 0) submit()
          while (pending.length > 0) yield* collectOne
        }),
      (pool) => Effect.promise(() => pool.close())
    )
    return Trainer.trainFromCounter(counter, options)
  })
