/**
 * `npm run demo`: run the stack-mini pipeline on this workspace's node_modules, train a tokenizer,
 * pack, train a tiny model on the packed sequences and sample from it, plan the scaling, and print
 * what it made, ending with a summary table. Every number printed is computed by the run. A second
 * run finds the completed pipeline tasks and skips them; `npm run demo -- --force` starts over.
 * `--train-steps N` sets the tiny model's optimizer steps (0: no training). The trained model is then
 * served by the trainer's OpenAI-compatible server in this process and asked for a few
 * Cosmopedia-style textbook sections through `@pretrain/synthetic` (`--synthetic N` of them, 0: none).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { CorpusSummary, Progress, runPipelinePromise } from "@pretrain/dataflow"
import { Report } from "@pretrain/cli"
import { Demo as Curation } from "@pretrain/curation"
import { Demo as Dedup } from "@pretrain/dedup"
import { Demo as Packing } from "@pretrain/packing"
import { Demo as Scaling } from "@pretrain/scaling"
import { Demo as Tokenizer, Tokenizer as Bpe } from "@pretrain/tokenizer"
import { Config } from "@pretrain/trainer"
import { Effect } from "effect"
import { openSplit, sample, trainTiny } from "../lib/tiny-model.ts"
import { synthesize } from "./synthetic.ts"
import { outDir, type StackMiniParams } from "./pipeline.ts"
import { summaryTable } from "./summary.ts"

const args = process.argv.slice(2)
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? undefined : args[i + 1]
}
const params: StackMiniParams = {
  ...(flag("out") ? { out: path.resolve(flag("out")!) } : {}),
  ...(flag("node-modules") ? { nodeModules: path.resolve(flag("node-modules")!) } : {})
}
const workers = flag("workers")
/** Optimizer steps of the tiny model (0: no training). */
const trainSteps = Number(flag("train-steps") ?? 400)
/** Synthetic textbook sections asked of the trained model (0: none). */
const syntheticRequests = Number(flag("synthetic") ?? 5)

const started = performance.now()
const result = await runPipelinePromise(path.join(import.meta.dirname, "pipeline.ts"), {
  params,
  force: args.includes("--force"),
  ...(workers ? { workers: Number(workers) } : {})
})
const seconds = (performance.now() - started) / 1000

console.log(`\n== stack-mini: ${result.stages.length} stage(s) in ${seconds.toFixed(1)} s ==\n`)
for (const stage of result.stages) {
  console.log(Progress.summary(stage.stats))
  if (stage.skipped.length > 0) console.log(`  (${stage.skipped.length} task(s) already complete, skipped; --force to redo)`)
}
const ingest = result.stages.find((s) => s.stage === "ingest")!
const summary = await Effect.runPromise(CorpusSummary.summarize(ingest.dir))
console.log(`\n${CorpusSummary.format(summary)}\n`)
const curate = result.stages.find((s) => s.stage === "curate")!
console.log(`${Curation.summarize(curate.stats)}\n`)
console.log(`${Dedup.summary(outDir(params))}\n`)

// a code tokenizer trained on the deduplicated corpus, measured on held-out files
const corpus = result.stages.at(-1)!
const tokenizer = await Effect.runPromise(Tokenizer.trainTokenizer({ input: corpus.dir, outDir: path.join(outDir(params), "tokenizer"), special: "starcoder2" }))
console.log(`${Tokenizer.summarize(tokenizer)}\n`)

// repository-aware formatting with fill-in-the-middle, packed into 2048-token sequences (redone on
// every run: the tokenizer above was just retrained, and token ids mean nothing under another one)
const packed = await Effect.runPromise(Packing.pack({ input: corpus.dir, tokenizerFile: tokenizer.tokenizerFile, outDir: path.join(outDir(params), "packed"), force: true }))
console.log(`${Packing.summarize(packed)}\n`)

// a tiny GPT-2-style model trained on the packed sequences (their first 128 tokens), on the CPU
const packedDir = path.join(outDir(params), "packed")
const trainDir = path.join(outDir(params), "train")
const bpe = Bpe.fromFileSync(tokenizer.tokenizerFile)
// a model from an earlier run was trained on the earlier packing: never reported as this run's
if (trainSteps <= 0) fs.rmSync(trainDir, { recursive: true, force: true })
const training = trainSteps <= 0 ? undefined : (() => {
  const data = openSplit(packedDir)
  try {
    const config = Config.named("gpt2-nano", bpe.vocabSize, { contextLength: 128 })
    console.log(`training: ${Config.describe(config)}; ${data.train.size} sequences, ${data.heldOut.size} held out`)
    return trainTiny({
      config, train: data.train, heldOut: data.heldOut, out: trainDir, tokenizer: bpe,
      steps: trainSteps, batchSize: 8, seqLen: 128, lr: 8e-3,
      onRecord: (r) => {
        if (r.kind === "eval") console.log(`  step ${r.step}/${trainSteps}: held-out loss ${r.loss.toFixed(3)}${r.bitsPerByte === undefined ? "" : ` (${r.bitsPerByte.toFixed(3)} bits/byte)`}`)
      }
    })
  } finally {
    data.close()
  }
})()
if (training !== undefined) {
  console.log(`trained ${training.steps} steps, ${training.tokens.toLocaleString("en")} tokens in ${training.seconds.toFixed(1)} s (${Math.round(training.tokensPerSec).toLocaleString("en")} tokens/s): held-out loss ${training.lossBefore.toFixed(3)} -> ${training.lossAfter.toFixed(3)}`)
  const prompt = "export function "
  const completion = sample(training.model, bpe, prompt, { maxTokens: 48, temperature: 0.7, topK: 20, seed: 1 })
  console.log(`sample (temperature 0.7):\n---\n${prompt}${completion.text}\n---\n`)
}

// a few synthetic textbook sections from the model just trained, served over HTTP in this process
// (an earlier run's sections came from the earlier model: never reported as this run's)
const syntheticDir = path.join(outDir(params), "synthetic")
fs.rmSync(syntheticDir, { recursive: true, force: true })
const synthetic = training === undefined || syntheticRequests <= 0 ? undefined : await synthesize({ model: training.model, tokenizer: bpe, out: syntheticDir, requests: syntheticRequests })

// what a model trained on this corpus should look like
const uniqueTokens = Math.round(corpus.stats.bytesOut / tokenizer.heldOut.bytesPerToken)
console.log(`corpus: ${corpus.stats.docsOut} documents, ${(corpus.stats.bytesOut / 1e6).toFixed(1)} MB, about ${uniqueTokens.toLocaleString("en")} tokens`)
console.log(`${Scaling.scalingSummary(uniqueTokens)}\n`)
const report = path.join(outDir(params), "report.html")
await Effect.runPromise(Report.writeReport(outDir(params), report, { force: true }))
console.log(summaryTable({ stages: result.stages, tokenizer, packed: packed.summary, training, synthetic: synthetic?.run }))
console.log(`\noutputs: ${outDir(params)} (each stage's stats.json next to its parts; done in ${((performance.now() - started) / 1000).toFixed(1)} s)`)
console.log(`report: ${report}`)
