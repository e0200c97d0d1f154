/**
 * Seeds: the texts generators start from — web extracts, course outlines, the user's own documents,
 * code files. Read from a file or a directory:
 *
 * - `.jsonl` / `.jsonl.gz`: one object per line with the text in `text`, `content`, `extract` or
 *   `outline`; optional `id`, `kind` (`web`, `outline`, `document`, `code`), `topic`, `title`.
 * - any other file: one seed, its whole content (kind `code` for source files, `document` otherwise).
 * - a directory: every file under it, in path order (hidden files skipped).
 *
 * ```ts
 * const seeds = yield* Seeds.read("seeds/")
 * Seeds.extract(seeds[0].text, 1000) // at most 1000 characters, cut at a word boundary
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { Effect } from "effect"
import { SeedError } from "./Errors.ts"
import { hash } from "./RequestId.ts"

/** @since 0.1.0 @category models */
export type Kind = "web" | "outline" | "document" | "code"

/** @since 0.1.0 @category models */
export interface Seed {
  readonly id: string
  readonly kind: Kind
  readonly text: string
  readonly topic?: string | undefined
  readonly title?: string | undefined
  /** Hash of the text: a changed seed makes new request ids. */
  readonly hash: string
}

const KINDS: ReadonlyArray<Kind> = ["web", "outline", "document", "code"]
const TEXT_FIELDS = ["text", "content", "extract", "outline"] as const
const CODE_EXTENSIONS = new Set([
  ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".go", ".rs", ".rb", ".php",
  ".swift", ".kt", ".scala", ".lua", ".sh", ".r", ".jl", ".hs", ".ml", ".sql"
])

/** @since 0.1.0 @category constructors */
export const make = (id: string, kind: Kind, text: string, extra: { readonly topic?: string | undefined; readonly title?: string | undefined } = {}): Seed => ({
  id,
  kind,
  text,
  topic: extra.topic,
  title: extra.title,
  hash: hash(text, 16)
})

const readJsonl = (file: string, label: string): Array<Seed> => {
  let bytes = fs.readFileSync(file)
  if (file.endsWith(".gz")) {
    try {
      bytes = zlib.gunzipSync(bytes)
    } catch (e) {
      throw new SeedError({ file, reason: `not gzip: ${(e as Error).message}` })
    }
  }
  const lines = bytes.toString("utf8").split("\n")
  const seeds: Array<Seed> = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "") continue
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch (e) {
      throw new SeedError({ file, line: i + 1, reason: `not JSON: ${(e as Error).message}` })
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new SeedError({ file, line: i + 1, reason: "not a JSON object" })
    const r = row as Record<string, unknown>
    const field = TEXT_FIELDS.find((f) => r[f] !== undefined)
    if (field === undefined) throw new SeedError({ file, line: i + 1, field: TEXT_FIELDS.join("|"), reason: "missing" })
    const text = r[field]
    if (typeof text !== "string") throw new SeedError({ file, line: i + 1, field, reason: "not a string" })
    const kind = r.kind ?? (field === "outline" ? "outline" : "web")
    if (!KINDS.includes(kind as Kind)) throw new SeedError({ file, line: i + 1, field: "kind", reason: `must be one of ${KINDS.join(", ")}, got ${JSON.stringify(kind)}` })
    for (const f of ["topic", "title"] as const) {
      if (r[f] !== undefined && typeof r[f] !== "string") throw new SeedError({ file, line: i + 1, field: f, reason: "not a string" })
    }
    const id = r.id === undefined ? `${label}:${i + 1}` : String(r.id)
    seeds.push(make(id, kind as Kind, text, { topic: r.topic as string | undefined, title: r.title as string | undefined }))
  }
  return seeds
}

const listFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name)
      return e.isDirectory() ? listFiles(p) : e.isFile() ? [p] : []
    })

const readPath = (input: string, root: string): Array<Seed> => {
  const label = path.relative(root, input) || path.basename(input)
  if (/\.jsonl(\.gz)?$/.test(input)) return readJsonl(input, label)
  const text = fs.readFileSync(input, "utf8")
  return [make(label, CODE_EXTENSIONS.has(path.extname(input).toLowerCase()) ? "code" : "document", text, { title: path.basename(input) })]
}

/**
 * Every seed under a file or directory. Fails with {@link SeedError} naming the file (and line and
 * field for JSONL) of bad input; duplicate ids are an error too.
 *
 * @since 0.1.0 @category constructors
 */
export const read = (input: string): Effect.Effect<Array<Seed>, SeedError> =>
  Effect.try({
    try: () => {
      if (!fs.existsSync(input)) throw new SeedError({ file: input, reason: "no such file or directory" })
      const stat = fs.statSync(input)
      const root = stat.isDirectory() ? input : path.dirname(input)
      const seeds = (stat.isDirectory() ? listFiles(input) : [input]).flatMap((f) => readPath(f, root))
      const seen = new Set<string>()
      for (const s of seeds) {
        if (seen.has(s.id)) throw new SeedError({ file: input, reason: `duplicate seed id ${JSON.stringify(s.id)}` })
        seen.add(s.id)
      }
      if (seeds.length === 0) throw new SeedError({ file: input, reason: "no seeds" })
      return seeds
    },
    catch: (e) => e instanceof SeedError ? e : new SeedError({ file: input, reason: e instanceof Error ? e.message : String(e) })
  })

/**
 * At most `maxChars` characters of a text, cut at the last whitespace before the limit (Cosmopedia
 * embeds extracts of at most 1000 characters).
 *
 * @since 0.1.0 @category utils
 */
export const extract = (text: string, maxChars = 1000): string => {
  const t = text.trim()
  if (t.length <= maxChars) return t
  const cut = t.slice(0, maxChars)
  const space = cut.search(/\s\S*$/)
  return (space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd()
}

/**
 * A snippet of `minLines`–`maxLines` consecutive lines at a random start line
 * (OSS-Instruct takes 1–15 lines), from the generator `random`.
 *
 * @since 0.1.0 @category utils
 */
export const snippet = (text: string, random: () => number, minLines = 1, maxLines = 15): string => {
  const lines = text.replace(/\s+$/, "").split("\n")
  const count = Math.min(lines.length, minLines + Math.floor(random() * (maxLines - minLines + 1)))
  const start = Math.floor(random() * (lines.length - count + 1))
  return lines.slice(start, start + count).join("\n")
}
