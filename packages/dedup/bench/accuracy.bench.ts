/**
 * Near-dedup accuracy against exact-Jaccard ground truth (all pairs) on real code from
 * node_modules plus planted edits, at threshold 0.7, for our settings and for datasketch's
 * MinHashLSH (same shingles, 256 permutations, threshold 0.7) in the same run.
 *
 * `npm run bench -w @pretrain/dedup` (DEDUP_ACCURACY_DOCS sets the real-file count, default 3000).
 */
import { NearDedup } from "../src/index.ts"
import { resolve } from "../src/Clusters.ts"
import { Shingler } from "../src/Shingle.ts"
import { RankKeys } from "../src/Survivor.ts"
import { UnionFind } from "../src/UnionFind.ts"
import { plantEdits, realCode } from "../test/support/corpus.ts"
import { groundTruth, type Scores, score } from "../test/support/truth.ts"
import { peerUnavailable, runPeer } from "./support/datasketch.ts"

const count = Number(process.env.DEDUP_ACCURACY_DOCS ?? 3000)
const real = realCode(count)
const docs = [...real, ...plantEdits(real, Math.floor(count / 4))]
const shingler = new Shingler()
let t = performance.now()
const truth = groundTruth(docs.map((d) => shingler.shingleSet(d.content)), 0.7)
const shouldRemove = truth.removed.reduce((a, b) => a + b, 0)
console.log(
  `corpus: ${docs.length} documents (${real.length} node_modules files + ${docs.length - real.length} planted edits); ` +
    `ground truth: ${truth.pairs} pairs at Jaccard >= 0.7, ${shouldRemove} documents to remove (${((performance.now() - t) / 1000).toFixed(1)} s, all pairs)`
)
const show = (name: string, s: Scores, seconds: number) =>
  console.log(
    `${name.padEnd(44)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  (removed ${s.removed} of ${s.shouldRemove}; ` +
      `duplicate classification P ${s.dupPrecision.toFixed(3)} R ${s.dupRecall.toFixed(3)})  ${seconds.toFixed(2)} s`
  )

const ours = (name: string, options: NearDedup.Options) => {
  t = performance.now()
  const near = new NearDedup.NearDeduper(options)
  docs.forEach((d, i) => near.add(i, d.content))
  const { keep, size } = resolve(near.unionFind.roots(docs.length), new RankKeys("first"))
  const s = score(truth, keep, size)
  show(name, s, (performance.now() - t) / 1000)
  return s
}
const plain = ours("ours, 25 x 10, no check (--no-verify, --tasks)", { threshold: 0.7 })
const checked = ours("ours, 36 x 7 + exact-Jaccard check (CLI default)", { threshold: 0.7, verify: true })
// the check's memory: 4 bytes per distinct shingle of every document, against the LSH tables
{
  let shingles = 0
  let text = 0
  for (const d of docs) {
    shingles += shingler.hashes(d.content).length
    text += Buffer.byteLength(d.content)
  }
  console.log(
    `cost of the check: shingle sets ${(4 * shingles / docs.length).toFixed(0)} bytes per document ` +
      `(${(4 * shingles / text).toFixed(2)} of the text; the LSH-only pass holds no per-document set)`
  )
}
const goal = (s: Scores) => s.precision >= 0.95 && s.recall >= 0.95 ? "met" : "not met"
console.log(`goal (precision and recall >= 0.95 at 0.7): no check ${goal(plain)}, with the check ${goal(checked)}`)

const why = peerUnavailable()
if (why !== undefined) console.log(`datasketch: peer unavailable (${why})`)
else {
  const peer = runPeer(docs, { numPerm: 256, threshold: 0.7, ngram: 5, lsh: true })
  const uf = new UnionFind(docs.length)
  uf.add(docs.length - 1)
  for (const [a, b] of peer.edges) uf.union(a, b)
  const { keep, size } = resolve(uf.roots(docs.length), new RankKeys("first"))
  const s = score(truth, keep, size)
  show("datasketch MinHashLSH(0.7, 256), keep-first", s, peer.hashSeconds + peer.lshSeconds)
  console.log(
    `ratio ours/datasketch: no check precision ${(plain.precision / s.precision).toFixed(3)}, recall ${(plain.recall / s.recall).toFixed(3)}; ` +
      `with check precision ${(checked.precision / s.precision).toFixed(3)}, recall ${(checked.recall / s.recall).toFixed(3)}`
  )
}
