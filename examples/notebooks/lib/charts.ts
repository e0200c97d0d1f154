/**
 * Small inline SVG charts for the notebooks: horizontal bar charts with one or more series. Each
 * function returns an SVG string; `show` hands it to Jupyter as `image/svg+xml`.
 */

/** One row of a bar chart: a label and one value per series. */
export interface Row {
  readonly label: string
  readonly values: ReadonlyArray<number>
}

/** Options of `barsSvg`. */
export interface BarsOptions {
  readonly title: string
  /** Series names, one per value in each row (a legend is drawn for more than one). */
  readonly series?: ReadonlyArray<string>
  /** How a value is written at the end of its bar. */
  readonly format?: (value: number) => string
  /** A log scale (values must be positive). */
  readonly log?: boolean
}

const palette = ["#3b6ea8", "#e07b39", "#4b9e5f", "#b04a7a"]

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** A horizontal bar chart, one group of bars per row. */
export const barsSvg = (rows: ReadonlyArray<Row>, options: BarsOptions): string => {
  const series = options.series ?? ["value"]
  const format = options.format ?? ((v: number) => v.toLocaleString("en"))
  const bar = 14
  const group = bar * series.length + 8
  const labelWidth = 190
  const plotWidth = 420
  const top = series.length > 1 ? 52 : 36
  const height = top + rows.length * group + 12
  const all = rows.flatMap((r) => r.values)
  const scale = (v: number) => {
    if (options.log === true) {
      const max = Math.log10(Math.max(...all) * 1.1)
      return Math.max(1, (Math.log10(Math.max(v, 1)) / max) * plotWidth)
    }
    const max = Math.max(...all, 1e-12)
    return Math.max(1, (v / max) * plotWidth)
  }
  const parts: Array<string> = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 90}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(options.title)}</text>`
  ]
  if (series.length > 1) {
    series.forEach((s, i) => {
      const x = labelWidth + i * 140
      parts.push(`<rect x="${x}" y="30" width="12" height="12" fill="${palette[i % palette.length]}"/>`)
      parts.push(`<text x="${x + 16}" y="40">${escape(s)}</text>`)
    })
  }
  rows.forEach((row, r) => {
    const y0 = top + r * group
    parts.push(`<text x="${labelWidth - 6}" y="${y0 + (group - 8) / 2 + 4}" text-anchor="end">${escape(row.label)}</text>`)
    row.values.forEach((v, i) => {
      const y = y0 + i * bar
      const w = scale(v)
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${palette[i % palette.length]}"/>`)
      parts.push(`<text x="${labelWidth + w + 4}" y="${y + bar - 4}">${escape(format(v))}</text>`)
    })
  })
  parts.push(`</svg>`)
  return parts.join("\n")
}

type Jupyter = { readonly display: (data: Record<string, string>, options: { readonly raw: true }) => Promise<void> }

/**
 * Send one output to the notebook now, as display data with these MIME types. Awaiting it matters:
 * with Deno 2.9.6's kernel, a cell's return value, `console.log` output and even an awaited
 * `Deno.jupyter.display` can reach Jupyter after the cell is reported idle, and nbconvert then
 * drops them; letting the event loop turn after the display before the cell ends prevents it.
 */
export const display = (data: Record<string, string>): Promise<void> => {
  const deno = (globalThis as { readonly Deno?: { readonly jupyter?: Jupyter } }).Deno
  if (deno?.jupyter === undefined) {
    console.log(data["text/plain"] ?? data["text/html"] ?? data["image/svg+xml"])
    return Promise.resolve()
  }
  // the kernel queues the message; a turn of the event loop lets it go out before the cell ends
  return deno.jupyter.display(data, { raw: true }).then(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))
}

/** Show text (instead of `console.log`). */
export const print = (text: string): Promise<void> => display({ "text/plain": text })

/** Show an SVG image. */
export const svg = (markup: string): Promise<void> => display({ "image/svg+xml": markup })

/** Show an HTML table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): Promise<void> => {
  const cell = (tag: string, v: string | number) => `<${tag}>${escape(typeof v === "number" ? v.toLocaleString("en") : v)}</${tag}>`
  const html = `<table><thead><tr>${header.map((h) => cell("th", h)).join("")}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((v) => cell("td", v)).join("")}</tr>`).join("")
  }</tbody></table>`
  return display({ "text/html": html, "text/plain": [header, ...rows].map((r) => r.join("\t")).join("\n") })
}

/** Show HTML as it is. */
export const html = (markup: string, text: string): Promise<void> => display({ "text/html": markup, "text/plain": text })
