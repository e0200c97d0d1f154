/**
 * Incremental dedup: a new crawl checked against a dataset you already have. The existing dataset
 * is indexed once (`@pretrain/dedup`'s membership index: exact hashes and MinHash-LSH bands); each
 * new crawl is then deduplicated within itself and against the index, so a file already in the
 * dataset (or a near-copy of one) is dropped with reason `in-index`, and only new material remains.
 *
 * ```sh
 * node examples/pipelines/incremental-dedup/run.ts --existing out/stack-mini/near-dedup \
 *   --crawl new-crawl/ --out out/increment [--index out/stack-mini.index]
 * ```
 *
 * The same with the binary: `pretrain membership build <existing> --out <index>`, then
 * `pretrain dedup <crawl> --out <dir> --index <index>`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Dedup, Membership } from "@pretrain/dedup"
import { Effect } from "effect"

/** What an incremental run needs. */
type IncrementalParams = {
  /** The dataset you have (Parquet, JSONL or Arrow: file, directory or glob). */
  readonly existing: string
  /** The new crawl, in any of the same formats. */
  readonly crawl: string
  /** Where the new, deduplicated documents go. */
  readonly out: string
  /** The membership index of `existing` (default `<out>.index`); built when absent, reused after. */
  readonly index?: string
}

/**
 * Index `existing` unless its index is already there, then dedup `crawl` against it. Returns the
 * dedup summary and whether the index was built by this call.
 */
const incremental = Effect.fn("incremental")(function*(params: IncrementalParams) {
  const index = path.resolve(params.index ?? `${params.out}.index`)
  const built = !(fs.existsSync(index) && fs.readdirSync(index).length > 0)
  if (built) yield* Membership.build(params.existing, index)
  const summary = yield* Dedup.run({ input: params.crawl, out: params.out, mode: "minhash", minhash: { verify: true }, index })
  return { summary, built, index }
})

const main = async () => {
  const args = process.argv.slice(2)
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`)
    return i === -1 ? undefined : args[i + 1]
  }
  const existing = flag("existing")
  const crawl = flag("crawl")
  const out = flag("out")
  if (existing === undefined || crawl === undefined || out === undefined) {
    console.error("usage: run.ts --existing <dataset> --crawl <dataset> --out <dir> [--index <dir>]")
    process.exitCode = 2
    return
  }
  const idx = flag("index")
  const result = await Effect.runPromise(incremental({ existing, crawl, out, ...(idx === undefined ? {} : { index: idx }) }))
  console.log(`${result.built ? "built" : "reused"} the index of ${existing}: ${result.index}`)
  console.log(Dedup.format(result.summary))
  console.log(`new documents: ${result.summary.kept}, already in ${existing}: ${result.summary.inIndex ?? 0}`)
}

await main()
