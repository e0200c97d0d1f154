import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as CC from "../src/internal/components.ts"
import { decode } from "../src/internal/spill.ts"
import { UnionFind } from "../src/UnionFind.ts"
import { tempDir } from "./support/files.ts"

/** Write a task's files as the executor would. */
const write = (dir: string, rank: number, files: ReadonlyArray<CC.FileOut>) => {
  fs.mkdirSync(dir, { recursive: true })
  for (const f of files) fs.writeFileSync(path.join(dir, f.name(rank)), f.data)
}

/**
 * Run the sharded clustering over `edges` (pairs of ids < n) with `parts` partitions, task by task
 * in rounds as the stages do, leaving out rounds after convergence; returns every id's root, the
 * rounds run and the largest number of message records any task read in one round.
 */
const sharded = (n: number, edges: ReadonlyArray<readonly [number, number]>, parts: number, edgeFiles = 3) => {
  const dir = tempDir("cc-")
  const buckets = path.join(dir, "buckets")
  const layout = new CC.Layout(Uint32Array.from([0, n]), parts)
  write(buckets, 0, [CC.encodeLayout([0, n])])
  for (let t = 0; t < edgeFiles; t++) {
    const mine = edges.filter((_, i) => i % edgeFiles === t).map(([a, b]) => a < b ? [a, b] : [b, a])
    write(buckets, t, CC.splitEdges(Uint32Array.from(mine.flat()), mine.length, layout))
  }
  const J = parts <= 1 ? 1 : Math.ceil(Math.log2(parts)) + 2
  const link = Array.from({ length: parts }, (_, k) => path.join(dir, `link-${k}`))
  const ask = Array.from({ length: J }, (_, j) => path.join(dir, `ask-${j}`))
  const answer = Array.from({ length: J - 1 }, (_, j) => path.join(dir, `answer-${j}`))
  let linkRounds = 0
  let maxShare = 0
  for (let k = 0; k < parts; k++) {
    if (k > 0 && CC.roundSent(link[k - 1]!, parts) === 0) break
    for (let q = 0; q < parts; q++) write(link[k]!, q, CC.linkRound(layout, buckets, edgeFiles, k === 0 ? undefined : link[k - 1], q))
    linkRounds++
    // bounded by the partition: a sender's messages to a partition name each of its ids at most once
    for (const f of fs.readdirSync(link[k]!).filter((f) => f.startsWith("msg-"))) {
      const d = Number(/msg-d(\d+)/.exec(f)![1])
      const count = decode(path.join(link[k]!, f), "PDCM").header[0]!
      maxShare = Math.max(maxShare, count / Math.max(1, layout.lo(d + 1) - layout.lo(d)))
    }
  }
  let askRounds = 0
  for (let j = 0; j < J; j++) {
    if (j > 0 && CC.roundSent(ask[j - 1]!, parts) === 0) break
    if (j > 0) for (let s = 0; s < parts; s++) write(answer[j - 1]!, s, CC.answerRound(layout, link, ask[j - 1]!, s))
    for (let q = 0; q < parts; q++) write(ask[j]!, q, CC.askRound(layout, link, j === 0 ? undefined : { ask: ask[j - 1]!, answer: answer[j - 1]! }, q))
    askRounds++
  }
  const roots = new Uint32Array(n)
  for (let q = 0; q < parts; q++) {
    const { lo, roots: r } = CC.finalRoots(layout, link, ask, q)
    roots.set(r, lo)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  expect(maxShare).toBeLessThanOrEqual(1)
  return { roots, linkRounds, askRounds }
}

const reference = (n: number, edges: ReadonlyArray<readonly [number, number]>) => {
  const uf = new UnionFind(n)
  uf.add(n - 1)
  for (const [a, b] of edges) uf.union(a, b)
  return Uint32Array.from(uf.roots(n))
}

/** A deterministic permutation of 0..n-1. */
const shuffle = (n: number, seed: number) => {
  const p = Array.from({ length: n }, (_, i) => i)
  let s = seed
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const j = s % (i + 1)
    ;[p[i], p[j]] = [p[j]!, p[i]!]
  }
  return p
}

describe("sharded connected components", () => {
  it("a long chain through every partition, in the worst id order, gives one union-find's roots within the round bounds", () => {
    const n = 600
    for (const parts of [1, 2, 5, 8]) {
      // ids interleaved across partitions: consecutive chain links jump between partitions
      const order = shuffle(n, 7)
      const chain = Array.from({ length: n - 1 }, (_, i) => [order[i]!, order[i + 1]!] as const)
      const { roots, linkRounds, askRounds } = sharded(n, chain, parts)
      expect(Array.from(roots)).toEqual(Array.from(reference(n, chain)))
      expect(new Set(roots).size).toBe(1)
      expect(linkRounds).toBeLessThanOrEqual(parts)
      expect(askRounds).toBeLessThanOrEqual(parts <= 1 ? 1 : Math.ceil(Math.log2(parts)) + 2)
      // a chain in id order: partitions link to their neighbour once; pointer doubling does the rest
      const ordered = Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const)
      const plain = sharded(n, ordered, parts)
      expect(plain.roots.every((r) => r === 0)).toBe(true)
      expect(plain.linkRounds).toBe(1)
    }
  })

  it("stars spanning every partition (centre the smallest or the largest id), pairs and singletons", () => {
    const n = 500
    const parts = 4
    const edges: Array<readonly [number, number]> = []
    for (let i = 0; i < n; i += 5) edges.push([3, i + 3 < n ? i + 3 : 3]) // centre 3, leaves everywhere
    for (let i = 1; i < n - 1; i += 7) edges.push([n - 1, i]) // centre n-1 (largest id), leaves everywhere
    edges.push([10, 11], [250, 499 - 250])
    const filtered = edges.filter(([a, b]) => a !== b)
    const { roots } = sharded(n, filtered, parts)
    expect(Array.from(roots)).toEqual(Array.from(reference(n, filtered)))
  })

  it("random graphs, any partition count", () => {
    for (const [n, m, parts, seed] of [[300, 250, 3, 1], [1000, 900, 7, 2], [64, 200, 16, 3], [5, 3, 8, 4]] as const) {
      const edges: Array<readonly [number, number]> = []
      let s = seed
      for (let i = 0; i < m; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0
        const a = s % n
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0
        const b = s % n
        if (a !== b) edges.push([a, b])
      }
      expect(Array.from(sharded(n, edges, parts).roots)).toEqual(Array.from(reference(n, edges)))
    }
  })
})
