import { describe, expect, it } from "vitest"
import { estimateJaccard, MAX_HASH, MinHasher, permutations, permuteReference } from "../src/MinHash.ts"
import { jaccard, Shingler } from "../src/Shingle.ts"

/** Deterministic pseudo-random 32-bit values. */
const lcg = (seed: number) => () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0)

describe("MinHash", () => {
  const edge = [0, 1, 2, 255, 256, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]

  for (const backend of ["wasm", "js"] as const) {
    for (const numPerm of [256, 7]) {
      it(`${backend} backend, ${numPerm} permutations: every slot is ((a*x+b) mod (2^61-1)) & 0xFFFFFFFF, exactly`, () => {
        const hasher = new MinHasher({ numPerm, seed: 3, backend })
        const { a, b } = permutations(numPerm, 3)
        const next = lcg(11)
        const xs = [...edge, ...Array.from({ length: 200 }, next)]
        for (const x of xs) {
          const sig = hasher.signature([x])
          for (let j = 0; j < numPerm; j++) expect(sig[j]).toBe(permuteReference(a[j]!, b[j]!, x))
        }
        // the minimum over a set
        const set = new Uint32Array(xs)
        const sig = hasher.signature(set)
        for (let j = 0; j < numPerm; j++) {
          let min = MAX_HASH
          for (const x of xs) min = Math.min(min, permuteReference(a[j]!, b[j]!, x))
          expect(sig[j]).toBe(min)
        }
      })
    }
  }

  it("the wasm and js backends agree on real shingles", () => {
    const shingler = new Shingler()
    const text = "export function createServer(options, handler) { return new Server(options, handler).listen(8080) }".repeat(3)
    const w = new MinHasher({ backend: "wasm" }).signature(shingler.hashes(text))
    const j = new MinHasher({ backend: "js" }).signature(shingler.hashes(text))
    expect(Array.from(w)).toEqual(Array.from(j))
  })

  it("permutation parameters are seeded: same seed same parameters, another seed others", () => {
    const p1 = permutations(8, 42)
    expect(permutations(8, 42)).toEqual(p1)
    expect(permutations(8, 43).a).not.toEqual(p1.a)
    for (const a of p1.a) expect(a >= 1n && a < (1n << 61n) - 1n).toBe(true)
  })

  it("an empty set gives the all-MAX signature", () => {
    expect(Array.from(new MinHasher({ numPerm: 4 }).signature([]))).toEqual([MAX_HASH, MAX_HASH, MAX_HASH, MAX_HASH])
  })

  it("the equal-slot fraction estimates the Jaccard similarity", () => {
    const next = lcg(5)
    const common = Array.from({ length: 700 }, next)
    const a = new Uint32Array([...common, ...Array.from({ length: 150 }, next)]).sort()
    const b = new Uint32Array([...common, ...Array.from({ length: 150 }, next)]).sort()
    const truth = jaccard(a, b)
    const hasher = new MinHasher({ numPerm: 256 })
    const est = estimateJaccard(hasher.signature(a), hasher.signature(b))
    expect(truth).toBeCloseTo(0.7, 2)
    // standard error sqrt(J(1-J)/256) ~ 0.029: 4 sigma
    expect(Math.abs(est - truth)).toBeLessThan(0.12)
  })

  it("rejects a bad permutation count", () => {
    expect(() => new MinHasher({ numPerm: 0 })).toThrow(/numPerm/)
  })
})
