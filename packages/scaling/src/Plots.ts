/**
 * SVG plots (standalone documents as strings; no browser needed): iso-FLOP curves, loss contours
 * over (N, D) with the compute-optimal frontier, and a fitted law against the runs it was fitted
 * to. Write them to a file, or display them in a notebook.
 *
 * @since 0.1.0
 */
import * as DataConstrained from "./DataConstrained.ts"
import type { Run } from "./Fit.ts"
import * as Law from "./Law.ts"
import type { LossLaw } from "./Law.ts"
import { contourSegments } from "./internal/Contour.ts"
import { chart, formatCount, formatExp, type LegendEntry, seriesColor } from "./internal/Svg.ts"

const logspace = (lo: number, hi: number, n: number): Array<number> =>
  Array.from({ length: n }, (_, i) => 10 ** (Math.log10(lo) + ((Math.log10(hi) - Math.log10(lo)) * i) / (n - 1)))

const lawNotes = (law: LossLaw): Array<string> => [
  `E = ${law.E.toFixed(4)}`,
  `A = ${law.A.toPrecision(5)}, α = ${law.alpha.toFixed(4)}`,
  `B = ${law.B.toPrecision(5)}, β = ${law.beta.toFixed(4)}`
]

const lossFormat = (v: number) => v.toFixed(2)

/**
 * Options of `isoFlopSvg`.
 *
 * @since 0.1.0 @category models
 */
export interface IsoFlopOptions {
  /** Budgets in FLOPs (default five decades around 1e21). */
  readonly budgets?: ReadonlyArray<number> | undefined
  /** Unique tokens: curves with repetition (Muennighoff et al.). */
  readonly uniqueTokens?: number | undefined
  /** A point to mark (e.g. a plan's model). */
  readonly highlight?: { readonly params: number; readonly loss: number; readonly label: string } | undefined
  readonly title?: string | undefined
}

/**
 * Iso-FLOP curves: loss against parameters at each budget (tokens `C/(6N)`), each minimum marked.
 *
 * @since 0.1.0 @category plots
 */
export const isoFlopSvg = (law: LossLaw, options: IsoFlopOptions = {}): string => {
  const budgets = options.budgets ?? [1e19, 1e20, 1e21, 1e22, 1e23]
  const lossAt = (n: number, c: number) => {
    const d = c / (6 * n)
    return options.uniqueTokens === undefined ? Law.loss(law, n, d) : DataConstrained.loss(law, n, d, options.uniqueTokens)
  }
  const curves = budgets.map((c) => {
    const center = Law.computeOptimal(law, c).params
    const ns = logspace(center / 12, center * 12, 120)
    const points = ns.map((n) => [n, lossAt(n, c)] as const)
    const min = points.reduce((a, b) => (b[1] < a[1] ? b : a))
    return { c, points, min }
  })
  const all = curves.flatMap((c) => c.points)
  const xs = all.map((p) => p[0])
  const minLoss = Math.min(...curves.map((c) => c.min[1]))
  const maxLoss = Math.max(...curves.map((c) => Math.max(c.points[0]![1], c.points[c.points.length - 1]![1])))
  const pad = (maxLoss - minLoss) * 0.05
  const ch = chart({
    title: options.title ?? "Iso-FLOP curves",
    x: { min: Math.min(...xs), max: Math.max(...xs), log: true, label: "parameters" },
    y: { min: minLoss - pad, max: maxLoss + pad, log: false, label: "loss (nats/token)", format: lossFormat }
  })
  const legend: Array<LegendEntry> = []
  curves.forEach((curve, i) => {
    const color = seriesColor(i, curves.length)
    ch.line(curve.points, { color })
    ch.marker(curve.min[0], curve.min[1], { color, radius: 5, stroke: "white" })
    legend.push({ label: `${formatExp(curve.c)} FLOPs`, color })
  })
  ch.line(curves.map((c) => c.min), { color: "#999", width: 1.5, dash: "5 4" })
  legend.push({ label: "minimum per budget", color: "#999", dash: "5 4" })
  if (options.highlight !== undefined) {
    ch.marker(options.highlight.params, options.highlight.loss, { color: "#d62728", radius: 6, stroke: "white" })
    legend.push({ label: options.highlight.label, color: "#d62728", marker: true })
  }
  const notes = options.uniqueTokens === undefined ? lawNotes(law) : [...lawNotes(law), `unique tokens ${formatCount(options.uniqueTokens)}`]
  return ch.render(legend, notes)
}

/**
 * Options of `lossContourSvg`.
 *
 * @since 0.1.0 @category models
 */
export interface ContourOptions {
  readonly params?: readonly [number, number] | undefined
  readonly tokens?: readonly [number, number] | undefined
  /** Loss levels to draw (default 10 between the corner values). */
  readonly levels?: ReadonlyArray<number> | undefined
  /** Iso-FLOP lines to draw (default every decade in view, at most 6). */
  readonly budgets?: ReadonlyArray<number> | undefined
  /** Unique tokens: the loss with repetition and the data-constrained frontier (the plain one dashed). */
  readonly uniqueTokens?: number | undefined
  readonly highlight?: { readonly params: number; readonly tokens: number; readonly label: string } | undefined
  readonly title?: string | undefined
}

/**
 * Contours of the loss over (tokens, parameters), with the compute-optimal frontier
 * (`N_opt(C)`, `D_opt(C)`) and dashed iso-FLOP lines. Default levels are evenly spaced in
 * `log(L − E)`, so they are as dense near the frontier as in the corners.
 *
 * @since 0.1.0 @category plots
 */
export const lossContourSvg = (law: LossLaw, options: ContourOptions = {}): string => {
  const [nLo, nHi] = options.params ?? [1e7, 1e12]
  const [dLo, dHi] = options.tokens ?? [1e9, 1e14]
  const size = 90
  const lx = logspace(dLo, dHi, size).map(Math.log10)
  const ly = logspace(nLo, nHi, size).map(Math.log10)
  const unique = options.uniqueTokens
  const lossAt = (n: number, d: number) => unique === undefined ? Law.loss(law, n, d) : DataConstrained.loss(law, n, d, unique)
  const values = ly.map((y) => lx.map((x) => lossAt(10 ** y, 10 ** x)))
  const flat = values.flat()
  const lo = Math.log(Math.min(...flat) - law.E)
  const hi = Math.log(Math.max(...flat) - law.E)
  const levels = options.levels ?? Array.from({ length: 10 }, (_, i) => law.E + Math.exp(lo + ((hi - lo) * (i + 0.5)) / 10))
  const ch = chart({
    title: options.title ?? "Loss over parameters and tokens",
    x: { min: dLo, max: dHi, log: true, label: "training tokens" },
    y: { min: nLo, max: nHi, log: true, label: "parameters" }
  })
  const legend: Array<LegendEntry> = []
  levels.forEach((level, i) => {
    const color = seriesColor(levels.length - 1 - i, levels.length)
    const segments = contourSegments(lx, ly, values, level)
    const d = segments.map(([a, b]) =>
      `M${ch.x(10 ** a[0]).toFixed(1)} ${ch.y(10 ** a[1]).toFixed(1)}L${ch.x(10 ** b[0]).toFixed(1)} ${ch.y(10 ** b[1]).toFixed(1)}`
    ).join("")
    ch.path(d, { color, width: 1.4 })
    // label the contour a little below-right of the view's diagonal, off the frontier
    let best: readonly [number, number] | undefined
    let bestDistance = Number.POSITIVE_INFINITY
    const mx = (lx[0]! + lx[size - 1]!) / 2
    const my = (ly[0]! + ly[size - 1]!) / 2
    for (const [a] of segments) {
      const distance = Math.abs(a[0] - mx - (a[1] - my) - 1.2)
      if (distance < bestDistance) {
        bestDistance = distance
        best = a
      }
    }
    if (best !== undefined) ch.text(10 ** best[0], 10 ** best[1], level.toFixed(2), { size: 10, color })
  })
  legend.push({ label: "loss contours", color: seriesColor(3, 8) })
  const decades: Array<number> = []
  for (let e = Math.ceil(Math.log10(6 * nLo * dLo)); e <= Math.floor(Math.log10(6 * nHi * dHi)); e++) decades.push(10 ** e)
  const budgets = options.budgets ?? decades.filter((_, i) => i % Math.max(1, Math.ceil(decades.length / 6)) === 0)
  for (const c of budgets) {
    ch.line(logspace(dLo, dHi, 2).map((d) => [d, c / (6 * d)] as const), { color: "#bbb", width: 1, dash: "4 4" })
    // label at the upper-left end of the line, inside the view
    const d = Math.max(dLo, c / (6 * nHi)) * 1.6
    ch.text(d, c / (6 * d), `${formatExp(c)} FLOPs`, { size: 9, color: "#888" })
  }
  legend.push({ label: "iso-FLOP lines", color: "#bbb", dash: "4 4" })
  const budgetsInView = logspace(6 * nLo * dLo, 6 * nHi * dHi, 60)
  const frontier = budgetsInView.map((c) => {
    const a = Law.computeOptimal(law, c)
    return [a.tokens, a.params] as const
  })
  if (unique === undefined) {
    ch.line(frontier, { color: "#d62728", width: 2.5 })
    legend.push({ label: "compute-optimal frontier", color: "#d62728" })
  } else {
    ch.line(frontier, { color: "#d62728", width: 1.5, dash: "6 4" })
    legend.push({ label: "frontier, all tokens new", color: "#d62728", dash: "6 4" })
    const constrained = budgetsInView.map((c) => {
      const a = DataConstrained.optimalAllocation(law, c, unique)
      return [a.tokens, a.params] as const
    })
    ch.line(constrained, { color: "#d62728", width: 2.5 })
    legend.push({ label: `frontier, ${formatCount(unique)} unique tokens`, color: "#d62728" })
  }
  if (options.highlight !== undefined) {
    ch.marker(options.highlight.tokens, options.highlight.params, { color: "#111", radius: 6, stroke: "white" })
    legend.push({ label: options.highlight.label, color: "#111", marker: true })
  }
  return ch.render(legend, unique === undefined ? lawNotes(law) : [...lawNotes(law), `unique tokens ${formatCount(unique)}`])
}

/**
 * The fitted law against the runs: loss against parameters, runs coloured by compute (up to
 * eight groups by quantile of `6·N·D`), and the law's iso-FLOP curve through each group.
 *
 * @since 0.1.0 @category plots
 */
export const fitSvg = (law: LossLaw, runs: ReadonlyArray<Run>, options: { readonly title?: string | undefined; readonly groups?: number } = {}): string => {
  const sorted = [...runs].sort((a, b) => a.params * a.tokens - b.params * b.tokens)
  const groupCount = Math.max(1, Math.min(options.groups ?? 8, sorted.length))
  const groups = Array.from({ length: groupCount }, (_, g) =>
    sorted.slice(Math.floor((g * sorted.length) / groupCount), Math.floor(((g + 1) * sorted.length) / groupCount))
  ).filter((g) => g.length > 0)
  const params = runs.map((r) => r.params)
  const losses = runs.map((r) => r.loss)
  const nLo = Math.min(...params) / 1.5
  const nHi = Math.max(...params) * 1.5
  const yLo = Math.min(...losses)
  const yHi = Math.max(...losses)
  const pad = (yHi - yLo) * 0.06
  const ch = chart({
    title: options.title ?? "Fitted law and runs",
    x: { min: nLo, max: nHi, log: true, label: "parameters" },
    y: { min: yLo - pad, max: yHi + pad, log: false, label: "loss (nats/token)", format: lossFormat }
  })
  const legend: Array<LegendEntry> = []
  groups.forEach((group, i) => {
    const color = seriesColor(i, groups.length)
    const c = Math.exp(group.reduce((s, r) => s + Math.log(6 * r.params * r.tokens), 0) / group.length)
    const gLo = Math.min(...group.map((r) => r.params)) / 1.4
    const gHi = Math.max(...group.map((r) => r.params)) * 1.4
    ch.line(logspace(gLo, gHi, 80).map((n) => [n, Law.loss(law, n, c / (6 * n))] as const), { color, width: 1.8 })
    for (const r of group) ch.marker(r.params, r.loss, { color, radius: 3.5, stroke: "white", opacity: 0.9 })
    legend.push({ label: `≈${formatExp(Number(c.toPrecision(1)))} FLOPs (${group.length})`, color })
  })
  return ch.render(legend, [`${runs.length} runs`, ...lawNotes(law)])
}
