/**
 * A minimal SVG chart: log or linear axes with ticks and labels, clipped plot area, polylines,
 * markers, text and a legend. Strings in, a standalone SVG document out.
 */

export interface Axis {
  readonly min: number
  readonly max: number
  readonly log: boolean
  readonly label: string
  readonly format?: ((v: number) => string) | undefined
}

export interface LegendEntry {
  readonly label: string
  readonly color: string
  readonly dash?: string | undefined
  readonly marker?: boolean | undefined
}

/** Eight colours along viridis, dark to light, for ordered series. */
export const palette = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#e0c21a"]

/** Colour of series `i` of `n`, spread along the palette. */
export const seriesColor = (i: number, n: number): string =>
  palette[n <= 1 ? 2 : Math.round((i / (n - 1)) * (palette.length - 1))]!

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Counts as 1.2k / 10M / 1B / 3T, FLOPs as 1e21. */
export const formatCount = (v: number): string => {
  const units: ReadonlyArray<readonly [number, string]> = [[1e15, "P"], [1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]]
  for (const [scale, unit] of units) {
    if (Math.abs(v) >= scale) return `${trim(v / scale)}${unit}`
  }
  return trim(v)
}

export const formatExp = (v: number): string => {
  const e = Math.floor(Math.log10(v) + 1e-9)
  const m = v / 10 ** e
  return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${trim(m)}e${e}`
}

const trim = (v: number): string => {
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s
}

const ticks = (axis: Axis): Array<number> => {
  if (axis.log) {
    const lo = Math.ceil(Math.log10(axis.min) - 1e-9)
    const hi = Math.floor(Math.log10(axis.max) + 1e-9)
    const decades: Array<number> = []
    for (let e = lo; e <= hi; e++) decades.push(10 ** e)
    if (decades.length >= 3) return decades
    const out: Array<number> = []
    for (let e = lo - 1; e <= hi; e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e
        if (v >= axis.min * (1 - 1e-9) && v <= axis.max * (1 + 1e-9)) out.push(v)
      }
    }
    return out
  }
  const span = axis.max - axis.min
  const raw = span / 6
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: Array<number> = []
  for (let v = Math.ceil(axis.min / step) * step; v <= axis.max + 1e-9 * span; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

export interface Chart {
  readonly x: (v: number) => number
  readonly y: (v: number) => number
  readonly line: (points: ReadonlyArray<readonly [number, number]>, style: { color: string; width?: number; dash?: string | undefined }) => void
  readonly path: (d: string, style: { color: string; width?: number; dash?: string | undefined }) => void
  readonly marker: (px: number, py: number, style: { color: string; radius?: number; stroke?: string; opacity?: number }) => void
  readonly text: (px: number, py: number, text: string, style?: { size?: number; anchor?: "start" | "middle" | "end"; color?: string }) => void
  readonly render: (legend: ReadonlyArray<LegendEntry>, notes?: ReadonlyArray<string>) => string
}

/** A chart of `width` × `height` pixels over the two axes; data coordinates in, pixels out. */
export const chart = (options: { readonly title: string; readonly x: Axis; readonly y: Axis; readonly width?: number; readonly height?: number }): Chart => {
  const width = options.width ?? 760
  const height = options.height ?? 500
  const margin = { left: 78, right: 190, top: 44, bottom: 58 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const scale = (axis: Axis, pixels: number) => {
    const f = axis.log ? Math.log10 : (v: number) => v
    const lo = f(axis.min)
    const hi = f(axis.max)
    return (v: number) => ((f(v) - lo) / (hi - lo)) * pixels
  }
  const sx = scale(options.x, plotW)
  const sy = scale(options.y, plotH)
  const x = (v: number) => margin.left + sx(v)
  const y = (v: number) => margin.top + plotH - sy(v)
  const body: Array<string> = []
  const style = (s: { color: string; width?: number; dash?: string | undefined }) =>
    `fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} stroke-linejoin="round"`
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "0")
  return {
    x,
    y,
    line: (points, s) => {
      const finite = points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      if (finite.length < 2) return
      body.push(`<polyline ${style(s)} points="${finite.map(([a, b]) => `${fmt(x(a))},${fmt(y(b))}`).join(" ")}"/>`)
    },
    path: (d, s) => {
      if (d !== "") body.push(`<path ${style(s)} d="${d}"/>`)
    },
    marker: (px, py, s) => {
      if (!Number.isFinite(px) || !Number.isFinite(py)) return
      body.push(`<circle cx="${fmt(x(px))}" cy="${fmt(y(py))}" r="${s.radius ?? 3.5}" fill="${s.color}" fill-opacity="${s.opacity ?? 1}" stroke="${s.stroke ?? "none"}" stroke-width="1"/>`)
    },
    text: (px, py, t, s = {}) => {
      body.push(`<text x="${fmt(x(px))}" y="${fmt(y(py))}" font-size="${s.size ?? 11}" text-anchor="${s.anchor ?? "start"}" fill="${s.color ?? "#333"}">${escape(t)}</text>`)
    },
    render: (legend, notes = []) => {
      const out: Array<string> = []
      out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`)
      out.push(`<rect width="${width}" height="${height}" fill="white"/>`)
      out.push(`<defs><clipPath id="plot"><rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`)
      out.push(`<text x="${margin.left + plotW / 2}" y="26" font-size="16" font-weight="bold" text-anchor="middle" fill="#111">${escape(options.title)}</text>`)
      // grid and ticks
      for (const v of ticks(options.x)) {
        const px = fmt(x(v))
        out.push(`<line x1="${px}" x2="${px}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e4e4e4"/>`)
        out.push(`<text x="${px}" y="${margin.top + plotH + 18}" font-size="11" text-anchor="middle" fill="#333">${escape((options.x.format ?? formatCount)(v))}</text>`)
      }
      for (const v of ticks(options.y)) {
        const py = fmt(y(v))
        out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${py}" y2="${py}" stroke="#e4e4e4"/>`)
        out.push(`<text x="${margin.left - 8}" y="${Number(py) + 4}" font-size="11" text-anchor="end" fill="#333">${escape((options.y.format ?? formatCount)(v))}</text>`)
      }
      out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#555"/>`)
      out.push(`<text x="${margin.left + plotW / 2}" y="${height - 14}" font-size="13" text-anchor="middle" fill="#111">${escape(options.x.label)}</text>`)
      out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" font-size="13" text-anchor="middle" fill="#111">${escape(options.y.label)}</text>`)
      out.push(`<g clip-path="url(#plot)">`, ...body, `</g>`)
      // legend and notes to the right of the plot
      const lx = margin.left + plotW + 16
      let ly = margin.top + 8
      for (const e of legend) {
        if (e.marker) out.push(`<circle cx="${lx + 11}" cy="${ly}" r="4" fill="${e.color}"/>`)
        else out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${e.color}" stroke-width="2.5"${e.dash ? ` stroke-dasharray="${e.dash}"` : ""}/>`)
        out.push(`<text x="${lx + 30}" y="${ly + 4}" font-size="11" fill="#222">${escape(e.label)}</text>`)
        ly += 18
      }
      ly += 10
      for (const n of notes) {
        out.push(`<text x="${lx}" y="${ly}" font-size="11" fill="#444">${escape(n)}</text>`)
        ly += 16
      }
      out.push(`</svg>`)
      return out.join("\n") + "\n"
    }
  }
}
