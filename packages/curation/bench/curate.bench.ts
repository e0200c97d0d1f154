/**
 * Throughput of the full default curation chain against the cost of just reading and writing the
 * same Parquet, on the same input in the same run, one core (in-process, one task).
 *
 *   cd packages/curation && npx node bench/curate.bench.ts [node_modules dir] [--runs 3]
 *
 * Corpus: the workspace's node_modules ingested with `pretrain ingest`'s pipeline (one Doc per file,
 * provenance and licenses from each package.json) into a temporary Parquet dataset. Then, median of
 * `--runs` timed runs after a warm-up each:
 *
 * - IO: Parquet source → Parquet sink (ZSTD), no steps;
 * - curate: the same with `Curate.steps` (defaults + HumanEval decontamination); rejects are not
 *   written in either (a curate run also writes every dropped file to `rejects/` as zstd-compressed JSONL).
 *
 * Prints MB/s of input content per core, the ratio, per-operator time, drops per reason, then
 * decontamination catches of planted HumanEval strings and false hits on every corpus file. Goal:
 * curation costs no more than IO. PII quality is measured by `pii.bench.ts`.
 */
import { Input, Parquet, Pipeline, runPipeline, type Stats } from "@pretrain/dataflow"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import * as Benchmark from "../src/Benchmark.ts"
import * as Curate from "../src/Curate.ts"
import * as Demo from "../src/Demo.ts"
import * as Decontaminate from "../src/Decontaminate.ts"
import { plantText, respace, rng } from "../test/support/corpus.ts"
import { ingest, isPlantHost, nodeModulesArg, readCorpus } from "./corpus.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const runsAt = args.indexOf("--runs")
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3
const humanEval = path.resolve(here, "../../../../shared/data/HumanEval.jsonl.gz")
const { work, corpus } = await ingest(nodeModulesArg(args, ["--runs"]))

const config = Curate.resolve({ decontamination: { benchmarks: [Benchmark.humanEval(humanEval)] } })

const once = async (steps: boolean): Promise<{ ms: number; stats: Stats.StageStatsJson }> => {
  const out = path.join(work, steps ? "curated" : "copied")
  fs.rmSync(out, { recursive: true, force: true })
  const stage = Pipeline.stage({
    name: steps ? "curate" : "copy",
    tasks: 1,
    source: Input.source(corpus),
    ...(steps ? { steps: Curate.steps(config) } : {}),
    sink: Parquet.sink(out),
    rejects: false
  })
  const start = performance.now()
  const r = await Effect.runPromise(runPipeline(Pipeline.make("bench", [stage]), { workers: 0, quiet: true, force: true }))
  return { ms: performance.now() - start, stats: r.stages[0]!.stats }
}

// Warm-up, then IO and curate runs interleaved (the machine's load changes over a run).
await once(false)
await once(true)
const ioRuns: Array<{ ms: number; stats: Stats.StageStatsJson }> = []
const curRuns: Array<{ ms: number; stats: Stats.StageStatsJson }> = []
for (let i = 0; i < runs; i++) {
  ioRuns.push(await once(false))
  curRuns.push(await once(true))
}
const median = <A extends { ms: number }>(all: Array<A>): A => all.sort((a, b) => a.ms - b.ms)[Math.floor(all.length / 2)]!
const io = median(ioRuns)
const cur = median(curRuns)
const mb = io.stats.bytesIn / 1e6
const ioMBs = mb / (io.ms / 1000)
const curMBs = mb / (cur.ms / 1000)
const stepsMs = median(curRuns.map((r) => ({ ms: Object.values(r.stats.operators).reduce((s, o) => s + o.timeMs, 0) }))).ms
console.log(`\ncorpus: ${io.stats.docsIn} files, ${mb.toFixed(1)} MB of content (median of ${runs} runs, 1 core)`)
console.log(`IO only (read + write Parquet):  ${io.ms.toFixed(0).padStart(6)} ms  ${ioMBs.toFixed(1).padStart(6)} MB/s`)
console.log(`curate (read + chain + write):   ${cur.ms.toFixed(0).padStart(6)} ms  ${curMBs.toFixed(1).padStart(6)} MB/s`)
console.log(`curation steps alone:            ${stepsMs.toFixed(0).padStart(6)} ms  ${(mb / (stepsMs / 1000)).toFixed(1).padStart(6)} MB/s`)
console.log(`ratio steps / IO time: ${(stepsMs / io.ms).toFixed(2)} (goal <= 1.00); end-to-end curate / IO: ${(cur.ms / io.ms).toFixed(2)}`)
console.log("\nper operator (ms):")
for (const [name, op] of Object.entries(cur.stats.operators).sort((a, b) => b[1].timeMs - a[1].timeMs)) {
  if (op.timeMs > 0) console.log(`  ${name.padEnd(18)} ${op.timeMs.toFixed(0).padStart(6)}  ${String(op.docsIn).padStart(6)} in  ${String(op.docsOut).padStart(6)} out`)
}
console.log(`\n${Demo.summarize(cur.stats, 30)}`)

const everything = readCorpus(corpus).map((f) => ({ path: `${f.repo}/${f.path}`, content: f.content }))
const sources = readCorpus(corpus).filter(isPlantHost).map((f) => f.content)
const next = rng(2024)

// Decontamination: every HumanEval string planted verbatim, re-indented and re-spaced; false hits on every corpus file.
const he = Benchmark.load(Benchmark.humanEval(humanEval))
const tasks = zlib.gunzipSync(fs.readFileSync(humanEval)).toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>)
for (const mode of ["substring", "ngram"] as const) {
  const idx = Decontaminate.index([he], { mode })
  let planted = 0
  let caught = 0
  for (const task of tasks) {
    for (const field of ["prompt", "canonical_solution"]) {
      if (!he.items.some((i) => i.id === task.task_id && i.field === field)) continue
      for (let variant = 0; variant < 3; variant++) {
        const text = variant === 0 ? task[field]! : respace(task[field]!, variant)
        planted++
        if (idx.find(plantText(sources[Math.floor(next() * sources.length)]!, text, next)) !== undefined) caught++
      }
    }
  }
  const start = performance.now()
  const falseHits = everything.filter((f) => idx.find(f.content) !== undefined).map((f) => f.path)
  const ms = performance.now() - start
  const total = everything.reduce((s, f) => s + f.content.length, 0) / 1e6
  console.log(
    `decontamination (${mode}): caught ${caught}/${planted} planted prompts and solutions; false hits on ${everything.length} unmodified files: ` +
      `${falseHits.length}${falseHits.length > 0 ? ` (${falseHits.slice(0, 3).join(", ")})` : ""}; scan ${(total / (ms / 1000)).toFixed(0)} MB/s`
  )
}

// The peer for one pass per document: bigcode's method as written (`benchmark.lower() in content.lower()`
// for each benchmark string), with StarCoder2's whitespace removal, on the same files.
{
  const idx = Decontaminate.index([he])
  const patterns = he.items.map((i) => i.text.toLowerCase().replace(/\s+/g, ""))
  const sample = everything.filter((f) => f.content.length < 1_000_000)
  const mb = sample.reduce((s, f) => s + f.content.length, 0) / 1e6
  let start = performance.now()
  let ours = 0
  for (const f of sample) if (idx.find(f.content) !== undefined) ours++
  const oursMs = performance.now() - start
  start = performance.now()
  let theirs = 0
  for (const f of sample) {
    const text = f.content.toLowerCase().replace(/\s+/g, "")
    if (patterns.some((p) => text.includes(p))) theirs++
  }
  const theirsMs = performance.now() - start
  console.log(
    `decontamination scan of ${mb.toFixed(1)} MB against ${patterns.length} strings: Wu–Manber ${(mb / (oursMs / 1000)).toFixed(0)} MB/s, ` +
      `normalise + includes per string (bigcode's loop) ${(mb / (theirsMs / 1000)).toFixed(1)} MB/s, ratio ${(theirsMs / oursMs).toFixed(1)}x; ` +
      `same verdicts: ${ours === theirs}`
  )
}
fs.rmSync(work, { recursive: true, force: true })
