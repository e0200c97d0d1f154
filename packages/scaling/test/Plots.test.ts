import { describe, expect, it } from "vitest"
import { Law, Plots, Presets } from "../src/index.ts"

const wellFormed = (svg: string) => {
  expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true)
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true)
  expect(svg).not.toMatch(/NaN|Infinity|undefined/)
  // every opened element is closed
  const opened = (svg.match(/<(g|svg|defs|clipPath)[ >]/g) ?? []).length
  const closed = (svg.match(/<\/(g|svg|defs|clipPath)>/g) ?? []).length
  expect(opened).toBe(closed)
}

describe("Plots", () => {
  it("iso-FLOP curves: one curve and one minimum per budget, legend per budget", () => {
    const svg = Plots.isoFlopSvg(Presets.epoch, { budgets: [1e19, 1e21, 1e23], highlight: { params: 3e9, loss: 2.3, label: "plan" } })
    wellFormed(svg)
    expect((svg.match(/<polyline/g) ?? []).length).toBe(4) // three curves and the line through the minima
    for (const label of ["1e19 FLOPs", "1e21 FLOPs", "1e23 FLOPs", "plan", "E = 1.8169"]) expect(svg).toContain(label)
  })

  it("loss contours with the frontier and iso-FLOP lines", () => {
    const svg = Plots.lossContourSvg(Presets.chinchilla, { levels: [2.0, 2.5, 3.0] })
    wellFormed(svg)
    expect((svg.match(/<path /g) ?? []).length).toBe(3)
    expect(svg).toContain("compute-optimal frontier")
    for (const level of ["2.00", "2.50", "3.00"]) expect(svg).toContain(`>${level}<`)
  })

  it("fit against data: a marker per run", () => {
    const runs = [1e8, 3e8, 1e9].flatMap((n) => [10, 20, 40].map((t) => ({ params: n, tokens: n * t, loss: Law.loss(Presets.epoch, n, n * t) })))
    const svg = Plots.fitSvg(Presets.epoch, runs, { groups: 3 })
    wellFormed(svg)
    expect((svg.match(/<circle/g) ?? []).length).toBe(9)
    expect(svg).toContain("9 runs")
  })
})
