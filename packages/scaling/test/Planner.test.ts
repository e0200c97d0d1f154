import { describe, expect, it } from "vitest"
import { DataConstrained, InferenceAware, Law, PlanError, Planner, Presets } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

describe("Planner", () => {
  it("with only a budget it is the compute-optimal allocation of the preset", () => {
    const p = Planner.plan({ flops: 1e21, preset: "chinchilla" })
    const a = Law.computeOptimal(Presets.chinchilla, 1e21)
    expectRel(p.params, a.params, 1e-12)
    expectRel(p.tokens, a.tokens, 1e-12)
    expect(p.epochs).toBe(1)
    expect(p.inferenceFlops).toBe(0)
    expect(p.chinchilla.params).toBe(p.params)
    expect(p.preset).toBe("chinchilla")
  })

  it("defaults to Epoch's constants: about 20 tokens per parameter", () => {
    const p = Planner.plan({ flops: 5.76e23 })
    expect(p.preset).toBe("epoch")
    expect(p.tokensPerParam).toBeGreaterThan(18)
    expect(p.tokensPerParam).toBeLessThan(26)
  })

  it("with limited unique data it repeats them and beats plain Chinchilla's loss", () => {
    const p = Planner.plan({ flops: 6 * 8.67e9 * 178e9, preset: "muennighoff", uniqueTokens: 25e9 })
    const a = DataConstrained.optimalAllocation(Presets.muennighoff, 6 * 8.67e9 * 178e9, 25e9)
    expectRel(p.params, a.params, 1e-12)
    expect(p.epochs).toBeCloseTo(9.07, 2)
    expect(p.loss).toBeLessThan(p.chinchilla.loss)
    expect(p.chinchilla.epochs).toBeGreaterThan(1)
  })

  it("with inference tokens it matches Sardana et al.'s optimum for the loss the budget buys", () => {
    const law = Presets.beyondChinchilla
    const p = Planner.plan({ loss: 1.947, preset: "beyond-chinchilla", inferenceTokens: 2e12 })
    const s = InferenceAware.optimalForLoss(law, 1.947, 2e12)
    expectRel(p.params, 2.418e10, 1e-3)
    expectRel(p.totalFlops / p.chinchilla.totalFlops, s.flopsRatio, 1e-9)
    const byBudget = Planner.plan({ flops: 1e23, preset: "beyond-chinchilla", inferenceTokens: 1e13 })
    expectRel(byBudget.loss, Law.optimalLoss(law, 1e23), 1e-9)
    expect(byBudget.params).toBeLessThan(byBudget.chinchilla.params)
    expect(byBudget.totalFlops).toBeLessThan(byBudget.chinchilla.totalFlops)
  })

  it("combines unique data and inference", () => {
    const p = Planner.plan({ flops: 1e21, preset: "muennighoff", uniqueTokens: 5e9, inferenceTokens: 1e12 })
    const plain = Planner.plan({ flops: 1e21, preset: "muennighoff", uniqueTokens: 5e9 })
    expectRel(p.loss, plain.loss, 1e-6)
    expect(p.params).toBeLessThan(plain.params)
    expect(p.totalFlops).toBeLessThan(plain.totalFlops + 2 * plain.params * 1e12)
  })

  it("rejects impossible inputs with PlanError", () => {
    expect(() => Planner.plan({})).toThrow(PlanError)
    expect(() => Planner.plan({ flops: 1e21, loss: 2 })).toThrow("either a FLOP budget")
    expect(() => Planner.plan({ loss: 1.5 })).toThrow("not above the irreducible loss")
    expect(() => Planner.plan({ loss: 2.3, uniqueTokens: 5e9 })).toThrow("out of reach")
    expect(() => Planner.plan({ flops: -1 })).toThrow("positive")
  })
})
