/**
 * Accuracy against exact-Jaccard ground truth on real code from node_modules plus planted edits.
 * Goal at threshold 0.7: precision and recall of the removed documents both at least 0.95.
 */
import { describe, expect, it } from "vitest"
import { resolve } from "../src/Clusters.ts"
import { NearDeduper } from "../src/NearDedup.ts"
import { Shingler } from "../src/Shingle.ts"
import { RankKeys } from "../src/Survivor.ts"
import { plantEdits, realCode } from "./support/corpus.ts"
import { groundTruth, score } from "./support/truth.ts"

describe("near-dedup accuracy (node_modules code + planted edits, threshold 0.7)", () => {
  const real = realCode(600)
  const docs = [...real, ...plantEdits(real, 150)]
  const shingler = new Shingler()
  const truth = groundTruth(docs.map((d) => shingler.shingleSet(d.content)), 0.7)

  const predict = (options: ConstructorParameters<typeof NearDeduper>[0]) => {
    const near = new NearDeduper(options)
    docs.forEach((d, i) => near.add(i, d.content))
    const { keep, size } = resolve(near.unionFind.roots(docs.length), new RankKeys("first"))
    return score(truth, keep, size)
  }

  it("the corpus has real duplicates to find", () => {
    expect(truth.pairs).toBeGreaterThan(50)
    expect(truth.removed.reduce((a, b) => a + b, 0)).toBeGreaterThan(50)
  })

  it("with the exact-Jaccard check: precision and recall >= 0.95", () => {
    const s = predict({ threshold: 0.7, verify: true })
    expect(s.precision).toBeGreaterThanOrEqual(0.95)
    expect(s.recall).toBeGreaterThanOrEqual(0.95)
  })

  it("BigCode's settings without the check (25 x 10): recall >= 0.9, precision above 0.8 (false candidates are linked)", () => {
    const s = predict({ threshold: 0.7 })
    expect(s.recall).toBeGreaterThanOrEqual(0.9)
    expect(s.precision).toBeGreaterThan(0.8)
  })
})
