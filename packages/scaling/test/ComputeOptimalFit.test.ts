import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { ComputeOptimalFit, Law, Presets, Runs } from "../src/index.ts"
import { expectRel, sharedData } from "./helpers.ts"

describe("ComputeOptimalFit", () => {
  it("fits an exact power law", () => {
    const xs = [1e18, 1e19, 1e20, 1e21]
    const p = ComputeOptimalFit.fitPowerLaw(xs, xs.map((x) => 0.3 * x ** 0.52))
    expectRel(p.exponent, 0.52, 1e-12)
    expectRel(p.coefficient, 0.3, 1e-9)
    expectRel(p.r2, 1, 1e-12)
  })

  it("iso-FLOP profiles of a known law give its exponents", () => {
    const law = Presets.epoch
    const runs = [1e18, 1e19, 1e20, 1e21].flatMap((c) => {
      const center = Law.computeOptimal(law, c).params
      return [0.25, 0.5, 1, 2, 4].map((m) => {
        const n = center * m
        return { params: n, tokens: c / (6 * n), loss: Law.loss(law, n, c / (6 * n)) }
      })
    })
    const fit = ComputeOptimalFit.fitComputeOptimal(runs)
    expect(fit.optima.length).toBe(4)
    // the parabola in log N is an approximation of the law's iso-FLOP curve; exponents agree to 1 %
    expectRel(fit.params.exponent, Law.computeExponents(law).a, 0.01)
    expectRel(fit.tokens.exponent, Law.computeExponents(law).b, 0.01)
  })

  it("on the Epoch points, iso-FLOP exponents fall in Chinchilla's Approach 2 intervals: a 0.49 (0.462, 0.534), b 0.51 (0.483, 0.529)", () => {
    const runs = Runs.parseRunsCsv(fs.readFileSync(sharedData("chinchilla_epoch_svg_extracted.csv"), "utf8"))
    const fit = ComputeOptimalFit.fitComputeOptimal(runs)
    expect(fit.optima.length).toBeGreaterThan(10)
    expect(fit.params.exponent).toBeGreaterThan(0.462)
    expect(fit.params.exponent).toBeLessThan(0.534)
    expect(fit.tokens.exponent).toBeGreaterThan(0.483)
    expect(fit.tokens.exponent).toBeLessThan(0.529)
    const envelope = ComputeOptimalFit.fitComputeOptimal(runs, { method: "envelope" })
    expect(envelope.params.exponent).toBeGreaterThan(0.45)
    expect(envelope.params.exponent).toBeLessThan(0.6)
  })
})
