/**
 * The Stack v2 Parquet shards as published (`bigcode/the-stack-v2`, `-dedup`): the rows carry
 * provenance only (`blob_id`, `repo_name`, `path`, `language`, `license_type`, `is_vendor`,
 * `is_generated`, `length_bytes`, `src_encoding`, ...), and each file's text lives in Software
 * Heritage's bucket under `content/{blob_id}`, gzip-compressed. This pipeline reads the shards
 * with the `stack-v2` column mapping, filters on the metadata first (cheap), then attaches the text
 * from a local copy of those blobs and keeps files that pass StarCoder's basic filter.
 *
 * ```sh
 * SHARDS='data/python/*.parquet' BLOBS=blobs OUT=out/stack-v2 LANGUAGES=Python,Go \
 *   npx pretrain run examples/pipelines/stack-v2-parquet/pipeline.ts
 * ```
 *
 * `BLOBS` is a directory laid out like the bucket: `BLOBS/content/<blob_id>` (gzip), e.g. fetched
 * with `aws s3 cp --no-sign-request s3://softwareheritage/content/<blob_id> BLOBS/content/`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { type Doc, Operator, Parquet, Pipeline } from "@pretrain/dataflow"

/** Inputs and choices; each defaults to an environment variable (`SHARDS`, `BLOBS`, `OUT`, `LANGUAGES`). */
export type StackV2Params = {
  /** Parquet shards: a file, a directory or a glob. */
  readonly shards?: string
  /** Directory holding `content/<blob_id>` gzip files. */
  readonly blobs?: string
  readonly out?: string
  /** Languages to keep (The Stack's names); default all. */
  readonly languages?: ReadonlyArray<string>
  readonly tasks?: number
}

/** A v2 row as published: provenance without text. */
type V2Row = Omit<Doc, "content"> & {
  readonly blob_id: string
  readonly src_encoding?: string | null | undefined
  readonly is_vendor?: boolean | null | undefined
  readonly is_generated?: boolean | null | undefined
}

/** A v2 row as a Doc: its text is empty until the blob is read. */
type V2Doc = Doc & Omit<V2Row, keyof Doc> & { readonly blob_id: string }

const maxBytes = 1_000_000

/** StarCoder's basic filter on the text: longest line, mean line length, alphanumeric fraction. */
export const basicFilter = (text: string): true | string => {
  const lines = text.split("\n")
  let longest = 0
  for (const l of lines) if (l.length > longest) longest = l.length
  if (longest > 1000) return "max-line-length"
  if (text.length / lines.length > 100) return "avg-line-length"
  let alnum = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) alnum++
  }
  return text.length > 0 && alnum / text.length >= 0.25 ? true : "alphanumeric-fraction"
}

/** The text of a blob: gunzipped and decoded with the row's `src_encoding` (UTF-8 when absent). */
const readBlob = (blobs: string, row: V2Doc): string | undefined => {
  const file = path.join(blobs, "content", row.blob_id)
  if (!fs.existsSync(file)) return undefined
  const data = zlib.gunzipSync(fs.readFileSync(file))
  return new TextDecoder(String(row.src_encoding ?? "utf-8").toLowerCase()).decode(data)
}

/** The pipeline: one stage reading v2 shards, filtering and writing Docs with their text. */
export const stackV2 = (params: StackV2Params = {}): Pipeline.Pipeline => {
  const shards = params.shards ?? process.env.SHARDS ?? "shards"
  const blobs = path.resolve(params.blobs ?? process.env.BLOBS ?? "blobs")
  const out = path.resolve(params.out ?? process.env.OUT ?? "out/stack-v2")
  const languages = params.languages ?? process.env.LANGUAGES?.split(",").filter((l) => l !== "")
  const keep = languages === undefined ? undefined : new Set(languages)
  return Pipeline.make("stack-v2-parquet", [
    Pipeline.stage<V2Row, Doc>({
      name: "filter",
      tasks: params.tasks ?? 2,
      source: Parquet.source<V2Row>(shards, { mapping: "stack-v2" }),
      steps: (rows) => rows.pipe(
        Operator.map("v2-row", (r: V2Row): V2Doc => ({ ...r, content: "" })),
        // metadata first: no blob is read for a row dropped here
        Operator.filter("language", (r: V2Doc) => keep === undefined || keep.has(String(r.language)) || "language"),
        Operator.filter("vendor-generated", (r: V2Doc) => (r.is_vendor !== true && r.is_generated !== true) || "vendor-or-generated"),
        Operator.filter("size", (r: V2Doc) => Number(r.length_bytes ?? 0) <= maxBytes || "too-large"),
        Operator.map("content", (r: V2Doc): V2Doc & { readonly _missing?: true } => {
          const content = readBlob(blobs, r)
          return content === undefined ? { ...r, _missing: true } : { ...r, content }
        }),
        Operator.filter("content-missing", (r: V2Doc & { readonly _missing?: true }) => r._missing !== true || "content-missing"),
        Operator.filter("basic", (d: Doc) => basicFilter(d.content))
      ),
      sink: Parquet.sink(out)
    })
  ])
}

export default stackV2
