/**
 * Pipeable operators over Doc streams: `map`, `filter` (every drop carries a reason), `flatMap`,
 * `batch` and `unbatch`. Each one works on whole chunks, counts documents and time in the current
 * task's {@link Telemetry}, and has a data-first and a data-last form:
 *
 * ```ts
 * docs.pipe(Operator.filter("min-size", (d) => d.content.length >= 10))
 * Operator.filter(docs, "min-size", (d) => d.content.length >= 10)
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { dual } from "effect/Function"
import type { Doc } from "./Doc.ts"
import { type OperatorStats, type TaskStats, Telemetry } from "./Stats.ts"

/**
 * What a filter predicate returns: `true` keeps the document, `false` drops it with the filter's name
 * as reason, a string drops it with that string as reason.
 *
 * @since 0.1.0 @category models
 */
export type Verdict = boolean | string

type ChunkStep<A, B> = (chunk: ReadonlyArray<A>, op: OperatorStats, stats: TaskStats, out: Array<B>) => void

/** Run `step` over every chunk, counting docs and time under `name`. Empty results are skipped. */
const instrument = <A, B, E, R>(self: Stream.Stream<A, E, R>, name: string, step: ChunkStep<A, B>) =>
  Stream.unwrap(Effect.map(Effect.service(Telemetry), (stats) => {
    const op = stats.operator(name)
    return self.pipe(
      Stream.mapArray((chunk) => {
        const start = performance.now()
        const out: Array<B> = []
        step(chunk, op, stats, out)
        op.docsIn += chunk.length
        op.docsOut += out.length
        op.timeMs += performance.now() - start
        return [out] as const
      }),
      Stream.filter((out) => out.length > 0),
      Stream.flattenArray as any
    ) as Stream.Stream<B, E, R>
  }))

/**
 * Transform each document.
 *
 * @since 0.1.0 @category operators
 */
export const map: {
  <A, B>(name: string, f: (a: A) => B): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<B, E, R>
  <A, E, R, B>(self: Stream.Stream<A, E, R>, name: string, f: (a: A) => B): Stream.Stream<B, E, R>
} = dual(3, <A, E, R, B>(self: Stream.Stream<A, E, R>, name: string, f: (a: A) => B) =>
  instrument<A, B, E, R>(self, name, (chunk, _op, _stats, out) => {
    for (let i = 0; i < chunk.length; i++) out.push(f(chunk[i]!))
  }))

/**
 * Keep the documents for which `predicate` returns `true`; every other document is dropped with a
 * reason (the filter's name, or the string the predicate returned), counted in the task's stats and
 * sent to the rejects sink when the stage has one.
 *
 * @since 0.1.0 @category operators
 */
export const filter: {
  <A extends Doc>(name: string, predicate: (doc: A) => Verdict): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(self: Stream.Stream<A, E, R>, name: string, predicate: (doc: A) => Verdict): Stream.Stream<A, E, R>
} = dual(3, <A extends Doc, E, R>(self: Stream.Stream<A, E, R>, name: string, predicate: (doc: A) => Verdict) =>
  instrument<A, A, E, R>(self, name, (chunk, _op, stats, out) => {
    for (let i = 0; i < chunk.length; i++) {
      const doc = chunk[i]!
      const verdict = predicate(doc)
      if (verdict === true) out.push(doc)
      else stats.reject({ record: doc, reason: verdict === false ? name : verdict, operator: name })
    }
  }))

/**
 * Replace each document by zero or more outputs. Documents that yield nothing are not counted as
 * drops; use {@link filter} when a document should be dropped with a reason.
 *
 * @since 0.1.0 @category operators
 */
export const flatMap: {
  <A, B>(name: string, f: (a: A) => Iterable<B>): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<B, E, R>
  <A, E, R, B>(self: Stream.Stream<A, E, R>, name: string, f: (a: A) => Iterable<B>): Stream.Stream<B, E, R>
} = dual(3, <A, E, R, B>(self: Stream.Stream<A, E, R>, name: string, f: (a: A) => Iterable<B>) =>
  instrument<A, B, E, R>(self, name, (chunk, _op, _stats, out) => {
    for (let i = 0; i < chunk.length; i++) for (const b of f(chunk[i]!)) out.push(b)
  }))

/**
 * Group documents into arrays of `size` (the last one may be shorter), for operators that work on a
 * batch at a time (hashing, tokenizing, writing a row group).
 *
 * @since 0.1.0 @category operators
 */
export const batch: {
  (size: number): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<ReadonlyArray<A>, E, R>
  <A, E, R>(self: Stream.Stream<A, E, R>, size: number): Stream.Stream<ReadonlyArray<A>, E, R>
} = dual(2, <A, E, R>(self: Stream.Stream<A, E, R>, size: number): Stream.Stream<ReadonlyArray<A>, E, R> =>
  Stream.grouped(self, size))

/**
 * Flatten batches back into single documents.
 *
 * @since 0.1.0 @category operators
 */
export const unbatch = <A, E, R>(self: Stream.Stream<ReadonlyArray<A>, E, R>): Stream.Stream<A, E, R> =>
  Stream.flattenIterable(self)

/**
 * Drop documents with a reason computed from the whole batch at once (for batch-level filters
 * such as dedup): `decide` returns, per input position, `true` to keep or a drop reason.
 *
 * @since 0.1.0 @category operators
 */
export const filterChunk: {
  <A extends Doc>(name: string, decide: (docs: ReadonlyArray<A>) => ReadonlyArray<Verdict>): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(self: Stream.Stream<A, E, R>, name: string, decide: (docs: ReadonlyArray<A>) => ReadonlyArray<Verdict>): Stream.Stream<A, E, R>
} = dual(3, <A extends Doc, E, R>(self: Stream.Stream<A, E, R>, name: string, decide: (docs: ReadonlyArray<A>) => ReadonlyArray<Verdict>) =>
  instrument<A, A, E, R>(self, name, (chunk, _op, stats, out) => {
    const verdicts = decide(chunk)
    for (let i = 0; i < chunk.length; i++) {
      const verdict = verdicts[i]!
      if (verdict === true) out.push(chunk[i]!)
      else stats.reject({ record: chunk[i]!, reason: verdict === false ? name : verdict, operator: name })
    }
  }))
