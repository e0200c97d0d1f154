/**
 * A Doc stream operator that adds token ids: each Doc gets a field (default `input_ids`) holding
 * the ids of its `content`, optionally followed by an end-of-text token. With `workers > 0` batches
 * of Docs are encoded on worker threads (several batches in flight, output order kept); with
 * `workers: 0` they are encoded in the stream's own thread. Ids are the same either way.
 *
 * On worker threads the stream's thread only packs texts and builds the output Docs. Each worker
 * gets the tokenizer once as a snapshot whose tables are in shared memory (one copy for all
 * workers); a batch of texts goes as one transferred UTF-8 buffer plus offsets, which the worker's
 * pre-tokenizer reads in place, and its ids come back in one transferred buffer (end-of-text ids
 * included), which the batch's Docs share (`as: "typed"`: views of it) or copy into `number[]`s.
 * Nothing is structured-cloned and the text buffers are reused. Pass `usage` to learn each
 * worker's CPU time, e.g. to measure throughput per worker on a shared machine.
 *
 * ```ts
 * docs.pipe(Tokenize.tokenize(tokenizer, { workers: 4, eos: "<|endoftext|>" }))
 * Tokenize.tokenize(docs, tokenizer)
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { dual } from "effect/Function"
import { type Doc, Operator } from "@pretrain/dataflow"
import type { EncodeReply, EncodeRequest, EncodeWorkerData } from "./internal/encodeWorker.ts"
import { shareTypedArrays } from "./internal/shared.ts"
import { TextBatch } from "./internal/TextBatch.ts"
import { WorkerPool, workerUrl } from "./internal/WorkerPool.ts"
import type { Tokenizer } from "./Tokenizer.ts"

/** @since 0.1.0 @category models */
export interface TokenizeOptions<F extends string = "input_ids"> {
  /** Field that receives the ids (default `input_ids`). */
  readonly field?: F | undefined
  /** Worker threads (default 0: encode in this thread). */
  readonly workers?: number | undefined
  /** Docs per batch sent to a worker (default 256: fewer, larger messages). */
  readonly batchSize?: number | undefined
  /** Append this token's id after each document (e.g. `<|endoftext|>`). */
  readonly eos?: string | undefined
  /**
   * `array` (default): a `number[]` (what the Parquet and JSONL sinks write); `typed`: a
   * `Uint32Array` (on worker threads, a view: the Docs of one batch share one buffer).
   */
  readonly as?: "array" | "typed" | undefined
  /** Filled in when the stream ends: the worker threads' CPU time (see {@link usage}). */
  readonly usage?: Usage | undefined
}

/** What the worker threads of one `tokenize` stream used. @since 0.1.0 @category models */
export interface Usage {
  /**
   * CPU seconds of each worker thread over its whole life: start, tokenizer restore, receiving
   * texts, encoding, sending ids (empty with `workers: 0`, or where Node cannot tell).
   */
  workerCpuSeconds: Array<number>
  /** CPU seconds each worker spent starting, before its first batch (part of `workerCpuSeconds`). */
  workerStartCpuSeconds: Array<number>
}

/** An empty {@link Usage} to pass as the `usage` option. @since 0.1.0 @category constructors */
export const usage = (): Usage => ({ workerCpuSeconds: [], workerStartCpuSeconds: [] })

/** A Doc with its ids (a `Uint32Array` when `as: "typed"`). @since 0.1.0 @category models */
export type Tokenized<A, F extends string = "input_ids"> = A & { readonly [K in F]: Array<number> | Uint32Array }

const eosId = (tokenizer: Tokenizer, eos: string | undefined): number | undefined => {
  if (eos === undefined) return undefined
  const id = tokenizer.tokenToId(eos)
  if (id === undefined) throw new RangeError(`tokenize: ${eos} is not a token of this tokenizer`)
  return id
}

/**
 * The ids as a `number[]`, `eos` after them when given: an array of the final length filled by a
 * loop (about 10x faster than `Array.from` on a typed array, 3x faster than `push`).
 */
const toArray = (ids: Uint32Array, eos?: number | undefined): Array<number> => {
  const n = ids.length
  const out = new Array<number>(eos === undefined ? n : n + 1)
  for (let i = 0; i < n; i++) out[i] = ids[i]!
  if (eos !== undefined) out[n] = eos
  return out
}

const withIds = <A extends Doc>(doc: A, field: string, ids: Uint32Array, eos: number | undefined, typed: boolean): any => {
  if (typed) {
    const out = new Uint32Array(ids.length + (eos === undefined ? 0 : 1))
    out.set(ids)
    if (eos !== undefined) out[ids.length] = eos
    return { ...doc, [field]: out }
  }
  return { ...doc, [field]: toArray(ids, eos) }
}

/**
 * Add token ids to every Doc.
 *
 * @since 0.1.0 @category operators
 */
export const tokenize: {
  <F extends string = "input_ids">(tokenizer: Tokenizer, options?: TokenizeOptions<F>): <A extends Doc, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<Tokenized<A, F>, E, R>
  <A extends Doc, E, R, F extends string = "input_ids">(self: Stream.Stream<A, E, R>, tokenizer: Tokenizer, options?: TokenizeOptions<F>): Stream.Stream<Tokenized<A, F>, E, R>
} = dual(
  (args) => Stream.isStream(args[0]),
  <A extends Doc, E, R, F extends string>(self: Stream.Stream<A, E, R>, tokenizer: Tokenizer, options: TokenizeOptions<F> = {}): Stream.Stream<Tokenized<A, F>, E, R> => {
    const field = options.field ?? "input_ids"
    const eos = eosId(tokenizer, options.eos)
    const workers = options.workers ?? 0
    const typed = options.as === "typed"
    if (workers <= 0) return Operator.map(self, "tokenize", (doc: A) => withIds(doc, field, tokenizer.encode(doc.content), eos, typed))
    const snapshot = tokenizer.snapshot()
    // The model's tables in shared memory: every worker reads the same copy.
    const shared = { ...snapshot, merges: shareTypedArrays(snapshot.merges), tables: shareTypedArrays(snapshot.tables) }
    const data: EncodeWorkerData = { snapshot: shared, eos }
    const usageOut = options.usage
    return Stream.unwrap(Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => {
          if (usageOut !== undefined) usageOut.workerStartCpuSeconds = []
          return new WorkerPool<EncodeRequest, EncodeReply>(workerUrl("encodeWorker"), workers, data)
        }),
        (pool) =>
          Effect.andThen(
            usageOut === undefined ? Effect.void : Effect.map(Effect.promise(() => pool.cpuSeconds()), (s) => {
              usageOut.workerCpuSeconds = s
            }),
            Effect.promise(() => pool.close())
          )
      ),
      (pool) => {
        let next = 0
        const packer = new TextBatch()
        return self.pipe(
          Operator.batch(options.batchSize ?? 256),
          Stream.mapEffect((batch) =>
            Effect.suspend(() => {
              // The texts go as one UTF-8 buffer plus offsets, transferred; the ids (end-of-text
              // included) come back in one transferred buffer, which the Docs share (typed) or
              // read (array): nothing is cloned either way.
              for (const doc of batch) packer.add(doc.content)
              const packed = packer.take()
              const req: EncodeRequest = { id: next++, ...packed }
              return Effect.map(Effect.promise(() => pool.submit(req, [packed.bytes.buffer, packed.offsets.buffer])), (reply) => {
                packer.recycle(reply.textBytes, reply.textOffsets)
                if (reply.startCpuSeconds !== undefined) usageOut?.workerStartCpuSeconds.push(reply.startCpuSeconds)
                const { ids, offsets } = reply
                const out = new Array(batch.length)
                for (let i = 0; i < batch.length; i++) {
                  const part = ids.subarray(offsets[i]!, offsets[i + 1]!)
                  out[i] = { ...batch[i], [field]: typed ? part : toArray(part) }
                }
                return out
              })
            }), { concurrency: workers * 2 }),
          Operator.unbatch
        ) as Stream.Stream<Tokenized<A, F>, E, R>
      }
    ))
  }
)
