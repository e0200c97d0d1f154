import { describe, expect, it } from "vitest"
import { Kaplan } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

describe("Kaplan", () => {
  it("alpha_C^min = 1/(1/0.76 + 1/0.21 + 1/0.076) ≈ 0.052 (eq. B.7)", () => {
    expect(Kaplan.alphaCmin().toFixed(3)).toBe("0.052")
  })

  it("the critical batch falls as L^-4.76 (eq. 1.4)", () => {
    expectRel(Kaplan.criticalBatch(2) / Kaplan.criticalBatch(4), 2 ** 4.762, 1e-3)
    expect(Kaplan.criticalBatch(1)).toBe(2e8)
    expect(Kaplan.criticalBatch(1, 2.1e8)).toBe(2.1e8)
  })

  it("laws at their scale constants equal one, and L(N, D) tends to L(N) with infinite data", () => {
    expect(Kaplan.lossOfParams(8.8e13)).toBe(1)
    expect(Kaplan.lossOfTokens(5.4e13)).toBe(1)
    expect(Kaplan.lossOfCompute(3.1e8)).toBe(1)
    expectRel(Kaplan.loss(1e9, 1e30), (6.4e13 / 1e9) ** 0.076, 1e-9)
  })

  it("the L(N, D) frontier is the minimum along the iso-FLOP line and grows N faster than D (Kaplan: N ∝ C^0.73)", () => {
    const f = Kaplan.frontier(1e21)
    for (const m of [0.9, 1.1]) expect(Kaplan.loss(f.params * m, 1e21 / (6 * f.params * m))).toBeGreaterThan(f.loss)
    const g = Kaplan.frontier(1e23)
    expect(Math.log(g.params / f.params) / Math.log(100)).toBeGreaterThan(0.5)
    const t = Kaplan.optimal(1)
    expect(t.params).toBe(1.3e9)
    expect(t.tokens).toBe(2e10)
    expectRel(Kaplan.totalParams(1e9), 1e9 + 47491 * 1000, 1e-12)
  })
})
