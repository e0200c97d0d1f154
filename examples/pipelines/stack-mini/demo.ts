/**
 * `npm run demo`: run the stack-mini pipeline on this workspace's node_modules and print what it
 * made. Every number printed is computed by the run. A second run finds the completed tasks and
 * skips them; `npm run demo -- --force` starts over.
 */
import * as path from "node:path"
import { CorpusSummary, Progress, runPipelinePromise } from "@pretrain/dataflow"
import { Report } from "@pretrain/cli"
import { Demo as Curation } from "@pretrain/curation"
import { Demo as Dedup } from "@pretrain/dedup"
import { Demo as Packing } from "@pretrain/packing"
import { Demo as Scaling } from "@pretrain/scaling"
import { Demo as Tokenizer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import { outDir, type StackMiniParams } from "./pipeline.ts"

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

// repository-aware formatting with fill-in-the-middle, packed into 2048-token sequences
const packed = await Effect.runPromise(Packing.pack({ input: corpus.dir, tokenizerFile: tokenizer.tokenizerFile, outDir: path.join(outDir(params), "packed") }))
console.log(`${Packing.summarize(packed)}\n`)

// what a model trained on this corpus should look like
const uniqueTokens = Math.round(corpus.stats.bytesOut / tokenizer.heldOut.bytesPerToken)
console.log(`corpus: ${corpus.stats.docsOut} documents, ${(corpus.stats.bytesOut / 1e6).toFixed(1)} MB, about ${uniqueTokens.toLocaleString("en")} tokens`)
console.log(`${Scaling.scalingSummary(uniqueTokens)}\n`)
const report = path.join(outDir(params), "report.html")
await Effect.runPromise(Report.writeReport(outDir(params), report, { force: true }))
console.log(`outputs: ${outDir(params)} (each stage's stats.json next to its parts; done in ${((performance.now() - started) / 1000).toFixed(1)} s)`)
console.log(`report: ${report}`)
