/**
 * MinHash signature throughput per core with BigCode's settings (bigcode 5-grams, 256
 * permutations) on real code from node_modules, against datasketch on the same documents in the
 * same run; then the memory per document of the one-machine link pass. Scaling with worker
 * threads: `scaling.bench.ts`.
 *
 * `npm run bench -w @pretrain/dedup` (DEDUP_BENCH_MB sets the corpus size, default 20).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { Dedup, MinHash, Shingle } from "../src/index.ts"
import { realCode } from "../test/support/corpus.ts"
import { peerUnavailable, runPeer } from "./support/datasketch.ts"

const targetMb = Number(process.env.DEDUP_BENCH_MB ?? 20)
const estimate = realCode(100_000, { minBytes: 200, maxBytes: 200_000 })
const docs: Array<{ content: string; repo_name: string; path: string }> = []
let bytes = 0
for (const d of estimate) {
  if (bytes >= targetMb * 1e6) break
  docs.push(d)
  bytes += Buffer.byteLength(d.content)
}
const mb = bytes / 1e6
console.log(`corpus: ${docs.length} files, ${mb.toFixed(1)} MB of JavaScript/TypeScript from node_modules; ${os.cpus()[0]?.model ?? "cpu"}`)

// ours: one thread, shingling included
const shingler = new Shingle.Shingler({ mode: "bigcode", n: 5 })
const hasher = new MinHash.MinHasher({ numPerm: 256, seed: 42 })
const sig = new Uint32Array(256)
const once = () => {
  const t = performance.now()
  let shingles = 0
  for (const d of docs) {
    const h = shingler.hashes(d.content)
    shingles += h.length
    if (h.length > 0) hasher.signature(h, sig)
  }
  return { seconds: (performance.now() - t) / 1000, shingles }
}
once() // warm-up
const runs = [once(), once(), once()].sort((a, b) => a.seconds - b.seconds)
const ours = runs[1]!
const oursMbps = mb / ours.seconds
console.log(`ours      (wasm kernel, 1 thread): ${oursMbps.toFixed(2)} MB/s, ${(ours.shingles / ours.seconds / 1e6).toFixed(2)} M shingles/s (median of 3)`)
const jsHasher = new MinHash.MinHasher({ numPerm: 256, seed: 42, backend: "js" })
{
  const t = performance.now()
  for (const d of docs) {
    const h = shingler.hashes(d.content)
    if (h.length > 0) jsHasher.signature(h, sig)
  }
  console.log(`ours      (js backend, 1 thread):  ${(mb / ((performance.now() - t) / 1000)).toFixed(2)} MB/s`)
}

const why = peerUnavailable()
if (why !== undefined) console.log(`datasketch: peer unavailable (${why})`)
else {
  const peer = runPeer(docs, { numPerm: 256, threshold: 0.7, ngram: 5, lsh: false })
  const peerMbps = peer.bytes / 1e6 / peer.hashSeconds
  console.log(`datasketch (numpy, 1 thread):      ${peerMbps.toFixed(2)} MB/s, peak RSS ${peer.peakMb.toFixed(0)} MB`)
  console.log(`ratio ours / datasketch: ${(oursMbps / peerMbps).toFixed(1)}x`)
}

// the one-machine pass reads JSONL shards (scaling with worker threads: bench/scaling.bench.ts)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dedup-bench-"))
const input = path.join(dir, "in")
fs.mkdirSync(input)
const parts = 4
for (let p = 0; p < parts; p++) {
  const slice = docs.slice(Math.floor((p * docs.length) / parts), Math.floor(((p + 1) * docs.length) / parts))
  fs.writeFileSync(path.join(input, `part-${p}.jsonl`), slice.map((d) => JSON.stringify(d)).join("\n") + "\n")
}

// memory of the one-machine link pass: index + union-find + survivor keys, no texts
const gc = (globalThis as { gc?: () => void }).gc
const used = () => {
  gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
const before = used()
const linked = await Effect.runPromise(Dedup.link(input, { mode: "minhash", survivor: "stack-v2" }))
const retained = used() - before
const lshBytes = linked.near!.index.memoryBytes()
if (gc !== undefined) console.log(`one-machine link pass: ${(retained / docs.length).toFixed(0)} bytes retained per document after the pass (measured, heap + array buffers, after gc)`)
console.log(
  `one-machine link pass holds per document: LSH index ${(lshBytes / docs.length).toFixed(0)} bytes (${linked.near!.config.bands} bands, tables at <= 50% load), ` +
    `union-find 4 bytes, survivor keys 33 bytes; no texts, no signatures (a 256 x 32-bit signature is 1024 bytes). ` +
    `The multi-stage signature task holds ${8 * linked.near!.config.bands} bytes of band keys per document.`
)
fs.rmSync(dir, { recursive: true, force: true })
