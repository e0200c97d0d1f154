/**
 * Streaming keep-first dedup operators for pipelines: each drops a document that duplicates an
 * earlier document of the same task (reason `exact-duplicate` / `near-duplicate`, counted in the
 * task's stats). A later document may still bridge two kept ones; `Dedup.stage` / `Dedup.run`
 * keep exactly one survivor per final cluster, by the survivor rule.
 *
 * ```ts
 * docs.pipe(Operators.exact(), Operators.near({ threshold: 0.7 }))
 * ```
 *
 * @since 0.1.0
 */
import { type Doc, Operator } from "@pretrain/dataflow"
import { Stream } from "effect"
import { ExactDeduper, type Options as ExactOptions } from "./ExactDedup.ts"
import { NearDeduper, type Options as NearOptions } from "./NearDedup.ts"

/**
 * Drop documents whose content (optionally whitespace-normalised) was seen earlier in the task.
 *
 * @since 0.1.0 @category operators
 */
export const exact = (options: ExactOptions = {}) => <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.suspend(() => {
    const dedup = new ExactDeduper(options)
    let next = 0
    return Operator.filterChunk(docs, "exact-dedup", (chunk) => chunk.map((doc) => dedup.add(next++, doc.content) === -1 ? true : "exact-duplicate"))
  })

/**
 * Drop documents that MinHash-LSH (optionally with the exact-Jaccard check) links to an earlier
 * document of the task.
 *
 * @since 0.1.0 @category operators
 */
export const near = (options: NearOptions = {}) => <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.suspend(() => {
    const dedup = new NearDeduper(options)
    let next = 0
    return Operator.filterChunk(docs, "minhash-dedup", (chunk) => chunk.map((doc) => dedup.add(next++, doc.content) === -1 ? true : "near-duplicate"))
  })
