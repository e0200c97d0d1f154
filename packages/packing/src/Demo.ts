/**
 * The packing step of the stack-mini demo: pack a dataset directory with a tokenizer file into an
 * output directory and report tokens, sequences, padding and documents split. The layout is
 * StarCoder2 when the tokenizer has `<repo_name>` and `<file_sep>` (the `starcoder2` special
 * preset), otherwise StarCoder1 (the `starcoder` preset has `<reponame>`, `<filename>`,
 * `<gh_stars>`).
 *
 * ```ts
 * const result = await Effect.runPromise(Demo.pack({ input: "out/near-dedup", tokenizerFile: "out/tokenizer/tokenizer.json", outDir: "out/packed" }))
 * console.log(Demo.summarize(result))
 * ```
 *
 * @since 0.1.0
 */
import { Tokenizer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import * as Layout from "./Layout.ts"
import * as Pack from "./Pack.ts"
import { FILE_SEP, REPO_NAME } from "./Tokens.ts"

/**
 * `packing`, `format` and `seed` as in {@link Pack.Params} (but `format` defaults to megatron);
 * `workers`, `force` and `ifChanged` as in {@link Pack.RunOptions}.
 *
 * @since 0.1.0 @category models
 */
export interface DemoOptions extends Pick<Pack.Params, "packing" | "format" | "seed">, Pick<Pack.RunOptions, "workers" | "force" | "ifChanged"> {
  /** The dataset to pack (e.g. the demo's near-dedup output). */
  readonly input: string
  readonly tokenizerFile: string
  readonly outDir: string
  /** Sequence length (default 2048). */
  readonly seqLen?: number | undefined
  /** Default: starcoder2 when the tokenizer has its tokens, else starcoder1. */
  readonly layout?: Layout.Layout | undefined
}

/** @since 0.1.0 @category models */
export interface DemoResult {
  readonly summary: Pack.Summary
  readonly seconds: number
}

/**
 * The layout a tokenizer supports: StarCoder2 when it has `<repo_name>` and `<file_sep>`.
 *
 * @since 0.1.0 @category demo
 */
export const layoutFor = (tokenizer: Tokenizer): Layout.Layout =>
  tokenizer.tokenToId(REPO_NAME) !== undefined && tokenizer.tokenToId(FILE_SEP) !== undefined ? "starcoder2" : "starcoder1"

/**
 * Pack `input` with the tokenizer into `outDir` (Megatron format, best-fit, L = 2048 by default).
 *
 * @since 0.1.0 @category demo
 */
export const pack = Effect.fn("Demo.pack")(
  function*(options: DemoOptions) {
    const start = performance.now()
    const layout = options.layout ?? layoutFor(Tokenizer.fromFileSync(options.tokenizerFile))
    const summary = yield* Pack.run({
      input: options.input,
      tokenizer: options.tokenizerFile,
      out: options.outDir,
      seqLen: options.seqLen ?? 2048,
      format: options.format ?? "megatron",
      layout,
      packing: options.packing ?? "best-fit",
      seed: options.seed ?? 0
    }, { workers: options.workers, force: options.force, ifChanged: options.ifChanged })
    return { summary, seconds: (performance.now() - start) / 1000 } satisfies DemoResult
  }
)

/**
 * A few lines for the demo's report.
 *
 * @since 0.1.0 @category demo
 */
export const summarize = (r: DemoResult): string => `${Pack.summarize(r.summary)} (${r.seconds.toFixed(1)} s)`
