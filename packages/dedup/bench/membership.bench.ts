/**
 * Membership index: build time, size per document, and query latency (whole files, edited files,
 * snippets) over real code from node_modules; datasketch's MinHashLSH on the same documents in the
 * same run (signature + one query per document, insert included) as the peer figure.
 *
 * `npm run bench -w @pretrain/dedup` (DEDUP_MEMBERSHIP_DOCS sets the document count, default 3000).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { Membership } from "../src/index.ts"
import { realCode } from "../test/support/corpus.ts"
import { peerUnavailable, runPeer } from "./support/datasketch.ts"

const count = Number(process.env.DEDUP_MEMBERSHIP_DOCS ?? 3000)
const docs = realCode(count, { minBytes: 500 })
const bytes = docs.reduce((s, d) => s + Buffer.byteLength(d.content), 0)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dedup-membership-"))
const input = path.join(dir, "docs.jsonl")
fs.writeFileSync(input, docs.map((d) => JSON.stringify(d)).join("\n") + "\n")
const report = await Effect.runPromise(Membership.build(input, path.join(dir, "idx")))
console.log(
  `index: ${report.documents} documents (${(bytes / 1e6).toFixed(1)} MB), ${(report.bytes / 1e6).toFixed(1)} MB on disk ` +
    `(${(report.bytes / report.documents).toFixed(0)} bytes per document, ${(report.bytes / bytes).toFixed(2)} of the text), built in ${report.seconds.toFixed(2)} s`
)
const index = await Effect.runPromise(Membership.load(path.join(dir, "idx")))
index.query(docs[0]!.content) // builds the LSH tables once
const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const step = Math.max(1, Math.floor(docs.length / 200))
const times = { file: [] as Array<number>, edited: [] as Array<number>, snippet: [] as Array<number> }
let found = { file: 0, edited: 0, snippet: 0 }
for (let i = 0; i < docs.length; i += step) {
  const d = docs[i]!
  const a = index.query(d.content)
  times.file.push(a.milliseconds)
  if (a.exact.some((m) => m.doc === i)) found.file++
  const b = index.query(d.content + "\n// local change\nexport const changed = 1\n")
  times.edited.push(b.milliseconds)
  if (b.near.some((m) => m.doc === i)) found.edited++
  const lines = d.content.split("\n")
  const c = index.query(lines.slice(Math.floor(lines.length / 3), Math.floor(lines.length / 3) + 20).join("\n"), { containment: 0.8 })
  times.snippet.push(c.milliseconds)
  if (c.snippet.some((m) => m.doc === i)) found.snippet++
}
const n = times.file.length
console.log(
  `ours: median query ${median(times.file).toFixed(3)} ms (whole file, found ${found.file}/${n}), ${median(times.edited).toFixed(3)} ms (edited file, found ${found.edited}/${n}), ` +
    `${median(times.snippet).toFixed(3)} ms (20-line snippet, found ${found.snippet}/${n})`
)
found = { file: 0, edited: 0, snippet: 0 }
const why = peerUnavailable()
if (why !== undefined) console.log(`datasketch: peer unavailable (${why})`)
else {
  const peer = runPeer(docs, { numPerm: 256, threshold: 0.7, ngram: 5, lsh: true })
  const perDoc = ((peer.hashSeconds + peer.lshSeconds) / peer.docs) * 1000
  console.log(
    `datasketch MinHashLSH: ${perDoc.toFixed(3)} ms per document (signature + query + insert), peak RSS ${peer.peakMb.toFixed(0)} MB; ` +
      `ratio datasketch / ours (edited-file query): ${(perDoc / median(times.edited)).toFixed(1)}x`
  )
}
fs.rmSync(dir, { recursive: true, force: true })
