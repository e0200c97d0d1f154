import { describe, expect, it } from "vitest"
import { PackOptionsError } from "../src/Errors.ts"
import { Rng } from "../src/internal/rng.ts"
import * as Packer from "../src/Packer.ts"

const PAD = 9999

/** Documents with distinct token values so each can be found again: doc d = [d*1000+0, d*1000+1, ...]. */
const docs = (n: number, maxLen: number, seed = 1): Array<Uint32Array> => {
  const rng = Rng.of(seed, "docs")
  return Array.from({ length: n }, (_, d) => {
    const len = 1 + rng.int(rng.chance(0.1) ? maxLen * 3 : maxLen)
    return Uint32Array.from({ length: len }, (_, i) => 100_000 + d * 10_000 + i)
  })
}

const collect = (mode: Packer.Mode, input: ReadonlyArray<Uint32Array>, seqLen: number, windowTokens?: number) => {
  const seqs: Array<{ tokens: Array<number>; boundaries: Array<number> }> = []
  const packer = Packer.make(mode, { seqLen, pad: PAD, windowTokens }, (t, b) => seqs.push({ tokens: Array.from(t), boundaries: Array.from(b) }))
  for (const d of input) packer.add(d)
  packer.finish()
  return { seqs, stats: packer.stats }
}

const docOf = (token: number) => Math.floor((token - 100_000) / 10_000)

describe("concat packing", () => {
  it("keeps every token in order, cuts every L tokens, marks document starts", () => {
    const input = docs(300, 90)
    const { seqs, stats } = collect("concat", input, 128)
    for (const s of seqs) expect(s.tokens.length).toBe(128)
    const all = seqs.flatMap((s) => s.tokens.slice(0, s.boundaries.at(-1)))
    expect(all).toEqual(input.flatMap((d) => Array.from(d)))
    for (const s of seqs) {
      const b = s.boundaries
      expect(b[0]).toBe(0)
      for (let k = 1; k < b.length - 1; k++) expect(s.tokens[b[k]!]! % 10_000).toBe(0) // a document's first token
      for (let k = 0; k + 1 < b.length; k++) {
        const seg = s.tokens.slice(b[k], b[k + 1])
        expect(new Set(seg.map(docOf)).size).toBe(1) // one document per segment
      }
    }
    const total = input.reduce((n, d) => n + d.length, 0)
    expect(stats.tokens).toBe(total)
    expect(stats.sequences).toBe(Math.ceil(total / 128))
    expect(stats.paddingTokens).toBe(stats.sequences * 128 - total)
    expect(stats.documents).toBe(300)
    const split = new Set<number>()
    const seen = new Map<number, number>()
    seqs.forEach((s, i) => {
      for (const t of s.tokens) if (t !== PAD) {
        const d = docOf(t)
        if (seen.has(d) && seen.get(d) !== i) split.add(d)
        seen.set(d, i)
      }
    })
    expect(stats.documentsSplit).toBe(split.size)
  })
})

describe("best-fit packing", () => {
  for (const window of [undefined, 2000]) {
    it(`splits no document of at most L tokens, keeps every document whole or in full chunks (window ${window ?? "default"})`, () => {
      const L = 128
      const input = docs(500, 100, 3)
      const { seqs, stats } = collect("best-fit", input, L, window)
      const pieces = new Map<number, Array<Array<number>>>()
      for (const s of seqs) {
        expect(s.tokens.length).toBe(L)
        const b = s.boundaries
        const end = b.at(-1)!
        for (let i = end; i < L; i++) expect(s.tokens[i]).toBe(PAD)
        for (let k = 0; k + 1 < b.length; k++) {
          const seg = s.tokens.slice(b[k], b[k + 1])
          const d = docOf(seg[0]!)
          expect(seg.every((t) => docOf(t) === d)).toBe(true)
          pieces.set(d, [...(pieces.get(d) ?? []), seg])
        }
      }
      let split = 0
      input.forEach((doc, d) => {
        const got = pieces.get(d)!
        if (doc.length <= L) expect(got).toEqual([Array.from(doc)])
        else {
          split++
          // full L chunks plus the remainder, reassembling the document in order
          const sorted = [...got].sort((x, y) => x[0]! - y[0]!)
          expect(sorted.flat()).toEqual(Array.from(doc))
          expect(sorted.filter((p) => p.length === L).length).toBe(Math.floor(doc.length / L))
        }
      })
      expect(stats.documentsSplit).toBe(split)
      expect(stats.tokens).toBe(input.reduce((n, d) => n + d.length, 0))
      expect(stats.paddingTokens).toBe(stats.sequences * L - stats.tokens)
      expect(Packer.paddingFraction(stats)).toBeCloseTo(stats.paddingTokens / (stats.sequences * L), 12)
    })
  }

  it("fills sequences tightly when small documents are plentiful (best fit decreasing)", () => {
    const L = 256
    const input = docs(2000, 60, 4).map((d) => d.subarray(0, Math.min(d.length, 200)))
    const best = collect("best-fit", input, L).stats
    expect(Packer.paddingFraction(best)).toBeLessThan(0.01)
    expect(best.documentsSplit).toBe(0)
  })

  it("leaves the pieces of sequences that need padding for a second packer over several packers' leftovers", () => {
    const L = 128
    const parts = [docs(200, 100, 5), docs(200, 100, 6)]
    const firstPass: Array<Array<number>> = []
    const leftovers: Array<Uint32Array> = []
    const totals = Packer.emptyStats()
    for (const input of parts) {
      const packer = new Packer.BestFitPacker({ seqLen: L, pad: PAD }, (t) => firstPass.push(Array.from(t)))
      for (const d of input) packer.add(d)
      packer.finishWithLeftovers((piece) => leftovers.push(piece.slice()))
      Packer.addStats(totals, packer.stats)
    }
    expect(firstPass.every((t) => !t.includes(PAD))).toBe(true) // only full sequences in the first pass
    const second: Array<Array<number>> = []
    const merger = new Packer.BestFitPacker({ seqLen: L, pad: PAD }, (t) => second.push(Array.from(t)))
    for (const p of leftovers) merger.addPiece(p)
    merger.finish()
    expect(merger.stats.documents).toBe(0)
    Packer.addStats(totals, merger.stats)
    const all = [...parts[0]!, ...parts[1]!]
    expect(totals.documents).toBe(400)
    expect(totals.tokens).toBe(all.reduce((n, d) => n + d.length, 0))
    expect(totals.sequences).toBe(firstPass.length + second.length)
    const real = [...firstPass, ...second].flat().filter((t) => t !== PAD).sort((a, b) => a - b)
    expect(real).toEqual(all.flatMap((d) => Array.from(d)).sort((a, b) => a - b))
    expect(totals.paddingTokens).toBe(totals.sequences * L - totals.tokens)
    expect(() => merger.addPiece(new Uint32Array(L + 1))).toThrow(PackOptionsError)
  })

  it("rejects a bad sequence length", () => {
    expect(() => Packer.make("best-fit", { seqLen: 0, pad: 0 }, () => {})).toThrow(PackOptionsError)
  })
})
