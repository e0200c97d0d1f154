/**
 * Training: wall time and peak memory of our trainer against HF tokenizers (Rust, npm binding,
 * `Tokenizer.train`: its default 30,000-vocab BPE trainer) with the same pre-tokenizer (Digits
 * individual + ByteLevel GPT-2 regex) on the same text, each in its own process; then bytes/token of
 * both tokenizers on held-out code. HF's binding reads its file line by line; ours trains on whole
 * documents (what the issue asks for), so the texts are the same and the units differ.
 *
 * Run: `npm run bench -w @pretrain/tokenizer` (BENCH_TRAIN_MB, default 20).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { corpus, fmt } from "./corpus.ts"

const VOCAB = 30_000
const [, , mode, input, output, workersArg] = process.argv

// Each child loads only its own trainer, so neither pays for the other's code in its peak memory.
if (mode === "--hf") {
  const hf = await import("tokenizers")
  const baseMB = process.resourceUsage().maxRSS / 1024
  const tok = new hf.Tokenizer(hf.BPE.empty())
  tok.setPreTokenizer(hf.sequencePreTokenizer([hf.digitsPreTokenizer(true), hf.byteLevelPreTokenizer(false, true)]))
  const start = performance.now()
  tok.train([input!])
  const seconds = (performance.now() - start) / 1000
  tok.save(output!)
  console.log(JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, baseMB }))
} else if (mode === "--ours") {
  const { Effect } = await import("effect")
  // The built package when there is one (what users run; its workers load no TypeScript stripper).
  const built = fs.existsSync(new URL("../dist/ParallelTrain.js", import.meta.url))
  const Inputs: typeof import("../src/Inputs.ts") = await import(built ? "../dist/Inputs.js" : "../src/Inputs.ts")
  const ParallelTrain: typeof import("../src/ParallelTrain.ts") = await import(built ? "../dist/ParallelTrain.js" : "../src/ParallelTrain.ts")
  const baseMB = process.resourceUsage().maxRSS / 1024
  const start = performance.now()
  const r = await Effect.runPromise(ParallelTrain.train(Inputs.documents([input!]), { vocabSize: VOCAB, preset: "starcoder", special: [], workers: workersArg === undefined || workersArg === "default" ? undefined : Number(workersArg) }))
  const seconds = (performance.now() - start) / 1000
  r.tokenizer.saveSync(output!)
  console.log(JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, baseMB, stats: r.stats, built }))
} else {
  const { Compression, Tokenizer } = await import("../src/index.ts")
  const { train, heldOut, trainBytes } = corpus()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-train-bench-"))
  const txt = path.join(dir, "corpus.txt")
  const jsonl = path.join(dir, "corpus.jsonl")
  fs.writeFileSync(txt, train.join("\n"))
  fs.writeFileSync(jsonl, train.map((content) => JSON.stringify({ content })).join("\n") + "\n")
  console.log(`training text: ${train.length} files, ${fmt(trainBytes / 1e6)} MB; ${os.availableParallelism()} cores`)
  const child = (flag: string, file: string, out: string, workers = "default") =>
    JSON.parse(execFileSync(process.execPath, [import.meta.filename, flag, file, out, workers], { encoding: "utf8", maxBuffer: 1 << 26 }).trim().split("\n").pop()!)
  const hfOut = path.join(dir, "hf.json")
  const oursOut = path.join(dir, "ours.json")
  const theirs = child("--hf", txt, hfOut)
  const ours = child("--ours", jsonl, oursOut, "1")
  const serial = child("--ours", jsonl, path.join(dir, "serial.json"), "0")
  const row = (name: string, r: { seconds: number; maxRssMB: number; baseMB: number }) =>
    console.log(`${name.padEnd(26)} ${fmt(r.seconds).padStart(7)} s  peak RSS ${fmt(r.maxRssMB, 0).padStart(5)} MB  (after imports ${fmt(r.baseMB, 0)} MB, training adds ${fmt(r.maxRssMB - r.baseMB, 0)} MB)`)
  row("HF tokenizers 0.23.2", theirs)
  row("ours, 1 counting worker", ours)
  row("ours, counting in-thread", serial)
  const ratio = (name: string, r: { seconds: number; maxRssMB: number; baseMB: number }) =>
    console.log(`${name} / HF: time ${fmt(r.seconds / theirs.seconds)}x, peak memory ${fmt(r.maxRssMB / theirs.maxRssMB)}x, memory added by training ${fmt((r.maxRssMB - r.baseMB) / (theirs.maxRssMB - theirs.baseMB))}x`)
  ratio("ours, 1 worker ", ours)
  ratio("ours, in-thread", serial)
  if (fs.readFileSync(oursOut, "utf8") !== fs.readFileSync(path.join(dir, "serial.json"), "utf8")) throw new Error("worker count changed the result")
  console.log(`(ours ran from ${ours.built ? "dist" : "src"}; both of our runs wrote the same tokenizer.json)`)
  const measure = (file: string) => {
    const tok = Tokenizer.fromFileSync(file)
    const acc = Compression.empty()
    for (const d of heldOut) Compression.add(acc, tok, d)
    return Compression.summary(acc)
  }
  const h = measure(hfOut)
  const o = measure(oursOut)
  console.log(`held-out ${heldOut.length} files: bytes/token HF ${fmt(h.bytesPerToken, 3)} (unknown bytes ${h.unknownBytes}), ours ${fmt(o.bytesPerToken, 3)} (unknown bytes ${o.unknownBytes}); ours / HF ${fmt(o.bytesPerToken / h.bytesPerToken, 4)}`)
  fs.rmSync(dir, { recursive: true, force: true })
}
