import { describe, expect, it } from "vitest"
import { candidateProbability, effectiveThreshold, optimal } from "../src/LshParams.ts"

describe("LshParams", () => {
  // the table in reference/dedup.md section 4 (datasketch's _optimal_param)
  const table: ReadonlyArray<readonly [number, number, number, number]> = [
    [0.7, 256, 25, 10],
    [0.7, 250, 25, 10],
    [0.7, 240, 24, 10],
    [0.7, 128, 14, 9],
    [0.8, 128, 9, 13],
    [0.85, 256, 13, 19],
    [0.9, 128, 5, 25],
    [0.5, 128, 25, 5]
  ]
  for (const [t, p, b, r] of table) {
    it(`threshold ${t}, ${p} permutations -> ${b} bands x ${r} rows`, () => {
      expect(optimal(t, p)).toEqual({ bands: b, rows: r })
    })
  }

  it("candidate probabilities of BigCode's 25 x 10", () => {
    expect(candidateProbability(0.7, 25, 10)).toBeCloseTo(0.511, 3)
    expect(candidateProbability(0.8, 25, 10)).toBeCloseTo(0.942, 3)
    expect(effectiveThreshold(25, 10)).toBeCloseTo(0.725, 3)
  })

  it("rejects a threshold outside (0, 1)", () => {
    expect(() => optimal(1.2, 128)).toThrow(/threshold/)
  })
})
