/**
 * What is in a dataset: files, rows, bytes, the columns with their types and a summary of each
 * (nulls, lengths, ranges, most common values), and a few sample rows. Backs `pretrain inspect`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { Effect, Stream } from "effect"
import type { Doc } from "./Doc.ts"
import { resolveInputsSync } from "./internal/inputs.ts"
import * as Input from "./Input.ts"
import type { SourceError } from "./Source.ts"
import { TaskStats, Telemetry } from "./Stats.ts"
import * as Shard from "./Shard.ts"

/** @since 0.1.0 @category models */
export interface ColumnSummary {
  readonly name: string
  /** JavaScript-level types seen (`string`, `number`, `bigint`, `boolean`, `array`, `object`, `date`). */
  readonly types: ReadonlyArray<string>
  readonly nulls: number
  readonly count: number
  /** For strings: shortest, longest and mean length in characters. */
  readonly length?: { readonly min: number; readonly max: number; readonly mean: number } | undefined
  /** For numbers: range and mean. */
  readonly range?: { readonly min: number; readonly max: number; readonly mean: number } | undefined
  /** Most common values (short strings, booleans, array items), when the column has few distinct values. */
  readonly top?: ReadonlyArray<readonly [value: string, count: number]> | undefined
  /** Distinct values seen, capped at {@link distinctCap} (`distinctCapped` says whether the cap was reached). */
  readonly distinct: number
  readonly distinctCapped: boolean
}

/** @since 0.1.0 @category models */
export interface Report {
  readonly input: string
  readonly format: Input.Format
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
  readonly fileBytes: number
  readonly rows: number
  readonly contentBytes: number
  readonly rejected: Record<string, number>
  readonly columns: ReadonlyArray<ColumnSummary>
  readonly samples: ReadonlyArray<Record<string, unknown>>
}

/** Distinct values tracked per column before giving up on exact counts. @since 0.1.0 */
export const distinctCap = 10_000

const typeOf = (v: unknown): string =>
  v instanceof Date ? "date" : Array.isArray(v) ? "array" : typeof v

class ColumnAccumulator {
  readonly types = new Set<string>()
  nulls = 0
  count = 0
  minLen = Infinity
  maxLen = 0
  sumLen = 0
  strings = 0
  min = Infinity
  max = -Infinity
  sum = 0
  numbers = 0
  values: Map<string, number> | undefined = new Map()
  distinctCapped = false
  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  private countValue(key: string) {
    if (this.values === undefined) return
    const seen = this.values.get(key)
    if (seen !== undefined) this.values.set(key, seen + 1)
    else if (this.values.size < distinctCap) this.values.set(key, 1)
    else this.distinctCapped = true
  }

  add(v: unknown) {
    this.count++
    if (v === null || v === undefined) {
      this.nulls++
      return
    }
    this.types.add(typeOf(v))
    if (typeof v === "string") {
      this.strings++
      this.sumLen += v.length
      if (v.length < this.minLen) this.minLen = v.length
      if (v.length > this.maxLen) this.maxLen = v.length
      this.countValue(v.length <= 200 ? v : `\u0000long:${v.length}:${v.slice(0, 64)}`)
    } else if (typeof v === "number" || typeof v === "bigint") {
      const n = Number(v)
      this.numbers++
      this.sum += n
      if (n < this.min) this.min = n
      if (n > this.max) this.max = n
      this.countValue(String(v))
    } else if (typeof v === "boolean") {
      this.countValue(String(v))
    } else if (Array.isArray(v)) {
      for (const item of v) this.countValue(String(item))
    }
  }

  summary(): ColumnSummary {
    const distinct = this.values?.size ?? 0
    const fewDistinct = this.values !== undefined && !this.distinctCapped && distinct <= Math.max(50, this.count / 20)
    const top = fewDistinct
      ? [...this.values!.entries()].filter(([k]) => !k.startsWith("\u0000long:")).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10)
      : undefined
    return {
      name: this.name,
      types: [...this.types].sort(),
      nulls: this.nulls,
      count: this.count,
      length: this.strings > 0 ? { min: this.minLen, max: this.maxLen, mean: this.sumLen / this.strings } : undefined,
      range: this.numbers > 0 ? { min: this.min, max: this.max, mean: this.sum / this.numbers } : undefined,
      top: top && top.length > 0 ? top : undefined,
      distinct,
      distinctCapped: this.distinctCapped
    }
  }
}

/** Shorten long strings of a sample row for display. */
const sampleOf = (doc: Doc, maxChars: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    out[k] = typeof v === "string" && v.length > maxChars ? `${v.slice(0, maxChars)}… (${v.length} chars)` : v
  }
  return out
}

/**
 * Read a whole dataset once and summarise it.
 *
 * @since 0.1.0 @category constructors
 */
export const inspect = (
  input: string,
  options: { readonly format?: Input.Format | undefined; readonly samples?: number | undefined; readonly sampleChars?: number | undefined } = {}
): Effect.Effect<Report, SourceError> =>
  Effect.gen(function*() {
    const format = yield* Effect.try({ try: () => options.format ?? Input.detectFormat(input), catch: (e) => e as SourceError })
    const source = Input.source(input, { format })
    const files = yield* Effect.try({
      try: () => {
        const exts = format === "parquet" ? [".parquet"] : []
        return resolveInputsSync(input, exts).map((p) => ({ path: p, bytes: fs.statSync(p).size }))
      },
      catch: (e) => e as SourceError
    })
    const stats = new TaskStats({ stage: "inspect" })
    const columns = new Map<string, ColumnAccumulator>()
    const samples: Array<Record<string, unknown>> = []
    const wanted = options.samples ?? 3
    let rows = 0
    let contentBytes = 0
    yield* source.read(Shard.whole).pipe(
      Stream.runForEachArray((chunk) =>
        Effect.sync(() => {
          for (const doc of chunk) {
            for (const key of Object.keys(doc)) {
              if (!columns.has(key)) {
                const acc = new ColumnAccumulator(key)
                acc.count = rows
                acc.nulls = rows
                columns.set(key, acc)
              }
            }
            for (const acc of columns.values()) acc.add(doc[acc.name])
            if (typeof doc.content === "string") contentBytes += Buffer.byteLength(doc.content)
            if (samples.length < wanted) samples.push(sampleOf(doc, options.sampleChars ?? 200))
            rows++
          }
        })
      ),
      Effect.provideService(Telemetry, stats)
    )
    return {
      input,
      format,
      files,
      fileBytes: files.reduce((a, f) => a + f.bytes, 0),
      rows,
      contentBytes,
      rejected: { ...stats.drops },
      columns: [...columns.values()].map((c) => c.summary()),
      samples
    }
  })

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`

/**
 * The report as text for a terminal.
 *
 * @since 0.1.0 @category formatting
 */
export const format = (report: Report): string => {
  const lines: Array<string> = []
  lines.push(`${report.input} (${report.format}): ${report.files.length} file(s), ${mb(report.fileBytes)} on disk`)
  lines.push(`rows: ${report.rows}   content: ${mb(report.contentBytes)}`)
  const rejected = Object.entries(report.rejected)
  if (rejected.length > 0) lines.push(`rejected while reading: ${rejected.map(([r, n]) => `${r}=${n}`).join(", ")}`)
  lines.push("", "columns:")
  const width = Math.max(6, ...report.columns.map((c) => c.name.length))
  for (const c of report.columns) {
    const parts = [`${c.types.join("|") || "null"}`, `nulls ${c.nulls}`]
    if (c.length) parts.push(`len ${c.length.min}..${c.length.max} (mean ${c.length.mean.toFixed(1)})`)
    if (c.range) parts.push(`range ${c.range.min}..${c.range.max} (mean ${c.range.mean.toFixed(2)})`)
    parts.push(`distinct ${c.distinct}${c.distinctCapped ? "+" : ""}`)
    lines.push(`  ${c.name.padEnd(width)}  ${parts.join("  ")}`)
    if (c.top) lines.push(`  ${"".padEnd(width)}  top: ${c.top.map(([v, n]) => `${JSON.stringify(v.slice(0, 40))} ${n}`).join(", ")}`)
  }
  lines.push("", `sample rows (${report.samples.length}):`)
  for (const s of report.samples) lines.push(`  ${JSON.stringify(s, (_k, v) => typeof v === "bigint" ? v.toString() : v)}`)
  return lines.join("\n")
}
