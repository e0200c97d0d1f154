/**
 * Encoding speed, single thread, on held-out real code from node_modules: our encoder against
 * tiktoken (WASM), gpt-tokenizer (pure TS) and HF tokenizers (Rust, npm binding), all with the same
 * cl100k_base vocabulary and regex, on the same text in the same run. Also checks that our ids equal
 * tiktoken's, and measures our Doc operator on worker threads.
 *
 * Run: `npm run bench -w @pretrain/tokenizer` (BENCH_HELDOUT_MB sets the text size, default 3).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Stream } from "effect"
import { encode as gptEncode } from "gpt-tokenizer/encoding/cl100k_base"
import { get_encoding } from "tiktoken"
import * as hf from "tokenizers"
import { Tokenize } from "../src/index.ts"
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
 * Best of `rounds` passes per encoder, the encoders interleaved round by round so that load from
 * other processes on the machine hits them alike; MB/s.
 */
const race = async (encoders: ReadonlyArray<readonly [string, (text: string) => number | Promise<number>]>, rounds: number) => {
  const best = new Map<string, { seconds: number; tokens: number }>()
  for (let r = 0; r < rounds; r++) {
    for (const [name, encode] of encoders) {
      if (name.startsWith("HF") && r >= 2) continue
      const p = await pass(encode)
      if (!best.has(name) || p.seconds < best.get(name)!.seconds) best.set(name, p)
    }
  }
  const rates = new Map<string, number>()
  for (const [name, { seconds, tokens }] of best) {
    rates.set(name, mb / seconds)
    console.log(`${name.padEnd(34)} ${fmt(mb / seconds).padStart(7)} MB/s  (${tokens} tokens)`)
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
], Number(process.env.BENCH_ROUNDS ?? 5))
const oursRate = rates.get("ours (cl100k_base)")!
const tiktokenRate = rates.get("tiktoken 1.0.22 (WASM)")!
const gptRate = rates.get("gpt-tokenizer 4.0.0 (TS)")!
const hfRate = rates.get("HF tokenizers 0.23.2 (Rust/napi)")!
const fastest = Math.max(tiktokenRate, gptRate, hfRate)
console.log(`\nours / tiktoken      ${fmt(oursRate / tiktokenRate)}x`)
console.log(`ours / gpt-tokenizer ${fmt(oursRate / gptRate)}x`)
console.log(`ours / HF            ${fmt(oursRate / hfRate)}x`)
console.log(`ours / fastest peer  ${fmt(oursRate / fastest)}x`)

// Worker threads: the Doc operator over the held-out text 10 times (each worker first loads the
// tokenizer from its JSON, included in the time).
const repeats = 10
const docs = Array.from({ length: repeats }, () => heldOut.map((content) => ({ content }))).flat()
const single = oursRate
for (const workers of [0, 1, 2, 4]) {
  const start = performance.now()
  await Effect.runPromise(Stream.runDrain(Stream.fromIterable(docs).pipe(Tokenize.tokenize(ours, { workers, batchSize: 16 }))))
  const rate = (repeats * mb) / ((performance.now() - start) / 1000)
  console.log(`Tokenize operator, ${workers} worker(s): ${fmt(rate).padStart(6)} MB/s (${fmt(rate / single)}x single-thread encode; ${os.availableParallelism()} cores)`)
}
tiktoken.free()
fs.rmSync(dir, { recursive: true, force: true })
