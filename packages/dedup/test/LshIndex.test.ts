import { describe, expect, it } from "vitest"
import { LshIndex } from "../src/LshIndex.ts"
import { UnionFind } from "../src/UnionFind.ts"

const sig = (values: ReadonlyArray<number>) => new Uint32Array(values)

describe("LshIndex", () => {
  it("reports the first document of each shared bucket (star edges), and grows", () => {
    const index = new LshIndex({ bands: 2, rows: 2 })
    const seen: Array<number> = []
    index.insert(0, sig([1, 2, 3, 4]), (d) => seen.push(d))
    index.insert(1, sig([1, 2, 9, 9]), (d) => seen.push(d))
    index.insert(2, sig([7, 7, 3, 4]), (d) => seen.push(d))
    expect(seen).toEqual([0, 0])
    for (let i = 3; i < 5000; i++) index.insert(i, sig([i, i + 1, i + 2, i + 3]), () => {})
    const found: Array<number> = []
    index.query(sig([1, 2, 0, 0]), (d) => found.push(d))
    expect(found).toEqual([0])
    expect(index.size).toBe(5000)
  })

  it("with chains, reports every bucket member", () => {
    const index = new LshIndex({ bands: 1, rows: 2, chains: true })
    for (let i = 0; i < 4; i++) index.insert(i, sig([5, 6]), () => {})
    const found: Array<number> = []
    index.query(sig([5, 6]), (d) => found.push(d))
    expect(found.sort()).toEqual([0, 1, 2, 3])
    const capped = new LshIndex({ bands: 1, rows: 2, chains: true, maxChain: 2 })
    for (let i = 0; i < 4; i++) capped.insert(i, sig([5, 6]), () => {})
    const recent: Array<number> = []
    capped.query(sig([5, 6]), (d) => recent.push(d))
    expect(recent).toEqual([3, 2])
  })
})

describe("UnionFind", () => {
  it("the root is the smallest id whatever the union order", () => {
    const uf = new UnionFind(2)
    uf.union(9, 4)
    uf.union(7, 9)
    uf.union(12, 3)
    uf.union(12, 7)
    expect(uf.find(9)).toBe(3)
    expect(Array.from(uf.roots(13))).toEqual([0, 1, 2, 3, 3, 5, 6, 3, 8, 3, 10, 11, 3])
    expect(uf.connected(4, 12)).toBe(true)
    expect(uf.connected(4, 5)).toBe(false)
  })
})
