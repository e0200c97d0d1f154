/**
 * A corpus at a glance: repositories, files, bytes, and the breakdown by language and by license
 * type, computed from a dataset (any {@link Input} format) in one streaming pass over a few columns.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import * as Input from "./Input.ts"
import * as Shard from "./Shard.ts"
import type { SourceError } from "./Source.ts"

/** @since 0.1.0 @category models */
export interface Breakdown {
  readonly key: string
  readonly files: number
  readonly bytes: number
}

/** @since 0.1.0 @category models */
export interface Summary {
  readonly repositories: number
  readonly files: number
  readonly bytes: number
  readonly languages: ReadonlyArray<Breakdown>
  readonly licenses: ReadonlyArray<Breakdown>
}

const add = (into: Map<string, { files: number; bytes: number }>, key: string, bytes: number) => {
  const row = into.get(key)
  if (row === undefined) into.set(key, { files: 1, bytes })
  else {
    row.files++
    row.bytes += bytes
  }
}

const sorted = (m: Map<string, { files: number; bytes: number }>): Array<Breakdown> =>
  [...m.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1))

/**
 * Summarise a dataset.
 *
 * @since 0.1.0 @category constructors
 */
export const summarize = (input: string | ReadonlyArray<string>): Effect.Effect<Summary, SourceError> =>
  Effect.suspend(() => {
    const repos = new Set<string>()
    const languages = new Map<string, { files: number; bytes: number }>()
    const licenses = new Map<string, { files: number; bytes: number }>()
    let files = 0
    let bytes = 0
    return Effect.try({ try: () => Input.source(input, { columns: ["repo_name", "language", "license_type", "length_bytes"] }), catch: (e) => e as SourceError }).pipe(
      Effect.flatMap((source) =>
        source.read(Shard.whole).pipe(
          Stream.runForEachArray((chunk) =>
            Effect.sync(() => {
              for (const doc of chunk) {
                const size = doc.length_bytes == null ? Buffer.byteLength(doc.content) : Number(doc.length_bytes)
                files++
                bytes += size
                if (typeof doc.repo_name === "string") repos.add(doc.repo_name)
                add(languages, doc.language ?? "(unknown)", size)
                add(licenses, doc.license_type ?? "(unknown)", size)
              }
            })
          )
        )
      ),
      Effect.map(() => ({ repositories: repos.size, files, bytes, languages: sorted(languages), licenses: sorted(licenses) }))
    )
  })

const mb = (n: number) => (n / 1e6).toFixed(2)

/**
 * The summary as aligned text tables (top `limit` languages).
 *
 * @since 0.1.0 @category formatting
 */
export const format = (summary: Summary, limit = 12): string => {
  const lines = [
    `repositories ${summary.repositories}   files ${summary.files}   bytes ${mb(summary.bytes)} MB`,
    "",
    table("language", summary.languages, summary, limit),
    "",
    table("license type", summary.licenses, summary, limit)
  ]
  return lines.join("\n")
}

const table = (title: string, rows: ReadonlyArray<Breakdown>, summary: Summary, limit: number) => {
  const shown = rows.slice(0, limit)
  const rest = rows.slice(limit)
  if (rest.length > 0) {
    shown.push({
      key: `(${rest.length} more)`,
      files: rest.reduce((a, r) => a + r.files, 0),
      bytes: rest.reduce((a, r) => a + r.bytes, 0)
    })
  }
  const width = Math.max(title.length, ...shown.map((r) => r.key.length))
  const out = [`${title.padEnd(width)}  ${"files".padStart(8)}  ${"MB".padStart(9)}  ${"share".padStart(6)}`]
  for (const r of shown) {
    const share = summary.bytes === 0 ? 0 : (100 * r.bytes) / summary.bytes
    out.push(`${r.key.padEnd(width)}  ${String(r.files).padStart(8)}  ${mb(r.bytes).padStart(9)}  ${share.toFixed(1).padStart(5)}%`)
  }
  return out.join("\n")
}
