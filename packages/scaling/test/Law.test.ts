import { describe, expect, it } from "vitest"
import { Law, Presets } from "../src/index.ts"
import { expectRel, expectSig } from "./helpers.ts"

describe("Law", () => {
  it("loss of 70B on 1T tokens is 1.947 with the beyond-chinchilla constants (Sardana et al. README)", () => {
    expectSig(Law.loss(Presets.beyondChinchilla, 70e9, 1e12), 1.947)
  })

  it("a Chinchilla-optimal 30B model: 1.556e12 tokens, loss 1.958253360475841, 2.801e23 FLOPs (cost_calculator.py output)", () => {
    const a = Law.optimalForParams(Presets.beyondChinchilla, 30e9)
    expectSig(a.tokens, 1.556e12)
    expect(a.loss).toBeCloseTo(1.958253360475841, 13)
    expectSig(a.flops, 2.801e23)
    expectSig(a.flops + 2 * a.params * 1e9 * 600, 3.161e23)
  })

  it("presets hold the published constants", () => {
    expect(Presets.chinchilla).toEqual({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 })
    expectSig(Presets.chinchillaUnrounded.A, 406.4)
    expectSig(Presets.chinchillaUnrounded.B, 410.7)
    expectSig(Presets.chinchillaUnrounded.E, 1.693)
    expectSig(Presets.epoch.A, 482.0)
    expectSig(Presets.epoch.B, 2085)
    expectSig(Presets.epoch.E, 1.817)
    expectSig(Presets.muennighoff.A, 520.8)
    expectSig(Presets.muennighoff.B, 1488)
    expectSig(Presets.muennighoff.E, 1.869)
    expect(Presets.byName("beyond-chinchilla")?.law).toBe(Presets.beyondChinchilla)
    expect(Presets.byName("nope")).toBeUndefined()
    expect(Presets.presetNames).toEqual(["chinchilla", "chinchilla-unrounded", "epoch", "beyond-chinchilla", "muennighoff"])
  })

  it("compute-optimal allocation satisfies C = 6ND and the optimality condition alpha·A/N^alpha = beta·B/D^beta", () => {
    for (const law of [Presets.chinchilla, Presets.epoch, Presets.chinchillaUnrounded]) {
      for (const c of [1e18, 1e21, 1e25]) {
        const a = Law.computeOptimal(law, c)
        expectRel(6 * a.params * a.tokens, c, 1e-12)
        expectRel(law.alpha * law.A * a.params ** -law.alpha, law.beta * law.B * a.tokens ** -law.beta, 1e-10)
        // it is the minimum along the iso-FLOP line
        for (const m of [0.9, 1.1]) expect(Law.loss(law, a.params * m, c / (6 * a.params * m))).toBeGreaterThan(a.loss)
        expectRel(Law.optimalLoss(law, c), a.loss, 1e-12)
      }
    }
  })

  it("exponents: a = beta/(alpha+beta) is 0.4516 for the printed constants and 0.513 for Epoch's (Epoch notebook: 0.513)", () => {
    expectSig(Law.computeExponents(Presets.chinchilla).a, 0.4516)
    expectSig(Law.computeExponents(Presets.epoch).a, 0.513, 3)
  })

  it("Epoch's fit gives about 20 tokens per parameter at Chinchilla's budget; the TeX constants give about 73 (Epoch notebook: 72.87)", () => {
    const c = 6 * 70e9 * 1.4e12
    const epoch = Law.computeOptimal(Presets.epoch, c)
    expect(epoch.tokens / epoch.params).toBeGreaterThan(18)
    expect(epoch.tokens / epoch.params).toBeLessThan(26)
    // Epoch's notebook evaluates the TeX constants' G with a = 0.4545 (Table 2's interval midpoint): 72.87
    const g = Law.G(Presets.chinchillaUnrounded)
    const a = (0.454 + 0.455) / 2
    const ratio = (g ** -1 * (c / 6) ** (1 - a)) / (g * (c / 6) ** a)
    expectRel(ratio, 72.87, 0.01)
  })

  it("inverses round-trip", () => {
    const law = Presets.epoch
    const a = Law.computeOptimal(law, 3e22)
    expectRel(Law.flopsForLoss(law, a.loss), 3e22, 1e-10)
    const byLoss = Law.optimalForLoss(law, a.loss)
    expectRel(byLoss.params, a.params, 1e-9)
    expectRel(byLoss.tokens, a.tokens, 1e-9)
    expectRel(Law.optimalForTokens(law, a.tokens).params, a.params, 1e-9)
    expectRel(Law.tokensForLoss(law, a.params, a.loss), a.tokens, 1e-9)
    expectRel(Law.paramsForLoss(law, a.tokens, a.loss), a.params, 1e-9)
    expect(Law.flopsForLoss(law, law.E)).toBeNaN()
    expect(Law.tokensForLoss(law, 1e6, 2.0)).toBeNaN() // a 1M model never reaches 2.0
  })
})
