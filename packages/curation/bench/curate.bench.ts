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
 *   written in either (a curate run also writes every dropped file to `rejects/` as JSONL).
 *
 * Prints MB/s of input content per core, the ratio, per-operator time, drops per reason, then the
 * measured quality: PII detections per MB on the unmodified corpus, per kind, for code files and for
 * metadata / license / docs files, each classified real leak or false positive (rule below) with a
 * sample of each; PII recall per kind (values planted into real files); decontamination catches of
 * planted HumanEval strings and false hits on every corpus file. Goal: curation costs no more than IO.
 */
import { Commands, Input, Parquet, Pipeline, runPipeline, type Stats } from "@pretrain/dataflow"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import * as Benchmark from "../src/Benchmark.ts"
import * as Curate from "../src/Curate.ts"
import * as Demo from "../src/Demo.ts"
import * as Decontaminate from "../src/Decontaminate.ts"
import * as Pii from "../src/Pii.ts"
import { makers, plantInto, plantText, respace, rng } from "../test/support/corpus.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const runsAt = args.indexOf("--runs")
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3
const root = args.find((a, i) => !a.startsWith("--") && (runsAt < 0 || i !== runsAt + 1)) ?? path.resolve(here, "../../../node_modules")
const humanEval = path.resolve(here, "../../../../shared/data/HumanEval.jsonl.gz")

const work = fs.mkdtempSync(path.join(os.tmpdir(), "curate-bench-"))
const corpus = path.join(work, "corpus")
console.log(`node_modules: ${root}`)
const t0 = performance.now()
await Effect.runPromise(runPipeline(Commands.ingestPipeline({ input: root, out: corpus, tasks: 1 }), { workers: 0, quiet: true }))
console.log(`ingested into ${corpus} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

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

// PII on the unmodified corpus: every detection is a real leak or a false positive, per kind and
// separately for code files and for package metadata / license / docs files (package.json,
// *LICENSE*, COPYING*, AUTHORS*, CONTRIBUTORS*, *.md), which name their authors on purpose.
// Classification rule (documented in the README), applied to every detection, on its line
// (at most 80 characters either side):
// - placeholder: the value (for emails) or its line (other kinds) says it is an example: `example`, `sample`, `dummy`, `fake`,
//   `placeholder`, `your`, `foo`/`bar`, `acme`, `test`, `e.g.`, or an address made of one repeated
//   octet / group (`123.123.123.123`) -> false positive;
// - email: a local part with a letter and a domain whose labels are words (letters, digits, `-`) and
//   whose TLD is 2-24 letters -> real; anything else (packed strings, `a@b.c` fragments) -> false positive;
// - name: found only in authorship contexts; real unless a word is a common English word that is not
//   a name (the list below) -> false positive;
// - ip_address: real (a public address as written) unless the line is documentation of an API call
//   (`lookup`, `resolve`, `reverse`, `dns.`) -> false positive (an example address, not someone's);
// - secrets, passwords, keys: false positive in *.md (documentation examples), else real.
const metadataFile = /(?:^|\/)(?:package\.json|[^/]*licen[cs]e[^/]*|copying[^/]*|authors[^/]*|contributors[^/]*|[^/]*\.md)$/i
const placeholderLine = /example|sample|dummy|fake|placeholder|\byour|\bfoo\b|\bbar\b|acme|\btest|e\.g\./i
const realEmail = /^[^@]*[A-Za-z][^@]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}$/
const notNames = new Set(["Use", "Get", "Set", "New", "Data", "File", "Files", "Version", "Read", "Copy", "See", "Note", "Type", "Value", "Error", "Object", "String", "Array", "Function", "Module", "Test", "Tests", "Build", "Run", "Add", "Update", "Fix", "Make", "Create", "Support", "Default", "Options", "Config", "Server", "Client", "User", "Users", "Name", "Date", "Time"])
const classify = (kind: string, value: string, line: string, file: string): "real" | "false positive" => {
  if (placeholderLine.test(value) || (kind === "ip_address" && /^(\d+)(?:\.\1){3}$|^(\w+)(?::\2){3,}/.test(value))) return "false positive"
  switch (kind) {
    case "email":
      // The value alone: a security contact on a line saying "email your report to" is real.
      return realEmail.test(value) ? "real" : "false positive"
    case "name":
      return value.split(" ").some((w) => notNames.has(w)) ? "false positive" : "real"
    case "ip_address":
      return /lookup|resolve|reverse|dns\./i.test(line) || placeholderLine.test(line) ? "false positive" : "real"
    default:
      return /\.md$/i.test(file) || placeholderLine.test(line) ? "false positive" : "real"
  }
}
type Group = "code" | "metadata"
const found: Record<string, Record<Group, Record<"real" | "false positive", Array<string>>>> = {}
const groupBytes: Record<Group, number> = { code: 0, metadata: 0 }
for (const f of fs.readdirSync(corpus).filter((f) => f.endsWith(".parquet"))) {
  for (const row of Parquet.readFileSync(path.join(corpus, f))) {
    const content = row.content as string
    const file = String(row.path)
    const group: Group = metadataFile.test(file) ? "metadata" : "code"
    groupBytes[group] += Buffer.byteLength(content)
    for (const s of Pii.detect(content)) {
      // Its line, at most 80 characters either side (minified and source-map lines are huge).
      const lineStart = Math.max(content.lastIndexOf("\n", s.start - 1) + 1, s.start - 80)
      const lineEnd = content.indexOf("\n", s.end)
      const line = content.slice(lineStart, Math.min(lineEnd < 0 ? content.length : lineEnd, s.end + 80))
      const verdict = classify(s.kind, s.value, line, file)
      const k = (found[s.kind] ??= { code: { real: [], "false positive": [] }, metadata: { real: [], "false positive": [] } })
      k[group][verdict].push(`${row.repo_name}/${file}: ${s.value.split("\n")[0]!.slice(0, 50)}`)
    }
  }
}
const perMB = (n: number, bytes: number) => (n / (bytes / 1e6)).toFixed(2)
const count = (g: Group, v?: "real" | "false positive") =>
  Object.values(found).reduce((s, k) => s + (v === undefined ? k[g].real.length + k[g]["false positive"].length : k[g][v].length), 0)
const allBytes = groupBytes.code + groupBytes.metadata
const all = count("code") + count("metadata")
console.log(`\nPII detections on the unmodified corpus: ${all} in ${(allBytes / 1e6).toFixed(1)} MB = ${perMB(all, allBytes)}/MB (goal < 1/MB)`)
for (const g of ["code", "metadata"] as const) {
  console.log(`  ${g === "code" ? "code files" : "metadata / license / docs"} (${(groupBytes[g] / 1e6).toFixed(1)} MB): ${perMB(count(g), groupBytes[g])}/MB; ` +
    `real ${perMB(count(g, "real"), groupBytes[g])}/MB, false positives ${perMB(count(g, "false positive"), groupBytes[g])}/MB`)
}
console.log(`  false positives over the whole corpus: ${perMB(count("code", "false positive") + count("metadata", "false positive"), allBytes)}/MB`)
console.log("  per kind, per MB of each group (real / false positive), with a sample of each:")
for (const [kind, k] of Object.entries(found).sort((a, b) => b[1].code.real.length + b[1].metadata.real.length - a[1].code.real.length - a[1].metadata.real.length)) {
  console.log(`  ${kind.padEnd(12)} code ${perMB(k.code.real.length, groupBytes.code)} / ${perMB(k.code["false positive"].length, groupBytes.code)}   ` +
    `metadata ${perMB(k.metadata.real.length, groupBytes.metadata)} / ${perMB(k.metadata["false positive"].length, groupBytes.metadata)}   ` +
    `(${k.code.real.length} + ${k.code["false positive"].length} in code, ${k.metadata.real.length} + ${k.metadata["false positive"].length} in metadata)`)
  for (const g of ["code", "metadata"] as const) {
    for (const v of ["real", "false positive"] as const) {
      const list = k[g][v]
      const sample = list.filter((_, i) => i % Math.max(1, Math.floor(list.length / 3)) === 0).slice(0, 3)
      if (sample.length > 0) console.log(`      ${g} ${v}: ${sample.join("; ")}`)
    }
  }
}

// Recall per PII kind: known values planted into real source files of the corpus.
const sources: Array<string> = []
const everything: Array<{ path: string; content: string }> = []
for (const f of fs.readdirSync(corpus).filter((f) => f.endsWith(".parquet"))) {
  for (const row of Parquet.readFileSync(path.join(corpus, f))) {
    everything.push({ path: `${row.repo_name}/${row.path}`, content: row.content as string })
    if (/\.(?:[cm]?js|ts)$/.test(String(row.path)) && (row.content as string).length < 200_000) sources.push(row.content as string)
  }
}
const plants = 200
const next = rng(2024)
const recall: Array<string> = []
for (const [name, make] of Object.entries(makers)) {
  let hit = 0
  for (let t = 0; t < plants; t++) {
    const plant = make(next)
    const planted = plantInto(sources[Math.floor(next() * sources.length)]!, plant, next)
    if (Pii.detect(planted.content).some((s) => s.kind === plant.kind && s.start <= planted.at && s.end >= planted.at + plant.value.length)) hit++
  }
  recall.push(`${name} ${(hit / plants).toFixed(3)}`)
}
console.log(`\nPII recall, ${plants} plants per kind into real JS/TS files: ${recall.join(", ")}`)

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
    `decontamination scan of ${mb.toFixed(1)} MB against ${patterns.length} strings: Aho–Corasick ${(mb / (oursMs / 1000)).toFixed(0)} MB/s, ` +
      `normalise + includes per string (bigcode's loop) ${(mb / (theirsMs / 1000)).toFixed(1)} MB/s, ratio ${(theirsMs / oursMs).toFixed(1)}x; ` +
      `same verdicts: ${ours === theirs}`
  )
}
fs.rmSync(work, { recursive: true, force: true })
