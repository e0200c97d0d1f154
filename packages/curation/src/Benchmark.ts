/**
 * Benchmark strings for decontamination, loaded from JSONL files (plain or `.gz`) with field
 * selection: which fields of each line are benchmark text, what to cut from them (a prompt's
 * docstring, a DS-1000 prompt up to `SOLUTION START`), which item id to report and which trivial
 * strings to leave out.
 *
 * ```ts
 * const humanEval = Benchmark.load(Benchmark.humanEval("data/HumanEval.jsonl.gz"))
 * humanEval.items.length // 2 strings per task: the prompt's docstring and the canonical solution
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as zlib from "node:zlib"
import { BenchmarkLoadError } from "./Errors.ts"

/**
 * One field to take from each line: `docstring` keeps the last triple-quoted string of the field
 * (bigcode took HumanEval's docstrings from the prompts); `cutAt` cuts the field at the first of these
 * markers (bigcode's DS-1000 prompts stop at `SOLUTION START` / `BEGIN SOLUTION`).
 *
 * @since 0.1.0 @category models
 */
export interface FieldSpec {
  readonly field: string
  readonly extract?: "whole" | "docstring" | undefined
  readonly cutAt?: ReadonlyArray<string> | undefined
}

/** @since 0.1.0 @category models */
export interface Spec {
  /** Name reported in drop reasons (`decontamination:<name>`). */
  readonly name: string
  readonly file: string
  /** Field holding the item id (default: the line number). */
  readonly id?: string | undefined
  readonly fields: ReadonlyArray<string | FieldSpec>
  /** Strings never used as patterns, compared after lower-casing and removing whitespace. */
  readonly exclude?: ReadonlyArray<string> | undefined
}

/** One benchmark string. @since 0.1.0 @category models */
export interface Item {
  readonly benchmark: string
  readonly id: string
  readonly field: string
  readonly text: string
}

/** @since 0.1.0 @category models */
export interface Benchmark {
  readonly name: string
  readonly items: ReadonlyArray<Item>
}

/**
 * HumanEval as bigcode used it (reference §6.1): the docstring of each prompt and each canonical
 * solution, except the four trivial solutions `return x + y`, `return len(string)`, `return n**2`
 * and `return ''.join(strings)`.
 *
 * @since 0.1.0 @category presets
 */
export const humanEval = (file: string): Spec => ({
  name: "HumanEval",
  file,
  id: "task_id",
  fields: [{ field: "prompt", extract: "docstring" }, "canonical_solution"],
  exclude: ["return x + y", "return len(string)", "return n**2", "return ''.join(strings)"]
})

/**
 * MBPP as bigcode used it: problem text and solution code (task ids 11–510 are the test split; pass
 * the file holding them).
 *
 * @since 0.1.0 @category presets
 */
export const mbpp = (file: string): Spec => ({ name: "MBPP", file, id: "task_id", fields: ["text", "code"] })

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, "")

/** The last triple-quoted string of a text (its docstring), or the text when it has none. @since 0.1.0 @category utils */
export const docstring = (text: string): string => {
  const re = /("""|''')([\s\S]*?)\1/g
  let last: string | undefined
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) last = m[2]
  return last === undefined ? text : last.trim()
}

const readText = (file: string): string => {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (e) {
    throw new BenchmarkLoadError({ file, reason: `cannot read: ${(e as Error).message}` })
  }
  if (file.endsWith(".gz")) {
    try {
      bytes = zlib.gunzipSync(bytes)
    } catch (e) {
      throw new BenchmarkLoadError({ file, reason: `not gzip: ${(e as Error).message}` })
    }
  }
  return bytes.toString("utf8")
}

/**
 * Read a benchmark. Throws {@link BenchmarkLoadError} naming the file, line and field of a
 * malformed line or a missing / non-string field.
 *
 * @since 0.1.0 @category constructors
 */
export const load = (spec: Spec): Benchmark => {
  const text = readText(spec.file)
  const excluded = new Set((spec.exclude ?? []).map(squash))
  const fields: Array<FieldSpec> = spec.fields.map((f) => (typeof f === "string" ? { field: f } : f))
  const items: Array<Item> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "") continue
    let row: Record<string, unknown>
    try {
      row = JSON.parse(line)
    } catch (e) {
      throw new BenchmarkLoadError({ file: spec.file, line: i + 1, reason: `not JSON: ${(e as Error).message}` })
    }
    const id = spec.id === undefined ? String(i + 1) : String(row[spec.id] ?? i + 1)
    for (const f of fields) {
      const value = row[f.field]
      if (typeof value !== "string") {
        throw new BenchmarkLoadError({ file: spec.file, line: i + 1, field: f.field, reason: value === undefined ? "missing" : "not a string" })
      }
      let t = f.extract === "docstring" ? docstring(value) : value
      for (const marker of f.cutAt ?? []) {
        const at = t.indexOf(marker)
        if (at >= 0) t = t.slice(0, at)
      }
      if (squash(t) === "" || excluded.has(squash(t))) continue
      items.push({ benchmark: spec.name, id, field: f.field, text: t })
    }
  }
  return { name: spec.name, items }
}
