/**
 * Encoding speed, single thread, on held-out real code from node_modules: our encoder against
 * tiktoken (WASM), gpt-tokenizer (pure TS) and HF tokenizers (Rust, npm binding), all with the same
 * cl100k_base vocabulary and regex, on the same text in the same run. Also checks that our ids equal
 * tiktoken's. (The Doc operator on worker threads: `scaling.bench.ts`.)
 *
 * Run: `npm run bench -w @pretrain/tokenizer` (BENCH_HELDOUT_MB sets the text size, default 3).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { encode as gptEncode } from "gpt-tokenizer/encoding/cl100k_base"
import { get_encoding } from "tiktoken"
import * as hf from "tokenizers"

import { cl100kTokenizer } from "./cl100k.ts"
import { corpus, fmt } from "./corpus.ts"

process.env.BENCH_TRAIN_MB = "0"
const { heldOut, heldOutBytes } = corpus()
const mb = heldOutBytes / 1e6
console.log(`held-out text: ${heldOut.length} files, ${fmt(mb)} MB`)

const ours = cl100kTokenizer()
const tiktoken = get_encoding("cl100k_base")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-bench-"))
const file = path.join(dir, "cl100k.json")
ours.saveSync(file)
const hfTok = hf.Tokenizer.fromFile(file)

/** One pass over the corpus: seconds and tokens. */
const pass = async (encode: (text: string) => number | Promise<number>) => {
  const start = performance.now()
  let tokens = 0
  for (const d of heldOut) tokens += await encode(d)
  return { seconds: (performance.now() - start) / 1000, tokens }
}

/**
 * Each encoder first makes one warm-up pass over the whole text (JIT, and gpt-tokenizer's merge
 * cache filled: its figure is its warm one), then `rounds` timed passes, the encoders interleaved
 * round by round so that load from other processes on the machine hits them alike. MB/s: the
 * median pass (the figure compared) and the best. HF (slow, one async call per file) makes 3
 * timed passes.
 */
const race = async (encoders: ReadonlyArray<readonly [string, (text: string) => number | Promise<number>]>, rounds: number) => {
  const passes = new Map<string, Array<{ seconds: number; tokens: number }>>()
  for (const [name, encode] of encoders) {
    await pass(encode)
    passes.set(name, [])
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, encode] of encoders) {
      if (name.startsWith("HF") && r >= 3) continue
      passes.get(name)!.push(await pass(encode))
    }
  }
  const rates = new Map<string, number>()
  for (const [name, ps] of passes) {
    const secs = ps.map((p) => p.seconds).sort((x, y) => x - y)
    const med = secs[Math.floor((secs.length - 1) / 2)]!
    rates.set(name, mb / med)
    console.log(
      `${name.padEnd(34)} ${fmt(mb / med).padStart(7)} MB/s median of ${secs.length} (best ${fmt(mb / secs[0]!)}, worst ${fmt(mb / secs[secs.length - 1]!)})  ${ps[0]!.tokens} tokens`
    )
  }
  return rates
}

// Same ids as tiktoken on every file?
let identical = 0
for (const d of heldOut) {
  const a = ours.encode(d, { special: false })
  const b = tiktoken.encode_ordinary(d)
  if (a.length === b.length && a.every((x, i) => x === b[i])) identical++
}
console.log(`ids identical to tiktoken: ${identical}/${heldOut.length} files\n`)

const rates = await race([
  ["ours (cl100k_base)", (t) => ours.encode(t, { special: false }).length],
  ["tiktoken 1.0.22 (WASM)", (t) => tiktoken.encode_ordinary(t).length],
  ["gpt-tokenizer 4.0.0 (TS)", (t) => gptEncode(t, { allowedSpecial: new Set(), disallowedSpecial: new Set() }).length],
  ["HF tokenizers 0.23.2 (Rust/napi)", async (t) => (await hfTok.encode(t, null, { addSpecialTokens: false })).getIds().length]
], Number(process.env.BENCH_ROUNDS ?? 7))
const oursRate = rates.get("ours (cl100k_base)")!
const tiktokenRate = rates.get("tiktoken 1.0.22 (WASM)")!
const gptRate = rates.get("gpt-tokenizer 4.0.0 (TS)")!
const hfRate = rates.get("HF tokenizers 0.23.2 (Rust/napi)")!
const fastest = Math.max(tiktokenRate, gptRate, hfRate)
console.log(`\nours / tiktoken      ${fmt(oursRate / tiktokenRate)}x`)
console.log(`ours / gpt-tokenizer ${fmt(oursRate / gptRate)}x`)
console.log(`ours / HF            ${fmt(oursRate / hfRate)}x`)
console.log(`ours / fastest peer  ${fmt(oursRate / fastest)}x  (medians; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => fmt(x)).join(" ")})`)

tiktoken.free()
fs.rmSync(dir, { recursive: true, force: true })
