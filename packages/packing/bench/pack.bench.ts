/**
 * Tokenize + pack throughput and padding on the stack-mini node_modules corpus (the demo's
 * near-dedup output, `npm run demo`), sequence length 2048:
 *
 * - reference, one thread in-process: StarCoder2 formatting + encoding of every repository (no IO),
 *   and the padding that next-fit (a new sequence whenever the next document does not fit; no
 *   document shorter than L split) would leave on those documents;
 * - `Pack.run` end to end on 2 worker threads (partition, pack, merge; reading Parquet, writing
 *   Megatron files), best-fit and concat.
 *
 * A tokenizer with StarCoder2's special tokens (vocab 8,192) is trained on every 4th document
 * unless the demo's tokenizer already has them. Run: `npm run bench -w @pretrain/packing`
 * (BENCH_INPUT, BENCH_WORKERS override the input and worker count).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Parquet } from "@pretrain/dataflow"
import { Tokenizer, Trainer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import { Example, Layout, Pack, Packer } from "../src/index.ts"

const root = path.resolve(import.meta.dirname, "../../..")
const input = process.env.BENCH_INPUT ?? path.join(root, "examples/out/stack-mini/near-dedup")
const demoTokenizer = path.join(root, "examples/out/stack-mini/tokenizer/tokenizer.json")
const workers = Number(process.env.BENCH_WORKERS ?? 2)
const L = 2048

if (!fs.existsSync(input)) {
  console.log(`pack bench: ${input} not found; run \`npm run demo\` first (or set BENCH_INPUT)`)
  process.exit(0)
}

const files = fs.readdirSync(input).filter((n) => n.endsWith(".parquet")).sort().map((n) => path.join(input, n))
const docs = files.flatMap((f) => Parquet.readFileSync(f, { columns: ["content", "repo_name", "path"] })) as Array<{ content: string; repo_name: string; path: string }>
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.content), 0)
console.log(`corpus: ${docs.length.toLocaleString("en")} files, ${(bytes / 1e6).toFixed(1)} MB (${input})`)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "packing-bench-"))
let tokenizerFile = demoTokenizer
if (!fs.existsSync(demoTokenizer) || Tokenizer.fromFileSync(demoTokenizer).tokenToId("<file_sep>") === undefined) {
  const t = performance.now()
  const { tokenizer } = Trainer.train(docs.filter((_, i) => i % 4 === 0).map((d) => d.content), { vocabSize: 8192, special: "starcoder2" })
  tokenizerFile = path.join(dir, "tokenizer.json")
  tokenizer.saveSync(tokenizerFile)
  console.log(`tokenizer: trained vocab 8,192 with the starcoder2 special tokens on every 4th file in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const tokenizer = Tokenizer.fromFileSync(tokenizerFile)

// reference: format + encode in this thread
const repos = new Map<string, Array<Layout.FileRecord>>()
for (const d of docs) {
  const list = repos.get(d.repo_name) ?? []
  list.push({ repo: d.repo_name, path: d.path, content: d.content })
  repos.set(d.repo_name, list)
}
const encoder = Example.encoder(tokenizer, tokenizerFile)
const lengths: Array<number> = []
/** CPU seconds of this process, all threads (worker threads included). */
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
let t0 = performance.now()
let c0 = cpu()
for (const [repo, group] of repos) lengths.push(encoder.encode(Layout.repository(repo, group, { seed: 0 }).parts).length)
const refSeconds = (performance.now() - t0) / 1000
const refCpu = cpu() - c0
const refTokens = lengths.reduce((a, b) => a + b, 0)
let nextFitSeqs = 0
let fill = L
for (const n of lengths) {
  const rest = n % L
  nextFitSeqs += Math.floor(n / L)
  if (rest === 0) continue
  if (fill + rest > L) {
    nextFitSeqs++
    fill = 0
  }
  fill += rest
}
const nextFitPad = 1 - refTokens / (nextFitSeqs * L)

const rows: Array<[string, string, string, string]> = []
const perCpu = (tokens: number, seconds: number) => `${(tokens / seconds / 1e6).toFixed(2)} M tokens per CPU-second`
rows.push(["format + encode, 1 thread in-process (reference)", `${(refTokens / refSeconds / 1e6).toFixed(2)} M tokens/s`, perCpu(refTokens, refCpu), `next-fit padding ${(100 * nextFitPad).toFixed(2)}%`])

for (const packing of ["best-fit", "concat"] as const) {
  t0 = performance.now()
  c0 = cpu()
  const s = await Effect.runPromise(Pack.run({ input, tokenizer: tokenizerFile, out: path.join(dir, packing), seqLen: L, format: "megatron", packing, seed: 0 }, { workers }))
  const sec = (performance.now() - t0) / 1000
  const cpuSec = cpu() - c0
  console.log(Pack.summarize(s))
  rows.push([
    `Pack.run ${packing}, ${workers} workers (read, partition, format, encode, pack, shuffle, write)`,
    `${(s.stats.tokens / sec / 1e6).toFixed(2)} M tokens/s (${(s.stats.tokens / sec / (refTokens / refSeconds)).toFixed(2)}x reference)`,
    `${perCpu(s.stats.tokens, cpuSec)} (${(refCpu / cpuSec * s.stats.tokens / refTokens).toFixed(2)}x reference)`,
    `padding ${(100 * Packer.paddingFraction(s.stats)).toFixed(3)}%, split ${(100 * Packer.splitFraction(s.stats)).toFixed(1)}% of ${s.stats.documents.toLocaleString("en")} documents`
  ])
}
console.log(`\nL = ${L}, ${refTokens.toLocaleString("en")} tokens in ${repos.size.toLocaleString("en")} repositories, ${(bytes / 1e6).toFixed(1)} MB; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`)
for (const r of rows) console.log(`| ${r.join(" | ")} |`)
fs.rmSync(dir, { recursive: true, force: true })
