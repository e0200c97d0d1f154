import * as fs from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"
import { Fit, Law, Runs } from "../src/index.ts"
import type { FitResult, Run } from "../src/index.ts"
import { expectRel, sharedData } from "./helpers.ts"

describe("Fit on synthetic runs with known constants", () => {
  const truth = { E: 1.9, A: 500, B: 1500, alpha: 0.33, beta: 0.36 }
  const runs: Array<Run> = []
  for (const n of [5e7, 1e8, 3e8, 1e9, 3e9]) {
    for (const tpp of [5, 10, 20, 40, 80]) runs.push({ params: n, tokens: n * tpp, loss: Law.loss(truth, n, n * tpp) })
  }
  const small = { a: [5, 10], b: [5, 10], e: [0, 0.5], alpha: [0.5], beta: [0.5] }

  it("recovers the constants from exact losses", () => {
    const fit = Fit.fitLaw(runs, { grid: small })
    expect(fit.converged).toBe(true)
    expect(fit.starts).toBe(8)
    expectRel(fit.law.E, truth.E, 1e-4)
    expectRel(fit.law.alpha, truth.alpha, 1e-3)
    expectRel(fit.law.beta, truth.beta, 1e-3)
    expectRel(fit.law.A, truth.A, 1e-2)
    expectRel(fit.law.B, truth.B, 1e-2)
    expect(fit.objective).toBeLessThan(1e-12)
  })

  it("Huber is quadratic inside delta and linear outside", () => {
    expect(Fit.huber(5e-4, 1e-3)).toBeCloseTo(0.5 * 25e-8, 20)
    expect(Fit.huber(-3e-3, 1e-3)).toBeCloseTo(1e-3 * (3e-3 - 5e-4), 20)
  })

  it("bootstrap intervals of noiseless data are tight around the truth", () => {
    const fit = Fit.fitLaw(runs, { grid: small, bootstrap: 30, seed: 7 })
    expect(fit.ci!.alpha[0]).toBeLessThanOrEqual(truth.alpha + 1e-3)
    expect(fit.ci!.alpha[1]).toBeGreaterThanOrEqual(truth.alpha - 1e-3)
    expect(fit.ci!.E[1] - fit.ci!.E[0]).toBeLessThan(0.01)
  })
})

describe("Fit on the Chinchilla points extracted by Epoch AI", () => {
  let all: Array<Run>
  let fit: FitResult
  beforeAll(() => {
    all = Runs.parseRunsCsv(fs.readFileSync(sharedData("chinchilla_epoch_svg_extracted.csv"), "utf8"), "svg_extracted_data.csv")
    // Chinchilla's full recipe: 4500 starts; Epoch's bootstrap draws 4000, 150 are enough to check the intervals
    fit = Fit.fitLaw(all, { excludeHighestLoss: 5, bootstrap: 150, seed: 42 })
  })

  it("reads 245 runs with tokens = FLOP/(6N), and drops the 5 of highest loss like Epoch", () => {
    expect(all.length).toBe(245)
    expectRel(all[0]!.tokens, 2.451060e8, 1e-6)
    expect(fit.runs).toBe(240)
    expect(fit.starts).toBe(4500)
    expect(fit.converged).toBe(true)
  })

  it("matches Epoch's replication of Chinchilla's recipe: A 477.84, B 2143.9, E 1.8172, alpha 0.3473, beta 0.3672", () => {
    // data_analysis.ipynb "Replicate exactly": A=477.84, B=2143.86, E=1.817236, alpha=0.347313, beta=0.367183, objective 0.0010182740
    expectRel(fit.law.A, 477.84, 2e-3)
    expectRel(fit.law.B, 2143.86, 2e-3)
    expectRel(fit.law.E, 1.817236, 1e-4)
    expectRel(fit.law.alpha, 0.347313, 1e-3)
    expectRel(fit.law.beta, 0.367183, 1e-3)
    expect(fit.objective).toBeLessThanOrEqual(0.0010182740346154362)
    expectRel(fit.objective, 0.0010182740, 1e-7)
  })

  it("lands within Epoch's published 95% intervals", () => {
    const epoch = { A: [285.214, 743.626], B: [1042.357, 5810.344], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] } as const
    for (const key of Fit.lawKeys) {
      expect(fit.law[key]).toBeGreaterThan(epoch[key][0])
      expect(fit.law[key]).toBeLessThan(epoch[key][1])
    }
  })

  it("its bootstrap intervals agree with Epoch's (4000 resamples) to within their sampling error", () => {
    const epoch = { A: [285.214, 743.626], B: [1042.357, 5810.344], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] } as const
    for (const key of Fit.lawKeys) {
      const [lo, hi] = fit.ci![key]
      const width = epoch[key][1] - epoch[key][0]
      expect(Math.abs(lo - epoch[key][0])).toBeLessThan(0.25 * width)
      expect(Math.abs(hi - epoch[key][1])).toBeLessThan(0.25 * width)
    }
    // Epoch's a = beta/(alpha+beta): 0.513 (se 0.020)
    expect(fit.ci!.a[0]).toBeLessThan(0.513)
    expect(fit.ci!.a[1]).toBeGreaterThan(0.513)
  })

  it("scores Chinchilla's printed constants far worse than the fit on the same data", () => {
    const runs = Fit.excludeHighestLoss(all, 5)
    expect(Fit.objectiveOf({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }, runs)).toBeGreaterThan(1.5 * fit.objective)
    expectRel(Fit.objectiveOf(fit.law, runs), fit.objective, 1e-9)
  })
})

describe("Fit input checks", () => {
  it("needs six runs of positive numbers", () => {
    const run = { params: 1e8, tokens: 2e9, loss: 3 }
    expect(() => Fit.fitLaw([run, run, run])).toThrow("3 runs; fitting five constants needs at least 6")
    expect(() => Fit.fitLaw([run, { ...run, loss: Number.NaN }])).toThrow("run 1: loss must be a positive number, got NaN")
  })
})
