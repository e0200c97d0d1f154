/**
 * Parquet sources, sinks and plain file helpers.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Parquet, Shard } from "@pretrain/dataflow"
 *
 * // read a directory of parts (task 0 of 4), keep two columns, write them back as ZSTD parts
 * const docs = Parquet.source("data/in", { columns: ["content", "repo_name"] }).read({ rank: 0, world: 4 })
 * const parts = await Effect.runPromise(Parquet.sink("data/out").write(docs, { rank: 0, world: 4 }))
 *
 * // outside a pipeline
 * const rows = await Effect.runPromise(Parquet.readFile("data/out/part-00000-0000.parquet"))
 * await Effect.runPromise(Parquet.writeFile("small.parquet", rows, { codec: "snappy" }))
 * ```
 *
 * **Reading** uses hyparquet's page decoders with native ZSTD/GZIP/Brotli (Node's zlib), WASM Snappy
 * and JS LZ4: every encoding (PLAIN, dictionary, RLE, delta, byte-stream-split) in data page v1 and
 * v2, so files from DuckDB, pyarrow, Spark or The Stack read as they are. A task reads one row group
 * at a time (bounded memory) and emits each row group as one chunk. Values:
 * - strings as `string`, BOOLEAN as `boolean`, INT32 / FLOAT / DOUBLE / DECIMAL as `number`;
 * - INT64 as `number` when it is a safe integer (`|x| <= 2^53 - 1`), otherwise as `bigint`;
 * - TIMESTAMP (any unit), DATE and INT96 as `Date` (millisecond precision: micro- and nanoseconds
 *   are truncated); this is also what the sink writes a `Date` as, so timestamps round-trip;
 * - JSON columns as the parsed value; other binary columns as `Uint8Array`; LIST as arrays; structs
 *   as objects; nulls as `null` (every column of the file is present on every row).
 *
 * **Sharding**: the inputs resolve to a sorted file list. With at least `world` files, task `rank`
 * reads a contiguous block of files ({@link Shard.pick}); with fewer files than tasks, the ordered
 * list of (file, row group) units is split instead, so every task gets work and every row is read by
 * exactly one task.
 *
 * **Writing**: `part-<rank>-<seq>.parquet` files written atomically (temporary name, then rename),
 * ZSTD (level 3, with frame checksums) by default, data page v1, dictionary encoding where values
 * repeat and PLAIN for high-cardinality text, statistics (byte-array bounds truncated to 64 bytes).
 * Every column present in the records is written; types are inferred by value kind (see
 * {@link ColumnType}: string, int64, double, boolean, timestamp, binary, lists, and `json` for objects
 * and mixed kinds, read back parsed). A part's schema is fixed by its first row group; when a later
 * row group brings a new column or a value that needs a wider type, the part is closed and a new one
 * starts with the widened schema (later parts keep every column of earlier ones). Pass `types` to
 * fix column types up front. Identical input gives byte-identical files.
 *
 * **One schema per directory**: tasks infer their schemas independently, so parts can differ; the
 * sink's `finalize`, which the executor runs once all of a stage's tasks are complete, rewrites the
 * parts that differ to the union schema (see {@link sink}), so the directory reads as one table.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Array as Arr, Effect, Stream } from "effect"
import type { FileMetaData, SchemaTree } from "hyparquet"
import type { Doc } from "./Doc.ts"
import { InputNotFound, OutputWriteError, ParquetReadError } from "./Errors.ts"
import { partsSink } from "./internal/files.ts"
import { resolveInputs } from "./internal/inputs.ts"
import type { Codec } from "./internal/parquet/compression.ts"
import {
  closeParquet,
  openParquet,
  type ParquetHandle,
  type Projection,
  readRowGroupRows,
  topLevelColumns
} from "./internal/parquet/reader.ts"
import type { ColumnType } from "./internal/parquet/types.ts"
import { unifyParts, UnifyError } from "./internal/parquet/unify.ts"
import { inferColumns, ParquetFileWriter, ParquetPartsWriter } from "./internal/parquet/writer.ts"
import * as Shard from "./Shard.ts"
import { partMatchers } from "./Sink.ts"
import type { Sink } from "./Sink.ts"
import type { Source } from "./Source.ts"
import * as StackColumns from "./StackColumns.ts"

export type { Codec } from "./internal/parquet/compression.ts"
export type { ColumnType, ListElementType, ScalarType } from "./internal/parquet/types.ts"

/**
 * File name endings the source picks up in a directory or glob (files named explicitly are read
 * whatever their name).
 *
 * @since 0.1.0 @category constants
 */
export const extensions: ReadonlyArray<string> = [".parquet"]

/** @since 0.1.0 @category models */
export interface ReadOptions {
  /**
   * Columns to read (projection), by file column name or by mapped field name; output fields follow
   * this order. All columns by default. Names that match no column are ignored.
   */
  readonly columns?: ReadonlyArray<string> | undefined
  /** How file columns are named in the output (default `doc`, the identity). */
  readonly mapping?: StackColumns.Name | StackColumns.Mapping | undefined
}

/** @since 0.1.0 @category models */
export interface SourceOptions extends ReadOptions {}

/**
 * What one task reads: a file, and either all its row groups or the listed ones.
 *
 * @since 0.1.0 @category models
 */
export interface Unit {
  readonly file: string
  readonly rowGroups?: ReadonlyArray<number> | undefined
}

const projection = (handle: ParquetHandle, options: ReadOptions): Projection => ({
  columns: StackColumns.plan(topLevelColumns(handle), StackColumns.resolve(options.mapping), options.columns)
})

const allRowGroups = (handle: ParquetHandle): Array<number> =>
  Array.from({ length: handle.metadata.row_groups.length }, (_, i) => i)

/** Open a file named by the user: a missing file is {@link InputNotFound}. */
const openInput = (file: string): ParquetHandle => {
  if (!fs.existsSync(file)) throw new InputNotFound({ path: file })
  return openParquet(file)
}

const rowGroupCount = (file: string): number => {
  const handle = openParquet(file)
  try {
    return handle.metadata.row_groups.length
  } finally {
    closeParquet(handle)
  }
}

/**
 * The units task `shard.rank` of `shard.world` reads from a sorted file list: a block of whole files
 * when there are at least `world` files, otherwise a block of the ordered (file, row group) list
 * (which needs every file's footer).
 *
 * @since 0.1.0 @category sharding
 */
export const units = (files: ReadonlyArray<string>, shard: Shard.Shard): Effect.Effect<Array<Unit>, ParquetReadError> =>
  Effect.suspend(() => {
    Shard.validate(shard)
    if (files.length >= shard.world) return Effect.succeed(Shard.pick(files, shard).map((file) => ({ file })))
    return Effect.try({
      try: () => {
        const all: Array<readonly [string, number]> = []
        for (const file of files) {
          const n = rowGroupCount(file)
          for (let i = 0; i < n; i++) all.push([file, i])
        }
        const out: Array<{ file: string; rowGroups: Array<number> }> = []
        for (const [file, rowGroup] of Shard.pick(all, shard)) {
          const last = out[out.length - 1]
          if (last !== undefined && last.file === file) last.rowGroups.push(rowGroup)
          else out.push({ file, rowGroups: [rowGroup] })
        }
        return out as Array<Unit>
      },
      catch: (cause) => cause instanceof ParquetReadError ? cause : new ParquetReadError({ file: String(files), cause })
    })
  })

const asReadError = (file: string) => (cause: unknown): ParquetReadError | InputNotFound =>
  cause instanceof ParquetReadError || cause instanceof InputNotFound ? cause : new ParquetReadError({ file, cause })

const open = (file: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => openParquet(file),
      catch: (cause) => cause instanceof ParquetReadError ? cause : new ParquetReadError({ file, cause })
    }),
    (handle) => Effect.sync(() => closeParquet(handle))
  )

/**
 * Stream the rows of one unit, one chunk per row group.
 *
 * @since 0.1.0 @category reading
 */
export const readUnit = <A = Record<string, unknown>>(unit: Unit, options: ReadOptions = {}): Stream.Stream<A, ParquetReadError> =>
  Stream.unwrap(Effect.map(open(unit.file), (handle) => {
    const plan = projection(handle, options)
    const indices = unit.rowGroups ?? allRowGroups(handle)
    return Stream.fromIterable(indices).pipe(
      Stream.mapEffect((index) =>
        Effect.try({
          try: () => readRowGroupRows(handle, index, plan) as unknown as Array<A>,
          catch: (cause) =>
            cause instanceof ParquetReadError ? cause : new ParquetReadError({ file: unit.file, rowGroup: index, cause })
        })
      ),
      Stream.filter(Arr.isArrayNonEmpty),
      Stream.flattenArray
    )
  }))

/**
 * Read Parquet files (a file, a directory, a glob, or a list of them) as Docs, sharded by task (see
 * the module comment). Rows keep every column of the file (or the projected ones), renamed by the
 * mapping; the type parameter is not checked.
 *
 * @since 0.1.0 @category constructors
 */
export const source = <A = Doc>(input: string | ReadonlyArray<string>, options: SourceOptions = {}): Source<A> => {
  StackColumns.resolve(options.mapping) // an unknown mapping name fails here, not in a task
  return {
    name: "parquet",
    read: (shard) =>
      Stream.unwrap(Effect.gen(function*() {
        const files = yield* resolveInputs(input, extensions)
        const planned = yield* units(files, shard)
        return Stream.fromIterable(planned).pipe(Stream.flatMap((unit) => readUnit<A>(unit, options)))
      }))
  }
}

/** @since 0.1.0 @category models */
export interface WriteOptions {
  /** `zstd` (default), `snappy`, `gzip` or `uncompressed`. */
  readonly codec?: Codec | undefined
  /** zstd 1-22 (default 3) or gzip 1-9 (default 6); ignored by the other codecs. */
  readonly compressionLevel?: number | undefined
  /** Rows per row group (default 10,000). */
  readonly rowGroupSize?: number | undefined
  /**
   * Also close a row group once its records' `content` reaches about this many bytes (UTF-16 length;
   * default 32 MiB), so multi-megabyte documents keep row groups (and memory) bounded.
   */
  readonly rowGroupBytes?: number | undefined
  /** Target uncompressed bytes per data page (default 1 MiB). */
  readonly pageSize?: number | undefined
  /**
   * Column types fixed up front (instead of inferred); a value that does not fit fails the write
   * with an {@link OutputWriteError}. Columns of all-null values take their type from here too.
   */
  readonly types?: Readonly<Record<string, ColumnType>> | undefined
}

/** @since 0.1.0 @category models */
export interface SinkOptions extends WriteOptions {
  /**
   * Start a new part once the current one reaches this many bytes (checked after each row group,
   * so a part may pass it by up to one row group). Unlimited by default.
   */
  readonly maxFileBytes?: number | undefined
}

const matchers = partMatchers("parquet")

/**
 * Write Docs (or any records) as Parquet parts `part-<rank>-<seq>.parquet` in `dir` (see the module
 * comment). A task with no records writes no part. When the write fails or is interrupted, the part
 * in progress and the parts this write already committed are removed.
 *
 * `finalize` (run by the executor once every task of the stage has completed) gives every part of
 * the directory one schema, so DuckDB's plain `read_parquet('<dir>/*.parquet')` reads them all:
 * columns in first-seen order over the parts in name order, types merged as within a part
 * (`int64` with `double` gives `double`, any other conflict `json`), a type from an all-null column
 * giving way to the type of actual values. Only parts that differ are rewritten (atomically); column
 * chunks whose type is unchanged are copied byte for byte, missing columns are written as nulls,
 * row groups and codec are kept. It is idempotent, and a rerun after a crash midway produces the
 * bytes of an uninterrupted run.
 *
 * @since 0.1.0 @category constructors
 */
export const sink = <A = Doc>(dir: string, options: SinkOptions = {}): Sink<A> =>
  partsSink(
    "parquet",
    dir,
    "parquet",
    (rank) => new ParquetPartsWriter(dir, rank, { ...options, codec: options.codec ?? "zstd" }),
    (dir: string) =>
      Effect.try({
        try: () => {
          unifyParts(listParts(dir), { ...options, codec: options.codec ?? "zstd" })
        },
        catch: (cause) =>
          cause instanceof UnifyError
            ? new OutputWriteError({ file: cause.file, cause: cause.cause })
            : new OutputWriteError({ file: dir, cause })
      })
  )

/** The sink's parts in `dir`, sorted by name (none when `dir` does not exist). */
const listParts = (dir: string): Array<string> => {
  let entries: Array<fs.Dirent>
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return []
    throw e
  }
  return entries
    .filter((e) => e.isFile() && matchers.ownsFile(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name))
}

// ---------------------------------------------------------------------------------------------
// Plain helpers

/**
 * One top-level column of a file, with a readable type: `string`, `int32`, `int64`, `double`,
 * `float`, `boolean`, `timestamp`, `date`, `json`, `binary`, `decimal(p,s)`, `list<...>`,
 * `struct<...>`, `map<...>` or the physical type.
 *
 * @since 0.1.0 @category models
 */
export interface ColumnInfo {
  readonly name: string
  readonly type: string
  readonly nullable: boolean
}

/** @since 0.1.0 @category models */
export interface RowGroupInfo {
  readonly rows: number
  readonly compressedBytes: number
  readonly uncompressedBytes: number
}

/** @since 0.1.0 @category models */
export interface FileInfo {
  readonly file: string
  /** File size in bytes. */
  readonly bytes: number
  readonly rows: number
  readonly createdBy: string | undefined
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly rowGroups: ReadonlyArray<RowGroupInfo>
  /** Compression codecs used by the column chunks. */
  readonly codecs: ReadonlyArray<string>
  /** The parsed footer, as hyparquet returns it. */
  readonly raw: FileMetaData
}

const describeType = (node: SchemaTree): string => {
  const e = node.element
  const lt = e.logical_type
  if (node.children.length > 0) {
    if (e.converted_type === "LIST" || lt?.type === "LIST") {
      const inner = node.children[0]!
      const item = inner.children.length === 1 ? inner.children[0]! : inner
      return `list<${describeType(item)}>`
    }
    if (e.converted_type === "MAP" || lt?.type === "MAP") {
      const kv = node.children[0]!
      return `map<${kv.children.map(describeType).join(", ")}>`
    }
    return `struct<${node.children.map((c) => `${c.element.name}: ${describeType(c)}`).join(", ")}>`
  }
  if (e.converted_type === "UTF8" || e.converted_type === "ENUM" || lt?.type === "STRING" || lt?.type === "ENUM") return "string"
  if (e.converted_type === "JSON" || lt?.type === "JSON") return "json"
  if (lt?.type === "TIMESTAMP" || e.converted_type === "TIMESTAMP_MILLIS" || e.converted_type === "TIMESTAMP_MICROS") {
    return "timestamp"
  }
  if (e.type === "INT96") return "timestamp"
  if (lt?.type === "DATE" || e.converted_type === "DATE") return "date"
  if (e.converted_type === "DECIMAL" || lt?.type === "DECIMAL") return `decimal(${e.precision ?? "?"},${e.scale ?? 0})`
  switch (e.type) {
    case "INT32":
      return "int32"
    case "INT64":
      return "int64"
    case "DOUBLE":
      return "double"
    case "FLOAT":
      return "float"
    case "BOOLEAN":
      return "boolean"
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      return "binary"
    default:
      return String(e.type)
  }
}

const fileInfo = (handle: ParquetHandle): FileInfo => {
  const { metadata } = handle
  const codecs = new Set<string>()
  for (const rg of metadata.row_groups) for (const c of rg.columns) if (c.meta_data) codecs.add(c.meta_data.codec)
  return {
    file: handle.file,
    bytes: handle.size,
    rows: Number(metadata.num_rows),
    createdBy: metadata.created_by,
    columns: handle.schema.children.map((node) => ({
      name: node.element.name,
      type: describeType(node),
      nullable: node.element.repetition_type !== "REQUIRED"
    })),
    rowGroups: metadata.row_groups.map((rg) => ({
      rows: Number(rg.num_rows),
      compressedBytes: Number(
        rg.total_compressed_size ?? rg.columns.reduce((n, c) => n + (c.meta_data?.total_compressed_size ?? 0n), 0n)
      ),
      uncompressedBytes: Number(rg.total_byte_size)
    })),
    codecs: [...codecs].sort(),
    raw: metadata
  }
}

/**
 * The footer of a Parquet file: rows, row groups, columns with readable types, codecs. Throws
 * {@link ParquetReadError}, or {@link InputNotFound} when the file does not exist.
 *
 * @since 0.1.0 @category helpers
 */
export const metadataSync = (file: string): FileInfo => {
  const handle = openInput(file)
  try {
    return fileInfo(handle)
  } finally {
    closeParquet(handle)
  }
}

/**
 * The footer of a Parquet file (see {@link metadataSync}).
 *
 * @since 0.1.0 @category helpers
 */
export const metadata = (file: string): Effect.Effect<FileInfo, ParquetReadError | InputNotFound> =>
  Effect.try({ try: () => metadataSync(file), catch: asReadError(file) })

/** @since 0.1.0 @category models */
export interface ReadFileOptions extends ReadOptions {
  /** Only these row groups (default all), in this order. */
  readonly rowGroups?: ReadonlyArray<number> | undefined
}

/**
 * Read a whole Parquet file (or some of its row groups) into memory as row objects. Throws
 * {@link ParquetReadError}, or {@link InputNotFound} when the file does not exist.
 *
 * @since 0.1.0 @category helpers
 */
export const readFileSync = (file: string, options: ReadFileOptions = {}): Array<Record<string, unknown>> => {
  const handle = openInput(file)
  try {
    const plan = projection(handle, options)
    const indices = options.rowGroups ?? allRowGroups(handle)
    const out: Array<Record<string, unknown>> = []
    for (const index of indices) {
      const rows = readRowGroupRows(handle, index, plan)
      for (let i = 0; i < rows.length; i++) out.push(rows[i]!)
    }
    return out
  } finally {
    closeParquet(handle)
  }
}

/**
 * Read a whole Parquet file into memory (see {@link readFileSync}); for large inputs use
 * {@link source}, which streams row group by row group.
 *
 * @since 0.1.0 @category helpers
 */
export const readFile = (
  file: string,
  options: ReadFileOptions = {}
): Effect.Effect<Array<Record<string, unknown>>, ParquetReadError | InputNotFound> =>
  Effect.try({ try: () => readFileSync(file, options), catch: asReadError(file) })

/**
 * Write records to one Parquet file, atomically. The schema is inferred from all the records at
 * once (so no part splitting is needed), with `types` taking precedence. Returns the path. Throws
 * {@link OutputWriteError}.
 *
 * @since 0.1.0 @category helpers
 */
export const writeFileSync = (file: string, rows: ReadonlyArray<object>, options: WriteOptions = {}): string => {
  const records = rows as ReadonlyArray<Record<string, unknown>>
  let writer: ParquetFileWriter | undefined
  try {
    const columns = inferColumns(records, options.types)
    writer = new ParquetFileWriter(file, columns, { ...options, codec: options.codec ?? "zstd" })
    const size = Math.max(1, options.rowGroupSize ?? 10_000)
    const maxBytes = Math.max(1, options.rowGroupBytes ?? 32 << 20)
    let start = 0
    let bytes = 0
    for (let i = 0; i < records.length; i++) {
      const content = records[i]!.content
      bytes += (typeof content === "string" ? content.length : 0) + 64
      if (i + 1 - start >= size || bytes >= maxBytes) {
        writer.writeRowGroup(records, start, i + 1)
        start = i + 1
        bytes = 0
      }
    }
    writer.writeRowGroup(records, start, records.length)
    return writer.finish()
  } catch (cause) {
    writer?.abort()
    throw new OutputWriteError({ file, cause })
  }
}

/**
 * Write records to one Parquet file (see {@link writeFileSync}).
 *
 * @since 0.1.0 @category helpers
 */
export const writeFile = (
  file: string,
  rows: ReadonlyArray<object>,
  options: WriteOptions = {}
): Effect.Effect<string, OutputWriteError> =>
  Effect.try({
    try: () => writeFileSync(file, rows, options),
    catch: (cause) => cause instanceof OutputWriteError ? cause : new OutputWriteError({ file, cause })
  })
