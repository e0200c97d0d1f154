import { describe, expect, it } from "vitest"
import { InferenceAware, Law, Presets } from "../src/index.ts"
import { expectRel, expectSig } from "./helpers.ts"

describe("InferenceAware", () => {
  it("loss 1.947 with 2T inference tokens: 2.418e10 params, 2.657e12 tokens; 70.96 %, 146.77 %, 95.22 % (compute_optimal.py README output)", () => {
    const p = InferenceAware.optimalForLoss(Presets.beyondChinchilla, 1.947, 2e12)
    expectSig(p.optimal.params, 2.418e10)
    expectSig(p.optimal.tokens, 2.657e12)
    expect((100 * p.paramsRatio).toFixed(2)).toBe("70.96")
    expect((100 * p.tokensRatio).toFixed(2)).toBe("146.77")
    expect((100 * p.flopsRatio).toFixed(2)).toBe("95.22")
    expect(p.optimal.loss).toBe(1.947)
    expectRel(Law.loss(Presets.beyondChinchilla, p.optimal.params, p.optimal.tokens), 1.947, 1e-12)
  })

  it("without inference the optimum is the Chinchilla model; more inference means smaller and longer-trained", () => {
    const law = Presets.epoch
    const none = InferenceAware.optimalForLoss(law, 2.2, 0)
    expectRel(none.optimal.params, none.chinchilla.params, 1e-8)
    let previous = none.optimal.params
    for (const t of [1e11, 1e12, 1e13, 1e14]) {
      const p = InferenceAware.optimalForLoss(law, 2.2, t)
      expect(p.optimal.params).toBeLessThan(previous)
      expect(p.tokensRatio).toBeGreaterThan(1)
      expect(p.flopsRatio).toBeLessThanOrEqual(1)
      previous = p.optimal.params
    }
  })

  it("the optimum minimises training + inference FLOPs along the iso-loss curve", () => {
    const law = Presets.chinchilla
    const p = InferenceAware.optimalForLoss(law, 2.0, 5e12)
    const cost = (n: number) => {
      const d = Law.tokensForLoss(law, n, 2.0)
      return 6 * n * d + 2 * n * 5e12
    }
    for (const m of [0.97, 1.03]) expect(cost(p.optimal.params * m)).toBeGreaterThan(p.optimal.totalFlops)
    expect(InferenceAware.optimalTrainingTokens(law, 1.5, 1e12)).toBeNaN()
  })
})
