/**
 * Ground truth for near-dedup accuracy: exact Jaccard on the same shingles over every pair (pairs
 * whose set sizes alone rule out the threshold are skipped: J <= min/max), connected components,
 * and precision / recall of a prediction.
 */
import { resolve } from "../../src/Clusters.ts"
import { jaccard } from "../../src/Shingle.ts"
import { RankKeys } from "../../src/Survivor.ts"
import { UnionFind } from "../../src/UnionFind.ts"

export interface Truth {
  /** Documents with at least one partner at or above the threshold. */
  readonly duplicate: Uint8Array
  /** 1 for documents removed when keeping the first of each true component. */
  readonly removed: Uint8Array
  readonly pairs: number
}

export const groundTruth = (sets: ReadonlyArray<Uint32Array>, threshold: number): Truth => {
  const n = sets.length
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => sets[i]!.length > 0).sort((a, b) => sets[a]!.length - sets[b]!.length)
  const duplicate = new Uint8Array(n)
  const uf = new UnionFind(n)
  uf.add(n - 1)
  let pairs = 0
  for (let x = 0; x < order.length; x++) {
    const i = order[x]!
    const si = sets[i]!
    for (let y = x + 1; y < order.length; y++) {
      const j = order[y]!
      const sj = sets[j]!
      if (si.length < threshold * sj.length) break
      if (jaccard(si, sj) >= threshold) {
        pairs++
        duplicate[i] = 1
        duplicate[j] = 1
        uf.union(i, j)
      }
    }
  }
  const { keep } = resolve(uf.roots(n), new RankKeys("first"))
  const removed = new Uint8Array(n)
  for (let i = 0; i < n; i++) removed[i] = keep[i] === 1 ? 0 : 1
  return { duplicate, removed, pairs }
}

export interface Scores {
  /** Removed documents that truly have a partner at or above the threshold, over all removed. */
  readonly precision: number
  /** Removed true duplicates over the number a perfect run removes (one survivor per true component). */
  readonly recall: number
  readonly removed: number
  readonly shouldRemove: number
  /** Duplicate classification (in a cluster of two or more vs. has a partner), as text-dedup reports it. */
  readonly dupPrecision: number
  readonly dupRecall: number
}

export const score = (truth: Truth, predictedKeep: Uint8Array, predictedSize: Int32Array): Scores => {
  let removed = 0
  let removedTrue = 0
  let shouldRemove = 0
  let predDup = 0
  let predDupTrue = 0
  let trueDup = 0
  for (let i = 0; i < predictedKeep.length; i++) {
    if (truth.removed[i] === 1) shouldRemove++
    if (truth.duplicate[i] === 1) trueDup++
    if (predictedKeep[i] === 0) {
      removed++
      if (truth.duplicate[i] === 1) removedTrue++
    }
    if (predictedSize[i]! > 1) {
      predDup++
      if (truth.duplicate[i] === 1) predDupTrue++
    }
  }
  return {
    precision: removed === 0 ? 1 : removedTrue / removed,
    recall: shouldRemove === 0 ? 1 : Math.min(1, removedTrue / shouldRemove),
    removed,
    shouldRemove,
    dupPrecision: predDup === 0 ? 1 : predDupTrue / predDup,
    dupRecall: trueDup === 0 ? 1 : predDupTrue / trueDup
  }
}
