/**
 * The records a stage dropped. Every task writes what its steps and its source rejected to
 * `<out>/rejects/part-<task>-0000.jsonl.zst`: JSON Lines compressed with zstd, one object per record
 * with the record's fields plus `_reject_reason`, `_reject_operator` and, when known,
 * `_reject_file` and `_reject_line`. Read them with {@link readSync}, with the JSONL source
 * (`Jsonl.source(dir)` / `Input.source(dir)`), or from a shell with `zstdcat`.
 *
 * ```ts
 * import { Rejects } from "@pretrain/dataflow"
 * const byReason = Map.groupBy(Rejects.readSync("out/curated/rejects"), (r) => r._reject_reason)
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { InputReadError } from "./Errors.ts"
import { decompressSync } from "./internal/zstdFrames.ts"

/** One rejected record. @since 0.1.0 @category models */
export interface Rejected extends Record<string, unknown> {
  readonly _reject_reason: string
  readonly _reject_operator: string
  readonly _reject_file?: string
  readonly _reject_line?: number
}

const partName = /^part-\d{5}-\d{4}\.jsonl(?:\.zst)?$/

/**
 * Every record of the rejects parts in `dir` (a stage's `<out>/rejects/`, or a directory they were
 * moved to), in part order; `[]` when `dir` does not exist. Throws {@link InputReadError} naming
 * the file (and the line, for a line that is not JSON).
 *
 * @since 0.1.0 @category reading
 */
export const readSync = (dir: string): Array<Rejected> => {
  if (!fs.existsSync(dir)) return []
  const out: Array<Rejected> = []
  for (const name of fs.readdirSync(dir).filter((n) => partName.test(n)).sort()) {
    const file = path.join(dir, name)
    let text: string
    try {
      const bytes = fs.readFileSync(file)
      text = (name.endsWith(".zst") ? decompressSync(bytes) : bytes).toString("utf8")
    } catch (cause) {
      throw new InputReadError({ file, cause })
    }
    const lines = text.split("\n")
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === "") continue
      try {
        out.push(JSON.parse(lines[i]!) as Rejected)
      } catch (cause) {
        throw new InputReadError({ file, position: `line ${i + 1}`, cause })
      }
    }
  }
  return out
}
