/**
 * Run metrics: one JSON line per optimizer step (and per evaluation) in `metrics.jsonl`, and the
 * loss curve drawn as an SVG.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"

/** @since 0.1.0 @category models */
export interface StepRecord {
  readonly kind: "train"
  readonly step: number
  readonly loss: number
  readonly lr: number
  readonly gradNorm: number
  readonly tokens: number
  readonly tokensPerSec: number
  readonly mfu: number
  readonly elapsedSec: number
}

/** @since 0.1.0 @category models */
export interface EvalRecord {
  readonly kind: "eval"
  readonly step: number
  readonly loss: number
  readonly bitsPerByte?: number | undefined
  readonly tokens: number
}

/** @since 0.1.0 @category models */
export type MetricRecord = StepRecord | EvalRecord

/** Reads a metrics file (missing file: none). @since 0.1.0 @category reading */
export const read = (file: string): Array<MetricRecord> =>
  fs.existsSync(file)
    ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as MetricRecord)
    : []

/** Keeps the records up to `step` (inclusive), rewriting the file (used when resuming). @since 0.1.0 @category writing */
export const truncate = (file: string, step: number): void => {
  const kept = read(file).filter((r) => r.step <= step)
  fs.writeFileSync(file, kept.map((r) => JSON.stringify(r) + "\n").join(""))
}

/** Appends one record. @since 0.1.0 @category writing */
export const append = (file: string, record: MetricRecord): void => fs.appendFileSync(file, JSON.stringify(record) + "\n")

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2))

/**
 * The loss curve: training loss per step (line) and held-out loss (dots) against steps.
 *
 * @since 0.1.0 @category rendering
 */
export const lossCurveSvg = (records: ReadonlyArray<MetricRecord>, title = "loss"): string => {
  const width = 640
  const height = 400
  const m = { l: 60, r: 20, t: 30, b: 40 }
  const train = records.filter((r): r is StepRecord => r.kind === "train" && Number.isFinite(r.loss))
  const evals = records.filter((r): r is EvalRecord => r.kind === "eval" && Number.isFinite(r.loss))
  const all = [...train, ...evals]
  const maxStep = Math.max(1, ...all.map((r) => r.step))
  const minStep = Math.min(maxStep - 1, ...all.map((r) => r.step))
  const lo = all.length ? Math.min(...all.map((r) => r.loss)) : 0
  const hi = all.length ? Math.max(...all.map((r) => r.loss)) : 1
  const pad = (hi - lo) * 0.05 || 0.5
  const y0 = lo - pad
  const y1 = hi + pad
  const x = (s: number) => m.l + ((s - minStep) / (maxStep - minStep)) * (width - m.l - m.r)
  const y = (v: number) => m.t + (1 - (v - y0) / (y1 - y0)) * (height - m.t - m.b)
  const ticks = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4)
  const stepTicks = Array.from({ length: 5 }, (_, i) => Math.round(minStep + ((maxStep - minStep) * i) / 4))
  const line = train.map((r) => `${x(r.step).toFixed(1)},${y(r.loss).toFixed(1)}`).join(" ")
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`,
    `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="black"/>`,
    ...ticks.map((v) => `<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text><line x1="${m.l}" y1="${y(v)}" x2="${width - m.r}" y2="${y(v)}" stroke="#eee"/>`),
    ...stepTicks.map((s) => `<text x="${x(s)}" y="${height - m.b + 16}" text-anchor="middle">${s}</text>`),
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle">step</text>`,
    train.length ? `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line}"/>` : "",
    ...evals.map((r) => `<circle cx="${x(r.step).toFixed(1)}" cy="${y(r.loss).toFixed(1)}" r="3" fill="#d62728"/>`),
    `<text x="${width - m.r - 120}" y="${m.t + 12}" fill="#1f77b4">train loss</text>`,
    evals.length ? `<text x="${width - m.r - 120}" y="${m.t + 26}" fill="#d62728">held-out loss</text>` : "",
    `</svg>`
  ].join("\n")
}
