import { describe, expect, it } from "vitest"
import { DataConstrained, Law, Presets } from "../src/index.ts"
import { expectRel, expectSig } from "./helpers.ts"

describe("DataConstrained", () => {
  it("reproduces the datablations README's Figure 1 models", () => {
    expect(DataConstrained.loss(Presets.muennighoff, 6.34e9, 242e9, 25e9)).toBeCloseTo(2.2256440889984477, 14)
    expect(DataConstrained.loss(Presets.muennighoff, 8.67e9, 178e9, 25e9)).toBeCloseTo(2.2269634075087867, 14)
  })

  it("optimal allocation of the 8.67B × 178B budget on 25B unique tokens: 227B tokens, 9.1 epochs, 6.8B parameters (README)", () => {
    const a = DataConstrained.optimalAllocation(Presets.muennighoff, 6 * 8.67e9 * 178e9, 25e9)
    expectSig(a.tokens, 227e9, 3)
    expectSig(a.epochs, 9.1, 2)
    expectSig(a.params, 6.8e9, 2)
    expect(a.loss).toBeLessThan(2.2256440889984477)
  })

  it("effective data saturates at U·(1 + R_D*) and equals D within one epoch", () => {
    const u = 1e9
    expect(DataConstrained.effectiveTokens(0.5e9, u)).toBe(0.5e9)
    expect(DataConstrained.effectiveTokens(u, u)).toBe(u)
    expectRel(DataConstrained.effectiveTokens(1e15, u), u * (1 + 15.387756), 1e-9)
    // four epochs are nearly as good as new data (Muennighoff et al. abstract): > 90 % of the value
    expect(DataConstrained.effectiveTokens(4 * u, u) / (4 * u)).toBeGreaterThan(0.9)
    expect(DataConstrained.effectiveTokens(40 * u, u) / (40 * u)).toBeLessThan(0.5)
  })

  it("loss with enough unique data is the plain law; excess parameters are worth less", () => {
    const law = Presets.muennighoff
    const a = Law.computeOptimal(law, 1e21)
    expectRel(DataConstrained.loss(law, a.params, a.tokens, a.tokens * 10), Law.loss(law, a.params, a.tokens), 1e-12)
    const u = a.tokens / 10
    expect(DataConstrained.effectiveParams(law, a.params, u)).toBeLessThan(a.params)
  })

  it("a target loss out of reach with the unique data is reported as such", () => {
    expect(DataConstrained.optimalForLoss(Presets.epoch, 2.3, 5e9)).toBeUndefined()
    expect(DataConstrained.tokensForLoss(Presets.epoch, 1e9, 2.3, 5e9)).toBe(Number.POSITIVE_INFINITY)
    const reachable = DataConstrained.optimalForLoss(Presets.epoch, 2.5, 5e9)!
    expect(reachable.loss).toBeCloseTo(2.5, 9)
    expect(reachable.epochs).toBeGreaterThan(1)
  })
})
