/**
 * JSON Lines sources and sinks: one JSON object per line, plain, gzip (`.gz`) or zstd (`.zst`).
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Jsonl, Shard } from "@pretrain/dataflow"
 *
 * const docs = Jsonl.source("data/in/*.jsonl.gz").read(Shard.whole)
 * const paths = await Effect.runPromise(Jsonl.sink("data/out", { compression: "zstd" }).write(docs, Shard.whole))
 * ```
 *
 * Reading: records need a string `content`; every other field is optional and kept as it is.
 * A line that is not JSON (`malformed-json`), not a JSON object (`not-an-object`), has no string
 * `content` (`missing-content`) or is longer than `maxLineBytes` (`line-too-long`) is reported to the
 * task's rejects with `{ record: { content: <raw line> }, reason, operator: "jsonl", file, line }`
 * (`line` 1-based) and reading goes on. Blank lines are skipped. Top-level integers beyond
 * `Number.MAX_SAFE_INTEGER` are read exactly, as `bigint`. A file that cannot be read, or a truncated
 * or corrupt gzip/zstd stream, fails with {@link InputReadError} naming the file.
 *
 * Writing (see {@link encodeLine}): `bigint` as a JSON number with all its digits, `Date` as an
 * ISO-8601 string, typed arrays as base64, `NaN`/`Infinity` as null. gzip (level 6) and zstd (level 3,
 * with checksum) use fixed settings and fixed-size input blocks, so identical input gives
 * byte-identical files.
 *
 * @since 0.1.0
 */
import type { Doc } from "./Doc.ts"
import { filesSource, partsSink } from "./internal/files.ts"
import type { Compression } from "./internal/jsonl/compress.ts"
import { JsonlPartsWriter, jsonlExtension } from "./internal/jsonl/writer.ts"
import { type JsonlReadOptions, type LineRejection, readJsonlFile } from "./internal/jsonl/reader.ts"
import type { Sink } from "./Sink.ts"
import type { Source } from "./Source.ts"

export type { Compression } from "./internal/jsonl/compress.ts"
export { sniffCompression } from "./internal/jsonl/compress.ts"
export { encodeJson, encodeLine } from "./internal/jsonl/encode.ts"
export { type LineRejectReason, LineSplitter, type ParsedLine, parseLine } from "./internal/jsonl/decode.ts"
export { type JsonlReadOptions, type LineRejection, readJsonlFile } from "./internal/jsonl/reader.ts"
export { JsonlPartsWriter, jsonlExtension, type JsonlWriterOptions } from "./internal/jsonl/writer.ts"

/**
 * File name endings the source picks up in a directory or glob (explicitly named files are read
 * whatever their name; compression is detected from the first bytes).
 *
 * @since 0.1.0 @category constants
 */
export const extensions: ReadonlyArray<string> = [
  ".jsonl",
  ".jsonl.gz",
  ".jsonl.zst",
  ".jsonl.zstd",
  ".ndjson",
  ".ndjson.gz",
  ".ndjson.zst",
  ".ndjson.zstd"
]

/** The operator name used in stats and rejects for lines the JSONL source rejects. @since 0.1.0 @category constants */
export const operatorName = "jsonl"

/** @since 0.1.0 @category models */
export interface SourceOptions extends JsonlReadOptions {}

/**
 * Read JSONL files (a file, a directory, a glob, or a list of them; plain, `.gz` or `.zst`) as Docs.
 * Task `rank` of `world` reads a contiguous block of the sorted files; each file is streamed line by
 * line with bounded memory and emitted in chunks of up to `batchSize` (default 1000) Docs.
 *
 * @since 0.1.0 @category constructors
 */
export const source = (input: string | ReadonlyArray<string>, options: SourceOptions = {}): Source<Doc> =>
  filesSource<LineRejection>(
    "jsonl",
    input,
    extensions,
    (file, onReject) => readJsonlFile(file, options, onReject),
    (r) => ({ record: { content: r.raw }, reason: r.reason, operator: operatorName, file: r.file, line: r.line })
  )

/** @since 0.1.0 @category models */
export interface SinkOptions {
  /** `none` (default), `gzip` (`.jsonl.gz`) or `zstd` (`.jsonl.zst`). */
  readonly compression?: Compression | undefined
  /** Compression level (gzip 1-9, default 6; zstd 1-22, default 3). */
  readonly level?: number | undefined
  /**
   * Start a new part before a line that would take the current part beyond this many bytes of
   * uncompressed JSONL (a single longer line gets a part of its own). Unlimited by default.
   */
  readonly maxFileBytes?: number | undefined
}

/**
 * Write Docs (or any records) as JSONL parts `part-<rank>-<seq>.jsonl[.gz|.zst]` in `dir`, each
 * written atomically (temporary name, then rename). A task with no records writes no part.
 *
 * @since 0.1.0 @category constructors
 */
export const sink = <A = Doc>(dir: string, options: SinkOptions = {}): Sink<A> => {
  const compression = options.compression ?? "none"
  const extension = jsonlExtension(compression)
  return partsSink(
    "jsonl",
    dir,
    extension,
    (rank) => new JsonlPartsWriter(dir, rank, { compression, level: options.level, maxFileBytes: options.maxFileBytes })
  )
}
