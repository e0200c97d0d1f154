/**
 * The pieces of the report page: escaping, number formats, tables and inline SVG bar charts. No
 * scripts, no external resources: the page is one self-contained file.
 *
 * @since 0.1.0
 */

/** Escape text for HTML content and attribute values. @since 0.1.0 @category formatting */
export const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** An integer with thousands separators. @since 0.1.0 @category formatting */
export const count = (n: number): string => Math.round(n).toLocaleString("en-US")

/** Bytes in B, kB, MB or GB (powers of 1000). @since 0.1.0 @category formatting */
export const bytes = (n: number): string => {
  if (n < 1e3) return `${n} B`
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`
  return `${(n / 1e9).toFixed(2)} GB`
}

/** A fraction as a percentage with `digits` decimals. @since 0.1.0 @category formatting */
export const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`

/** A cell: plain text, or a number right-aligned. */
type Cell = string | { readonly num: string }

/** An HTML table; `{ num }` cells are right-aligned. @since 0.1.0 @category rendering */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>, className = ""): string => {
  const td = (c: Cell) => (typeof c === "string" ? `<td>${escape(c)}</td>` : `<td class="num">${escape(c.num)}</td>`)
  return `<table class="${escape(className)}"><thead><tr>${header.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(td).join("")}</tr>`).join("")}</tbody></table>`
}

/** A right-aligned number cell. @since 0.1.0 @category rendering */
export const num = (text: string): Cell => ({ num: text })

/** One bar of a chart: a label, a value, the text written after the bar. @since 0.1.0 @category models */
export type Bar = {
  readonly label: string
  readonly value: number
  readonly text: string
  /** A second, lighter bar behind this one (e.g. documents in behind documents out). */
  readonly behind?: number
}

const colors = ["#2f6db0", "#d9822b", "#3a9a5b", "#a2479b", "#c23b3b", "#6b6b6b"]

/**
 * A horizontal bar chart as inline SVG, with a title for screen readers.
 *
 * @since 0.1.0 @category rendering
 */
export const bars = (title: string, items: ReadonlyArray<Bar>, options: { readonly color?: number } = {}): string => {
  const labelWidth = 200
  const plotWidth = 440
  const row = 22
  const height = items.length * row + 8
  const max = Math.max(1e-12, ...items.map((b) => Math.max(b.value, b.behind ?? 0)))
  const color = colors[(options.color ?? 0) % colors.length]
  const scale = (v: number) => (v <= 0 ? 0 : Math.max(1, (v / max) * plotWidth))
  const body = items.map((b, i) => {
    const y = 4 + i * row
    const behind = b.behind === undefined
      ? ""
      : `<rect x="${labelWidth}" y="${y}" width="${scale(b.behind).toFixed(1)}" height="${row - 6}" fill="${color}" opacity="0.25"/>`
    const w = scale(b.value)
    return `<text x="${labelWidth - 8}" y="${y + row - 10}" text-anchor="end">${escape(b.label)}</text>${behind}` +
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${row - 6}" fill="${color}"/>` +
      `<text x="${labelWidth + Math.max(w, scale(b.behind ?? 0)) + 6}" y="${y + row - 10}">${escape(b.text)}</text>`
  }).join("")
  return `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 150}" height="${height}" ` +
    `viewBox="0 0 ${labelWidth + plotWidth + 150} ${height}" font-size="12"><title>${escape(title)}</title>${body}</svg>`
}

/** One series of a line chart: points (x, y) in x order, drawn as a line, dots, or both. @since 0.1.0 @category models */
export type Series = {
  readonly name: string
  readonly points: ReadonlyArray<readonly [number, number]>
  readonly line?: boolean
  readonly dots?: boolean
  readonly color?: number
}

const tick = (v: number): string => (Math.abs(v) >= 1000 ? count(v) : Math.abs(v) >= 10 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2))

/**
 * A line chart as inline SVG (x and y on linear axes with five ticks each, a legend), with a title
 * for screen readers.
 *
 * @since 0.1.0 @category rendering
 */
export const lines = (title: string, series: ReadonlyArray<Series>, options: { readonly x: string; readonly y: string }): string => {
  const width = 720
  const height = 320
  const m = { l: 64, r: 170, t: 14, b: 42 }
  const all = series.flatMap((s) => s.points)
  const xs = all.map((p) => p[0])
  const ys = all.map((p) => p[1])
  const x0 = xs.length === 0 ? 0 : Math.min(...xs)
  const x1 = xs.length === 0 ? 1 : Math.max(x0 + 1e-9, ...xs)
  const lo = ys.length === 0 ? 0 : Math.min(...ys)
  const hi = ys.length === 0 ? 1 : Math.max(...ys)
  const pad = (hi - lo) * 0.06 || 0.5
  const y0 = lo - pad
  const y1 = hi + pad
  const px = (v: number) => m.l + ((v - x0) / (x1 - x0)) * (width - m.l - m.r)
  const py = (v: number) => m.t + (1 - (v - y0) / (y1 - y0)) * (height - m.t - m.b)
  const grid = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4).map((v) =>
    `<line x1="${m.l}" y1="${py(v).toFixed(1)}" x2="${width - m.r}" y2="${py(v).toFixed(1)}" stroke="#eceef1"/>` +
    `<text x="${m.l - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${escape(tick(v))}</text>`
  ).join("")
  const xTicks = Array.from({ length: 5 }, (_, i) => x0 + ((x1 - x0) * i) / 4).map((v) =>
    `<text x="${px(v).toFixed(1)}" y="${height - m.b + 16}" text-anchor="middle">${escape(count(v))}</text>`
  ).join("")
  const body = series.map((s, i) => {
    const color = colors[(s.color ?? i) % colors.length]
    const path = s.line === false || s.points.length < 2
      ? ""
      : `<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`
    const dots = s.dots === true ? s.points.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}"/>`).join("") : ""
    const ly = m.t + 14 + i * 18
    const legend = `<rect x="${width - m.r + 14}" y="${ly - 9}" width="12" height="12" fill="${color}"/><text x="${width - m.r + 32}" y="${ly + 1}">${escape(s.name)}</text>`
    return path + dots + legend
  }).join("")
  const axes = `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="#5b6472"/>` +
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="#5b6472"/>` +
    `<text x="${(m.l + width - m.r) / 2}" y="${height - 6}" text-anchor="middle">${escape(options.x)}</text>` +
    `<text x="14" y="${(m.t + height - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.t + height - m.b) / 2})">${escape(options.y)}</text>`
  return `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="12">` +
    `<title>${escape(title)}</title>${grid}${xTicks}${axes}${body}</svg>`
}

/** The page's style sheet. @since 0.1.0 @category rendering */
export const css = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: white; padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; color: #c5cad3; font-size: 13px; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: white; border: 1px solid #e1e4e8; border-radius: 6px; padding: 12px 20px 16px; margin: 16px 0; }
h2 { font-size: 17px; margin: 4px 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eceef1; text-align: left; }
th { background: #f2f4f7; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.card .v { font-size: 20px; font-weight: 600; }
.card .k { font-size: 12px; color: #5b6472; }
.muted { color: #5b6472; font-size: 13px; }
svg.chart text { fill: #1d2330; font-family: inherit; }
`

/** Key figures as cards. @since 0.1.0 @category rendering */
export const cards = (items: ReadonlyArray<readonly [string, string]>): string =>
  `<div class="cards">${items.map(([k, v]) => `<div class="card"><div class="v">${escape(v)}</div><div class="k">${escape(k)}</div></div>`).join("")}</div>`
