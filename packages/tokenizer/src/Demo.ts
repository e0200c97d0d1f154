/**
 * The tokenizer's step in the stack-mini demo: train a tokenizer on a dataset directory (e.g. the
 * demo's ingest or curated output), holding out every `holdOutEvery`-th document, write
 * `tokenizer.json` and `tokenizer-stats.json`, and measure bytes/token on the held-out documents.
 * `tokenizeStage` adds token ids to a dataset as a pipeline stage.
 *
 * ```ts
 * const result = await Effect.runPromise(Demo.trainTokenizer({ input: "out/ingest", outDir: "out/tokenizer" }))
 * console.log(Demo.summarize(result))
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Stream } from "effect"
import { type Doc, Input, Operator, Pipeline, type Source } from "@pretrain/dataflow"
import * as Compression from "./Compression.ts"
import { TokenizerInputError, type TrainOptionsError } from "./Errors.ts"
import * as Inputs from "./Inputs.ts"
import * as ParallelTrain from "./ParallelTrain.ts"
import type { Preset } from "./PreTokenizer.ts"
import type { SpecialPreset } from "./SpecialTokens.ts"
import { Tokenizer } from "./Tokenizer.ts"
import type { TrainStats } from "./Trainer.ts"

/** @since 0.1.0 @category models */
export interface DemoOptions {
  /** A dataset (Parquet, JSONL or Arrow file or directory) or a directory of source files. */
  readonly input: string
  /** Where `tokenizer.json` and `tokenizer-stats.json` go (created). */
  readonly outDir: string
  readonly vocabSize?: number | undefined
  readonly preset?: Preset | undefined
  readonly special?: SpecialPreset | undefined
  readonly workers?: number | undefined
  /** Every n-th document is held out of training and measured (default 10). */
  readonly holdOutEvery?: number | undefined
}

/** @since 0.1.0 @category models */
export interface DemoResult {
  readonly tokenizerFile: string
  readonly train: TrainStats
  /** Compression on the held-out documents. */
  readonly heldOut: Compression.Summary
  readonly seconds: number
  readonly preset: Preset
}

const split = (input: string, every: number, keepHeldOut: boolean) => {
  let i = 0
  return Stream.filter(Inputs.documents([input]), () => ((i++ % every) === every - 1) === keepHeldOut)
}

/**
 * Train on a dataset, write the tokenizer and its stats, measure held-out bytes/token.
 *
 * @since 0.1.0 @category demo
 */
export const trainTokenizer = (
  options: DemoOptions
): Effect.Effect<DemoResult, TokenizerInputError | TrainOptionsError | Source.SourceError> =>
  Effect.gen(function*() {
    const every = Math.max(2, options.holdOutEvery ?? 10)
    const preset = options.preset ?? "starcoder"
    const start = performance.now()
    const result = yield* ParallelTrain.train(split(options.input, every, false), {
      vocabSize: options.vocabSize ?? 8192,
      preset,
      special: options.special ?? "starcoder",
      workers: options.workers
    })
    const heldOut = yield* Compression.measure(result.tokenizer, split(options.input, every, true))
    const tokenizerFile = path.join(options.outDir, "tokenizer.json")
    const seconds = (performance.now() - start) / 1000
    const out: DemoResult = { tokenizerFile, train: result.stats, heldOut, seconds, preset }
    yield* Effect.try({
      try: () => {
        fs.mkdirSync(options.outDir, { recursive: true })
        result.tokenizer.saveSync(tokenizerFile)
        fs.writeFileSync(path.join(options.outDir, "tokenizer-stats.json"), JSON.stringify(out, null, 2))
      },
      catch: (e) => new TokenizerInputError({ file: options.outDir, reason: `cannot write: ${e instanceof Error ? e.message : String(e)}` })
    })
    return out
  })

/**
 * A few lines for the demo's report.
 *
 * @since 0.1.0 @category demo
 */
export const summarize = (r: DemoResult): string =>
  [
    `tokenizer: ${r.preset} byte-level BPE, vocab ${r.train.vocabSize} (${r.train.merges} merges) from ${r.train.documents} documents, ${(r.train.characters / 1e6).toFixed(1)} M chars, ${r.train.distinctPieces} distinct pieces, ${r.seconds.toFixed(1)} s`,
    `held-out: ${r.heldOut.documents} documents, ${r.heldOut.tokens} tokens, ${r.heldOut.bytesPerToken.toFixed(2)} bytes/token, ${r.heldOut.charsPerToken.toFixed(2)} chars/token, ${r.heldOut.unknownBytes} unknown bytes`,
    `written: ${r.tokenizerFile}`
  ].join("\n")

/**
 * A pipeline stage that adds `input_ids` to every Doc of `input` (tokenizer read from
 * `tokenizerFile` when the stage runs) and writes Parquet to `output`.
 *
 * @since 0.1.0 @category demo
 */
export const tokenizeStage = (options: {
  readonly input: string
  readonly output: string
  readonly tokenizerFile: string
  readonly tasks?: number | undefined
  readonly name?: string | undefined
}) =>
  Pipeline.stage({
    name: options.name ?? "tokenize",
    tasks: options.tasks,
    source: Input.source(options.input),
    steps: (docs) => {
      let tokenizer: Tokenizer | undefined
      return docs.pipe(
        Operator.map("tokenize", (d: Doc) => {
          tokenizer ??= Tokenizer.fromFileSync(options.tokenizerFile)
          return { ...d, input_ids: Array.from(tokenizer.encode(d.content, { special: false })) }
        })
      )
    },
    sink: Input.sink(options.output)
  })

