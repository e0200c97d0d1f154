/**
 * Training: wall time and peak memory of our trainer against HF tokenizers (Rust, npm binding,
 * `Tokenizer.train`: its default 30,000-vocab BPE trainer) with the same pre-tokenizer (Digits
 * individual + ByteLevel GPT-2 regex) on the same text, each in its own process that loads only its
 * own trainer; then bytes/token of the tokenizers on held-out code.
 *
 * - Peak memory is each child's `process.resourceUsage().maxRSS` (the whole process, all threads),
 *   measured the same way for both. Our child imports only the pure trainer (`dist/Trainer.js`: no
 *   Effect runtime, no dataset readers) and reads the JSONL corpus one line at a time, as HF reads
 *   its text file; the rows "1 worker" and "2 workers" run `ParallelTrain` (Effect streams,
 *   counting on worker threads).
 * - Units: HF's binding reads its file line by line, so it learns from lines; ours learns from whole
 *   documents (what code corpora are made of). For a like-for-like figure, HF also trains on whole
 *   documents: each document is one line of its file, with its inner newlines written as a
 *   whitespace character the corpus does not contain (U+0085 NEL, else U+2028, ...), which HF's
 *   regex treats exactly as `\n` (both are `\s`, neither letter nor digit); that tokenizer is
 *   measured on held-out text written the same way, bytes counted on the original text. Its cost:
 *   one or two of its 30,000 vocabulary entries spell that character's UTF-8 bytes.
 *
 * Run: `npm run bench -w @pretrain/tokenizer` (BENCH_TRAIN_MB, default 20; BENCH_RUNS, default 3:
 * timings and peaks are medians over the runs).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { corpus, fmt } from "./corpus.ts"

const VOCAB = 30_000
const [, , mode, input, output, workersArg] = process.argv

/**
 * Documents of a JSONL file (`{"content": ...}` per line), read 1 MiB at a time: lines are found in
 * the bytes and only each line is decoded, so no chunk-sized strings become garbage.
 */
function* jsonlDocuments(file: string): Generator<string> {
  const fd = fs.openSync(file, "r")
  let buf = Buffer.allocUnsafe(1 << 20)
  let fill = 0
  try {
    for (;;) {
      if (fill === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2)
        buf.copy(bigger, 0, 0, fill)
        buf = bigger
      }
      const n = fs.readSync(fd, buf, fill, buf.length - fill, null)
      fill += n
      let start = 0
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < fill; nl = buf.indexOf(10, start)) {
        if (nl > start) yield (JSON.parse(buf.toString("utf8", start, nl)) as { content: string }).content
        start = nl + 1
      }
      buf.copy(buf, 0, start, fill)
      fill -= start
      if (n === 0) break
    }
    if (fill > 0) yield (JSON.parse(buf.toString("utf8", 0, fill)) as { content: string }).content
  } finally {
    fs.closeSync(fd)
  }
}

const built = fs.existsSync(new URL("../dist/Trainer.js", import.meta.url))
const report = (seconds: number, baseMB: number, extra: object = {}) =>
  console.log(JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, baseMB, ...extra }))

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
  report(seconds, baseMB)
} else if (mode === "--ours") {
  // The pure trainer only (the built package when there is one: what users run).
  const Trainer: typeof import("../src/Trainer.ts") = await import(built ? "../dist/Trainer.js" : "../src/Trainer.ts")
  const baseMB = process.resourceUsage().maxRSS / 1024
  const start = performance.now()
  const r = Trainer.train(jsonlDocuments(input!), { vocabSize: VOCAB, preset: "starcoder", special: [] })
  const seconds = (performance.now() - start) / 1000
  r.tokenizer.saveSync(output!)
  report(seconds, baseMB, { stats: r.stats })
} else if (mode === "--ours-workers") {
  // Chunks of 16 documents: Stream.fromIterable's default chunk (4,096) would hold most of the corpus.
  const Stream = await import("effect/Stream")
  const Effect = await import("effect/Effect")
  const ParallelTrain: typeof import("../src/ParallelTrain.ts") = await import(built ? "../dist/ParallelTrain.js" : "../src/ParallelTrain.ts")
  const baseMB = process.resourceUsage().maxRSS / 1024
  const start = performance.now()
  const r = await Effect.runPromise(ParallelTrain.train(Stream.fromIterable(jsonlDocuments(input!), { chunkSize: 16 }), { vocabSize: VOCAB, preset: "starcoder", special: [], workers: Number(workersArg) }))
  const seconds = (performance.now() - start) / 1000
  r.tokenizer.saveSync(output!)
  report(seconds, baseMB, { stats: r.stats })
} else {
  const { Tokenizer } = await import("../src/index.ts")
  const { train, heldOut, trainBytes } = corpus()
  const runs = Number(process.env.BENCH_RUNS ?? 3)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-train-bench-"))
  const txt = path.join(dir, "corpus.txt")
  const wholeTxt = path.join(dir, "corpus-whole-documents.txt")
  const jsonl = path.join(dir, "corpus.jsonl")
  // A whitespace character the corpus does not hold stands for the newline in the whole-document run.
  const all = [...train, ...heldOut]
  const newline = ["\u0085", "\u2028", "\u2029", "\u1680", "\u3000"].find((c) => all.every((d) => !d.includes(c)))
  if (newline === undefined) throw new Error("no spare whitespace character for the whole-document HF run")
  /** A document as one line: inner newlines as `newline`, its final newline the line's own. */
  const asLine = (doc: string) => (doc.endsWith("\n") ? doc.slice(0, -1) : doc).replaceAll("\n", newline)
  fs.writeFileSync(txt, train.join("\n"))
  fs.writeFileSync(wholeTxt, train.map(asLine).join("\n") + "\n")
  fs.writeFileSync(jsonl, train.map((content) => JSON.stringify({ content })).join("\n") + "\n")
  console.log(`training text: ${train.length} files, ${fmt(trainBytes / 1e6)} MB; ${os.availableParallelism()} cores; load average ${os.loadavg().map((x) => fmt(x)).join(" ")}`)
  console.log(`whole-document HF run: newlines written as U+${newline.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} (absent from the corpus)`)
  interface Run { seconds: number; maxRssMB: number; baseMB: number }
  const child = (flag: string, file: string, out: string, workers = "0"): Run =>
    JSON.parse(execFileSync(process.execPath, [import.meta.filename, flag, file, out, workers], { encoding: "utf8", maxBuffer: 1 << 26 }).trim().split("\n").pop()!)
  const hfOut = path.join(dir, "hf.json")
  const hfWholeOut = path.join(dir, "hf-whole.json")
  const oursOut = path.join(dir, "ours.json")
  const workerOut = path.join(dir, "ours-worker.json")
  const workersOut = path.join(dir, "ours-workers.json")
  const rows: Record<string, Array<Run>> = { hf: [], hfWhole: [], ours: [], worker: [], workers: [] }
  for (let r = 0; r < runs; r++) {
    // Interleaved, so that load from other processes hits each trainer alike.
    rows.hf!.push(child("--hf", txt, hfOut))
    rows.ours!.push(child("--ours", jsonl, oursOut))
    rows.worker!.push(child("--ours-workers", jsonl, workerOut, "1"))
    rows.workers!.push(child("--ours-workers", jsonl, workersOut, "2"))
    if (r === 0) rows.hfWhole!.push(child("--hf", wholeTxt, hfWholeOut))
  }
  const median = (xs: ReadonlyArray<number>) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
  }
  const med = (rs: ReadonlyArray<Run>): Run => ({
    seconds: median(rs.map((r) => r.seconds)),
    maxRssMB: median(rs.map((r) => r.maxRssMB)),
    baseMB: median(rs.map((r) => r.baseMB))
  })
  const theirs = med(rows.hf!)
  const row = (name: string, rs: ReadonlyArray<Run>) => {
    const m = med(rs)
    console.log(
      `${name.padEnd(36)} ${fmt(m.seconds).padStart(6)} s  peak RSS ${fmt(m.maxRssMB, 0).padStart(4)} MB  ` +
        `(after imports ${fmt(m.baseMB, 0)} MB, training adds ${fmt(m.maxRssMB - m.baseMB, 0)} MB)` +
        (rs === rows.hf ? "" : `  vs HF: time ${fmt(m.seconds / theirs.seconds)}x, peak ${fmt(m.maxRssMB / theirs.maxRssMB)}x`) +
        `  [peaks ${rs.map((r) => fmt(r.maxRssMB, 0)).join(", ")}]`
    )
  }
  console.log(`medians of ${runs} run(s), ours from ${built ? "dist" : "src"}:`)
  row("HF tokenizers 0.23.2 (lines)", rows.hf!)
  row("HF tokenizers 0.23.2 (whole docs)", rows.hfWhole!)
  row("ours (pure Trainer, in-thread)", rows.ours!)
  row("ours (ParallelTrain, 1 worker)", rows.worker!)
  row("ours (ParallelTrain, 2 workers)", rows.workers!)
  for (const out of [workerOut, workersOut]) {
    if (fs.readFileSync(oursOut, "utf8") !== fs.readFileSync(out, "utf8")) throw new Error("worker count changed the result")
  }
  console.log("(all of our runs wrote the same tokenizer.json)")
  const measure = (file: string, rewrite: (doc: string) => string = (d) => d) => {
    const tok = Tokenizer.fromFileSync(file)
    let bytes = 0
    let tokens = 0
    for (const d of heldOut) {
      bytes += Buffer.byteLength(d)
      tokens += tok.count(rewrite(d), { special: false })
    }
    return { bytesPerToken: bytes / tokens, unknownBytes: tok.unknownBytes }
  }
  const h = measure(hfOut)
  const hw = measure(hfWholeOut, (d) => d.endsWith("\n") ? asLine(d) + "\n" : asLine(d))
  const o = measure(oursOut)
  console.log(`held-out ${heldOut.length} files, bytes/token:`)
  console.log(`  HF trained on lines            ${fmt(h.bytesPerToken, 3)} (unknown bytes ${h.unknownBytes})`)
  console.log(`  HF trained on whole documents  ${fmt(hw.bytesPerToken, 3)} (unknown bytes ${hw.unknownBytes})`)
  console.log(`  ours (whole documents)         ${fmt(o.bytesPerToken, 3)} (unknown bytes ${o.unknownBytes})`)
  console.log(`  ours / HF lines ${fmt(o.bytesPerToken / h.bytesPerToken, 4)}, ours / HF whole documents ${fmt(o.bytesPerToken / hw.bytesPerToken, 4)}`)
  fs.rmSync(dir, { recursive: true, force: true })
}
