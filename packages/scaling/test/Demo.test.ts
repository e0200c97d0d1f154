import { describe, expect, it } from "vitest"
import { Demo, Law, Presets } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

describe("Demo", () => {
  it("plans four budgets around the one for which the corpus is Chinchilla-sized", () => {
    const plans = Demo.demoPlans(3e9)
    expect(plans.length).toBe(4)
    expectRel(plans[1]!.tokens, 3e9, 1e-6)
    expectRel(plans[1]!.flops, Law.optimalForTokens(Presets.muennighoff, 3e9).flops, 1e-9)
    expect(plans[3]!.epochs).toBeGreaterThan(4)
    expect(plans[3]!.loss).toBeLessThan(plans[3]!.chinchilla.loss)
  })

  it("prints a few lines", () => {
    const text = Demo.scalingSummary(3e9)
    const lines = text.split("\n")
    expect(lines[0]).toBe("Scaling plan for 3.000e+9 unique tokens (preset muennighoff; repeated data per Muennighoff et al. 2023):")
    expect(lines.length).toBe(7) // header, table header, four budgets, the note on the 48M model below the fitted range
    expect(Demo.scalingSummary(12e6)).toContain("extrapolation")
    expect(Demo.scalingSummary(0)).toContain("no tokens")
  })
})
