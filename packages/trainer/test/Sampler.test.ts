import { describe, expect, it } from "vitest"
import { argmax, Random, Sampler, SamplerOptionsError } from "../src/Sampler.ts"

const softmax = (logits: ArrayLike<number>, temperature = 1): Array<number> => {
  const max = Math.max(...Array.from(logits))
  const e = Array.from(logits, (l) => Math.exp((l - max) / temperature))
  const sum = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / sum)
}

const frequencies = (sampler: Sampler, logits: Float32Array, draws: number): Array<number> => {
  const counts = new Array<number>(logits.length).fill(0)
  for (let i = 0; i < draws; i++) counts[sampler.sample(logits)]!++
  return counts.map((c) => c / draws)
}

/** Logits of the given probabilities. */
const logitsOf = (probs: ReadonlyArray<number>): Float32Array => Float32Array.from(probs, (p) => Math.log(p))

/** The ids a nucleus of mass `p` keeps, by sorting everything (the definition). */
const nucleus = (probs: ReadonlyArray<number>, p: number): Set<number> => {
  const order = probs.map((q, i) => [q, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  const kept = new Set<number>()
  let mass = 0
  for (const [q, i] of order) {
    kept.add(i)
    mass += q
    if (mass >= p) break
  }
  return kept
}

describe("Random", () => {
  it("repeats the sequence of a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const r = new Random(seed)
      return Array.from({ length: 64 }, () => r.nextU32())
    }
    expect(draw(7)).toEqual(draw(7))
    expect(draw(7)).not.toEqual(draw(8))
    expect(draw(0)).not.toEqual(draw(2 ** 32))
    expect(draw(-1)).not.toEqual(draw(1))
  })

  it("is uniform on [0, 1)", () => {
    const r = new Random(1)
    const bins = new Array<number>(10).fill(0)
    const n = 100_000
    let outside = 0
    for (let i = 0; i < n; i++) {
      const u = r.uniform()
      if (!(u >= 0 && u < 1)) outside++
      else bins[Math.floor(u * 10)]!++
    }
    expect(outside).toBe(0)
    for (const b of bins) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.005)
  })
})

describe("Sampler", () => {
  it("is argmax at temperature 0, first index on ties", () => {
    const r = new Random(3)
    const sampler = new Sampler(100, { temperature: 0, topP: 0.5, topK: 7 })
    for (let t = 0; t < 50; t++) {
      const logits = Float32Array.from({ length: 100 }, () => r.uniform() * 10 - 5)
      const best = logits.indexOf(Math.max(...logits))
      expect(sampler.sample(logits)).toBe(best)
    }
    expect(sampler.sample(Float32Array.of(1, 3, 3, 2))).toBe(1)
    expect(argmax(Float32Array.of(NaN, -Infinity, -2, NaN))).toBe(2)
  })

  it("repeats its draws for a seed", () => {
    const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i))
    const run = (seed: number) => {
      const s = new Sampler(50, { temperature: 1.3, topK: 20, topP: 0.9, seed })
      return Array.from({ length: 200 }, () => s.sample(logits))
    }
    expect(run(42)).toEqual(run(42))
    expect(run(42)).not.toEqual(run(43))
  })

  it("draws in proportion to softmax(logits / temperature)", () => {
    const logits = Float32Array.of(2, 1, 0.5, 0, -1)
    for (const temperature of [1, 0.5, 2]) {
      const freq = frequencies(new Sampler(5, { temperature, seed: 1 }), logits, 40_000)
      softmax(logits, temperature).forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(0.012))
    }
  })

  it("top-k draws only the k most likely, renormalised", () => {
    const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1]
    const freq = frequencies(new Sampler(6, { topK: 3, seed: 2 }), logitsOf(probs), 40_000)
    expect(freq[0]).toBe(0)
    expect(freq[2]).toBe(0)
    expect(freq[5]).toBe(0)
    for (const i of [1, 3, 4]) expect(Math.abs(freq[i]! - probs[i]! / 0.75)).toBeLessThan(0.012)
  })

  it("top-p draws only the nucleus, renormalised", () => {
    const probs = [0.15, 0.5, 0.05, 0.3]
    const sample = (topP: number) => frequencies(new Sampler(4, { topP, seed: 3 }), logitsOf(probs), 30_000)
    const a = sample(0.75) // 0.5 + 0.3 reaches it
    expect([a[0], a[2]]).toEqual([0, 0])
    expect(Math.abs(a[1]! - 0.5 / 0.8)).toBeLessThan(0.012)
    const b = sample(0.85) // needs 0.15 as well
    expect(b[2]).toBe(0)
    expect(Math.abs(b[0]! - 0.15 / 0.95)).toBeLessThan(0.012)
    const c = sample(0) // only the most likely
    expect(c[1]).toBe(1)
  })

  it("top-p over a large vocabulary keeps exactly the nucleus", () => {
    const raw = Array.from({ length: 2000 }, (_, i) => 1 + ((i * 7) % 13))
    const sum = raw.reduce((a, b) => a + b, 0)
    const probs = raw.map((v) => v / sum)
    const logits = logitsOf(probs)
    for (const topP of [0.3, 0.8]) {
      const kept = nucleus(probs, topP)
      const seen = new Set<number>()
      const sampler = new Sampler(2000, { topP, seed: 5 })
      for (let i = 0; i < 30_000; i++) seen.add(sampler.sample(logits))
      for (const id of seen) expect(kept.has(id)).toBe(true)
      // Every kept id shows up, the least likely of them included.
      expect(seen.size).toBe(kept.size)
    }
  })

  it("applies top-k before top-p", () => {
    // top-k 3 renormalises {0.4, 0.3, 0.2} to {0.44, 0.33, 0.22}; top-p 0.7 then keeps two of them
    const probs = [0.4, 0.3, 0.2, 0.1]
    const freq = frequencies(new Sampler(4, { topK: 3, topP: 0.7, seed: 4 }), logitsOf(probs), 20_000)
    expect([freq[2], freq[3]]).toEqual([0, 0])
    expect(Math.abs(freq[0]! - 4 / 7)).toBeLessThan(0.015)
  })

  it("never draws masked tokens", () => {
    const logits = Float32Array.of(-Infinity, 0, NaN, 0, -Infinity)
    const freq = frequencies(new Sampler(5, { seed: 6 }), logits, 2000)
    expect([freq[0], freq[2], freq[4]]).toEqual([0, 0, 0])
    expect(new Sampler(3).sample(Float32Array.of(0, Infinity, 1))).toBe(1)
    const topK = frequencies(new Sampler(5, { topK: 3, seed: 6 }), Float32Array.of(NaN, 1, -Infinity, 1, 0.5), 3000)
    expect([topK[0], topK[2]]).toEqual([0, 0])
    expect(topK[4]).toBeGreaterThan(0.15)
    expect(new Sampler(3, { topK: 2 }).sample(Float32Array.of(NaN, -Infinity, NaN))).toBe(0)
  })

  it("draws only ids below the given size", () => {
    const logits = Float32Array.of(0, 1, 0.5, 9, 9)
    expect(new Sampler(5, { temperature: 0 }).sample(logits, 3)).toBe(1)
    for (const options of [{}, { topK: 2 }, { topP: 0.9 }]) {
      const freq = frequencies(new Sampler(5, { ...options, seed: 8 }), logits, 2000)
      const capped = new Sampler(5, { ...options, seed: 8 })
      const seen = new Set(Array.from({ length: 2000 }, () => capped.sample(logits, 3)))
      expect(freq[3]! + freq[4]!).toBeGreaterThan(0.9)
      expect([...seen].every((id) => id < 3)).toBe(true)
    }
  })

  it("rejects options out of range", () => {
    expect(() => new Sampler(4, { temperature: -1 })).toThrow(SamplerOptionsError)
    expect(() => new Sampler(4, { topK: 1.5 })).toThrow(/topK/)
    expect(() => new Sampler(4, { topP: 1.2 })).toThrow(/topP/)
    expect(() => new Sampler(4, { seed: 0.5 })).toThrow(/seed/)
  })
})
