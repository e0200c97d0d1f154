/**
 * The dedup step of the stack-mini demo: exact dedup, then MinHash near-dedup of what is left,
 * each a pipeline stage, and a few lines saying what fraction each removed.
 *
 * ```ts
 * // in the demo pipeline, after curation:
 * Pipeline.make("stack-mini", [...earlier, ...Demo.stages({ input: curatedDir, out })])
 * // after the run:
 * console.log(Demo.summary(out))
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { Input, Pipeline } from "@pretrain/dataflow"
import { stage } from "./Dedup.ts"
import type { Options as NearOptions } from "./NearDedup.ts"
import type { Rule } from "./Survivor.ts"

/** @since 0.1.0 @category models */
export interface DemoOptions {
  /** The dataset to deduplicate (e.g. the curation stage's output directory). */
  readonly input: string
  /** Format of `input` (default parquet: an earlier stage's output does not exist yet when the pipeline is built). */
  readonly inputFormat?: Input.Format | undefined
  /** Parent directory: stages write `<out>/exact-dedup` and `<out>/near-dedup`. */
  readonly out: string
  readonly minhash?: NearOptions | undefined
  readonly survivor?: Rule | undefined
}

/** The output directories of the two stages. @since 0.1.0 @category utils */
export const directories = (out: string) => ({ exact: path.join(out, "exact-dedup"), near: path.join(out, "near-dedup") }) as const

/**
 * Two stages: `exact-dedup` (content hash) reading `input`, then `near-dedup` (MinHash-LSH with
 * BigCode's settings and the exact-Jaccard check) reading the first stage's output. Each writes
 * kept documents with cluster ids and sizes, `rejects/` and `clusters.jsonl`.
 *
 * @since 0.1.0 @category constructors
 */
export const stages = (options: DemoOptions): ReadonlyArray<Pipeline.Stage> => {
  const dirs = directories(options.out)
  return [
    stage({ name: "exact-dedup", mode: "exact", input: options.input, inputFormat: options.inputFormat ?? "parquet", out: dirs.exact, survivor: options.survivor }),
    stage({
      name: "near-dedup",
      mode: "minhash",
      input: dirs.exact,
      inputFormat: "parquet",
      out: dirs.near,
      minhash: options.minhash ?? { verify: true },
      survivor: options.survivor
    })
  ]
}

interface StageStats {
  readonly docsIn: number
  readonly docsOut: number
  readonly bytesIn: number
  readonly bytesOut: number
}

const readStats = (dir: string): StageStats | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "stats.json"), "utf8")) as StageStats
  } catch {
    return undefined
  }
}

const clusterCount = (dir: string): number => {
  try {
    return fs.readFileSync(path.join(dir, "clusters.jsonl"), "utf8").split("\n").filter((l) => l.length > 0).length
  } catch {
    return 0
  }
}

/**
 * A few lines on what the two stages removed (documents and bytes, as fractions), read from their
 * `stats.json` and `clusters.jsonl` under `out`.
 *
 * @since 0.1.0 @category utils
 */
export const summary = (out: string): string => {
  const dirs = directories(out)
  const exact = readStats(dirs.exact)
  const near = readStats(dirs.near)
  if (exact === undefined || near === undefined) return `dedup: no results under ${out}`
  const pct = (part: number, whole: number) => whole === 0 ? "0.00%" : `${((100 * part) / whole).toFixed(2)}%`
  const line = (name: string, s: StageStats, dir: string) =>
    `  ${name}: ${s.docsIn} -> ${s.docsOut} documents, removed ${s.docsIn - s.docsOut} (${pct(s.docsIn - s.docsOut, s.docsIn)}, ` +
    `${pct(s.bytesIn - s.bytesOut, s.bytesIn)} of bytes) in ${clusterCount(dir)} clusters`
  return [
    "dedup",
    line("exact", exact, dirs.exact),
    line("near (MinHash 5-grams, 256 permutations, Jaccard >= 0.7)", near, dirs.near),
    `  total: removed ${pct(exact.docsIn - near.docsOut, exact.docsIn)} of documents, ${pct(exact.bytesIn - near.bytesOut, exact.bytesIn)} of bytes`
  ].join("\n")
}
