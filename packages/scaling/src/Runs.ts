/**
 * Reading training runs (parameters, tokens, loss) from CSV or JSON. The parser is a plain
 * function that throws a typed `RunsParseError` naming the file, line and column; `readRuns` is
 * its Effect edge.
 *
 * CSV: a header row, then one run per row. Columns by name (case-insensitive): `params` (or `N`,
 * `parameters`, `Model Size`), `tokens` (or `D`, `Training Tokens`), `loss` (or `L`); without a
 * tokens column, `flops` (or `C`, `Training FLOP`) gives `tokens = flops/(6·params)`, so Epoch
 * AI's `svg_extracted_data.csv` reads as it is. Other columns are ignored.
 * JSON: an array of `{ params, tokens, loss }` objects, or `{ "runs": [...] }`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { Effect } from "effect"
import { RunsParseError, RunsReadError } from "./Errors.ts"
import type { Run } from "./Fit.ts"
import { parseCsv } from "./internal/Csv.ts"

const aliases = {
  params: ["params", "n", "parameters", "model size", "model_size"],
  tokens: ["tokens", "d", "training tokens", "training_tokens"],
  flops: ["flops", "c", "training flop", "training_flops", "training flops"],
  loss: ["loss", "l", "final_loss", "final loss"]
} as const

const findColumn = (header: ReadonlyArray<string>, names: ReadonlyArray<string>): number =>
  header.findIndex((h) => names.includes(h.trim().toLowerCase()))

const positive = (file: string, position: string, column: string, raw: unknown): number => {
  const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN
  if (!Number.isFinite(value) || value <= 0) {
    throw new RunsParseError({ file, position, column, reason: `expected a positive number, got ${JSON.stringify(raw)}` })
  }
  return value
}

/**
 * Parse runs from CSV text; throws `RunsParseError`.
 *
 * @since 0.1.0 @category parsing
 */
export const parseRunsCsv = (text: string, file = "<csv>"): Array<Run> => {
  const rows = parseCsv(text)
  if (rows.length === 0) throw new RunsParseError({ file, position: "line 1", reason: "empty file: expected a header `params,tokens,loss`" })
  const header = rows[0]!.cells
  const p = findColumn(header, aliases.params)
  const t = findColumn(header, aliases.tokens)
  const c = findColumn(header, aliases.flops)
  const l = findColumn(header, aliases.loss)
  const missing = [p < 0 ? "params" : undefined, t < 0 && c < 0 ? "tokens" : undefined, l < 0 ? "loss" : undefined].filter((x) => x !== undefined)
  if (missing.length > 0) {
    throw new RunsParseError({ file, position: "line 1", reason: `missing column ${missing.join(", ")} in header ${JSON.stringify(header.join(","))}` })
  }
  const runs: Array<Run> = []
  for (const row of rows.slice(1)) {
    if (row.cells.length === 1 && row.cells[0]!.trim() === "") continue
    const position = `line ${row.line}`
    const cell = (i: number, name: string) => {
      if (i >= row.cells.length) throw new RunsParseError({ file, position, column: name, reason: `row has ${row.cells.length} fields, header has ${header.length}` })
      return row.cells[i]
    }
    const params = positive(file, position, header[p]!, cell(p, header[p]!))
    const tokens = t >= 0 ? positive(file, position, header[t]!, cell(t, header[t]!)) : positive(file, position, header[c]!, cell(c, header[c]!)) / (6 * params)
    runs.push({ params, tokens, loss: positive(file, position, header[l]!, cell(l, header[l]!)) })
  }
  if (runs.length === 0) throw new RunsParseError({ file, position: "line 2", reason: "no runs after the header" })
  return runs
}

/**
 * Parse runs from JSON text; throws `RunsParseError`.
 *
 * @since 0.1.0 @category parsing
 */
export const parseRunsJson = (text: string, file = "<json>"): Array<Run> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new RunsParseError({ file, position: "document", reason: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` })
  }
  const list = Array.isArray(value) ? value : (value as { runs?: unknown } | null)?.runs
  if (!Array.isArray(list)) throw new RunsParseError({ file, position: "document", reason: "expected an array of runs or { \"runs\": [...] }" })
  return list.map((item: unknown, i) => {
    const position = `runs[${i}]`
    const o = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>
    const params = positive(file, position, "params", o.params)
    const tokens = o.tokens === undefined && o.flops !== undefined
      ? positive(file, position, "flops", o.flops) / (6 * params)
      : positive(file, position, "tokens", o.tokens)
    return { params, tokens, loss: positive(file, position, "loss", o.loss) }
  })
}

/**
 * Read a runs file (`.json` as JSON, anything else as CSV).
 *
 * @since 0.1.0 @category reading
 */
export const readRuns = (file: string): Effect.Effect<Array<Run>, RunsReadError | RunsParseError> =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (cause) => new RunsReadError({ file, cause })
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: () => (file.toLowerCase().endsWith(".json") ? parseRunsJson(text, file) : parseRunsCsv(text, file)),
        catch: (e) => e instanceof RunsParseError ? e : new RunsParseError({ file, position: "document", reason: String(e) })
      })
    )
  )
