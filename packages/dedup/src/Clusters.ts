/**
 * From union-find roots to the per-document result: cluster id (the first document of the
 * cluster in input order), cluster size, and whether the document survives (one survivor per
 * cluster, by {@link Survivor.RankKeys}).
 *
 * @since 0.1.0
 */
import type { RankKeys } from "./Survivor.ts"

/** @since 0.1.0 @category models */
export interface Resolution {
  /** Cluster id of each document: the smallest document id of its cluster. */
  readonly cluster: Int32Array
  /** Size of each document's cluster (1 for a unique document). */
  readonly size: Int32Array
  /** 1 where the document is kept. */
  readonly keep: Uint8Array
  /** Documents. */
  readonly documents: number
  /** Clusters with more than one document. */
  readonly duplicateClusters: number
  /** Documents removed (every member of a cluster but its survivor). */
  readonly removed: number
}

/**
 * Resolve clusters and survivors from each document's root.
 *
 * @since 0.1.0 @category constructors
 */
export const resolve = (roots: Int32Array, ranks: RankKeys): Resolution => {
  const n = roots.length
  const size = new Int32Array(n)
  const best = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) {
    const r = roots[i]!
    size[r]!++
    const b = best[r]!
    if (b === -1 || ranks.better(i, b)) best[r] = i
  }
  const keep = new Uint8Array(n)
  const docSize = new Int32Array(n)
  let duplicateClusters = 0
  let removed = 0
  for (let i = 0; i < n; i++) {
    const r = roots[i]!
    docSize[i] = size[r]!
    if (best[r] === i) {
      keep[i] = 1
      if (size[r]! > 1) duplicateClusters++
    } else removed++
  }
  return { cluster: roots, size: docSize, keep, documents: n, duplicateClusters, removed }
}
