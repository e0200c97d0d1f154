/**
 * Benchmark decontamination: drop documents that contain a benchmark's solution or prompt.
 *
 * - `substring` (default, StarCoder2 §3.3): exact substring match after lower-casing and removing
 *   all whitespace on both sides, so re-indented and re-spaced copies are caught. All benchmark
 *   strings go into one Wu–Manber block-shift matcher: one pass over each document, skipping ahead
 *   about 9 characters at a time on HumanEval, whatever the number of strings.
 * - `ngram`: a document is dropped when it shares at least `minMatches` word 13-grams (NeMo
 *   Curator's `max_ngram_size=13`; datatrove uses 12) with a benchmark string; n-grams are hashed to
 *   53-bit numbers in one set.
 *
 * The reject names the benchmark (`decontamination:HumanEval`) and the record carries
 * `benchmark_match` (`HumanEval/12 canonical_solution`).
 *
 * ```ts
 * const index = Decontaminate.index([Benchmark.load(Benchmark.humanEval("HumanEval.jsonl.gz"))])
 * index.find(fileText) // { benchmark: "HumanEval", id: "HumanEval/12", field: "canonical_solution", ... } | undefined
 * docs.pipe(Decontaminate.filter(index))
 * ```
 *
 * @since 0.1.0
 */
import { type Doc, Stats } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { dual } from "effect/Function"
import type { Benchmark, Item } from "./Benchmark.ts"
import * as WuManber from "./internal/WuManber.ts"
import { forEachNgram } from "./internal/ngrams.ts"

/** @since 0.1.0 @category models */
export interface Options {
  readonly mode?: "substring" | "ngram" | undefined
  /** Words per n-gram in `ngram` mode (default 13). */
  readonly n?: number | undefined
  /** Shared n-grams needed to drop a document in `ngram` mode (default 1). */
  readonly minMatches?: number | undefined
}

/** A built matcher over a set of benchmarks. @since 0.1.0 @category models */
export interface Index {
  readonly mode: "substring" | "ngram"
  readonly items: ReadonlyArray<Item>
  /** The first benchmark item found in the text, or `undefined`. */
  readonly find: (text: string) => Item | undefined
}

/**
 * Build the matcher.
 *
 * @since 0.1.0 @category constructors
 */
export const index = (benchmarks: ReadonlyArray<Benchmark>, options: Options = {}): Index => {
  const items = benchmarks.flatMap((b) => b.items)
  const mode = options.mode ?? "substring"
  if (mode === "substring") {
    const matcher = WuManber.build(items.map((i) => WuManber.normalize(i.text)))
    return {
      mode,
      items,
      find: (text) => {
        const i = matcher.search(text)
        return i < 0 ? undefined : items[i]
      }
    }
  }
  const n = options.n ?? 13
  const minMatches = options.minMatches ?? 1
  const owner = new Map<number, number>()
  items.forEach((item, i) =>
    forEachNgram(item.text, n, (h) => {
      if (!owner.has(h)) owner.set(h, i)
      return false
    })
  )
  return {
    mode,
    items,
    find: (text) => {
      let found = -1
      let matches = 0
      forEachNgram(text, n, (h) => {
        const i = owner.get(h)
        if (i === undefined) return false
        if (found < 0) found = i
        return ++matches >= minMatches
      })
      return matches >= minMatches && found >= 0 ? items[found] : undefined
    }
  }
}

/** Name of the operator in stage stats. @since 0.1.0 @category constants */
export const operatorName = "decontaminate"

/** Drop reason for a benchmark. @since 0.1.0 @category constants */
export const reasonFor = (benchmark: string): string => `decontamination:${benchmark}`

/** `HumanEval/12 canonical_solution`. @since 0.1.0 @category utils */
export const describeItem = (item: Item): string => `${item.id} ${item.field}`

/**
 * Drop documents containing a benchmark string; the reject record gets `benchmark_match`.
 * Data-last (`docs.pipe(Decontaminate.filter(index))`) and data-first (`Decontaminate.filter(docs, index)`).
 *
 * @since 0.1.0 @category operators
 */
export const filter: {
  (idx: Index): <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, idx: Index): Stream.Stream<A, E, R>
} = dual(2, <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, idx: Index) =>
  Stream.unwrap(Effect.map(Effect.service(Stats.Telemetry), (stats) => {
    const op = stats.operator(operatorName)
    return docs.pipe(
      Stream.mapArray((chunk) => {
        const start = performance.now()
        const out: Array<A> = []
        for (let i = 0; i < chunk.length; i++) {
          const doc = chunk[i]!
          const item = idx.find(doc.content)
          if (item === undefined) out.push(doc)
          else stats.reject({ record: { ...doc, benchmark_match: describeItem(item) }, reason: reasonFor(item.benchmark), operator: operatorName })
        }
        op.docsIn += chunk.length
        op.docsOut += out.length
        op.timeMs += performance.now() - start
        return [out] as const
      }),
      Stream.filter((out) => out.length > 0),
      Stream.flattenArray as unknown as (self: Stream.Stream<Array<A>, E, R>) => Stream.Stream<A, E, R>
    )
  })))
