/**
 * One schema for every part of an output directory. Each task infers its parts' schemas from its
 * own records, so parts may differ: a column present in one part and absent (or all null, typed by
 * default) in another, `int64` in one and `double` in another. Readers that expect one schema per
 * glob (DuckDB's plain `read_parquet('<dir>/*.parquet')`) then fail. {@link unifyParts} reads every
 * part's footer, computes the union schema and rewrites the parts that differ from it.
 *
 * The union, over the parts in the order given (sorted names):
 * - columns in first-seen order;
 * - a column's type is the {@link merge} of its types in the parts where it holds values (`int64`
 *   with `double` gives `double`, also inside lists; any other conflict gives `json`, the JSON text
 *   of each value, as the writer does for mixed kinds within one part). A part where the column
 *   holds only nulls does not vote (its type was a default); one where a list column holds only
 *   empty lists votes for "some list". A column that holds only nulls everywhere keeps the type it
 *   has in the first part that has it.
 *
 * A rewrite copies every column chunk whose type is unchanged byte for byte (pages, encodings,
 * codec, statistics), re-encodes the columns whose type widened, and writes all-null chunks for
 * missing columns (with the part's codec); row groups keep their boundaries. Each rewrite is
 * atomic (temporary file, then rename). The result depends only on the parts' bytes and the
 * options, and a part rewritten to the union schema yields the same union again, so unifying is
 * idempotent and a rerun after a crash midway (some parts rewritten, some not) computes the same
 * union and the same bytes as an uninterrupted run.
 */
import type { ColumnChunk, CompressionCodec, SchemaTree } from "hyparquet"
import type { Codec } from "./compression.ts"
import { closeParquet, openParquet, type ParquetHandle, readChunkBytes, readRowGroupColumns } from "./reader.ts"
import { type ColumnType, listElement, merge } from "./types.ts"
import { type ChunkInput, type ColumnSpec, ParquetFileWriter } from "./writer.ts"

/** Settings for the chunks a rewrite encodes (all-null and widened columns). */
export interface UnifyOptions {
  /** Codec for parts whose own codec the writer does not write (default of the sink). */
  readonly codec: Codec
  /** Compression level, used for parts written with `codec`. */
  readonly compressionLevel?: number | undefined
  readonly pageSize?: number | undefined
}

/** What a column of a part holds. */
type Content = "values" | "empty-lists" | "nulls"

interface PartColumn {
  readonly name: string
  readonly type: ColumnType
  readonly content: Content
}

/** Why a part cannot be unified: names the file (for the caller's error). */
export class UnifyError extends Error {
  readonly file: string
  override readonly cause: unknown
  constructor(file: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.file = file
    this.cause = cause
  }
}

const isString = (e: SchemaTree["element"]) =>
  e.converted_type === "UTF8" || e.logical_type?.type === "STRING"

const noAnnotation = (e: SchemaTree["element"]) => e.converted_type === undefined && e.logical_type === undefined

/** The sink's column type of a top-level column, or undefined for a layout the sink never writes. */
export const columnTypeOf = (node: SchemaTree): ColumnType | undefined => {
  const e = node.element
  if (e.repetition_type !== "OPTIONAL") return undefined
  if (node.children.length === 0) {
    switch (e.type) {
      case "BYTE_ARRAY":
        if (isString(e)) return "string"
        if (e.converted_type === "JSON" || e.logical_type?.type === "JSON") return "json"
        return noAnnotation(e) ? "binary" : undefined
      case "INT64":
        if (noAnnotation(e)) return "int64"
        return e.logical_type?.type === "TIMESTAMP" && e.logical_type.unit === "MILLIS" ? "timestamp" : undefined
      case "DOUBLE":
        return noAnnotation(e) ? "double" : undefined
      case "BOOLEAN":
        return noAnnotation(e) ? "boolean" : undefined
      default:
        return undefined
    }
  }
  if (e.converted_type !== "LIST" && e.logical_type?.type !== "LIST") return undefined
  const list = node.children.length === 1 ? node.children[0]! : undefined
  const item = list?.element.repetition_type === "REPEATED" && list.children.length === 1 ? list.children[0]! : undefined
  if (item === undefined || item.children.length > 0 || item.element.repetition_type !== "OPTIONAL") return undefined
  const x = item.element
  switch (x.type) {
    case "BYTE_ARRAY":
      return isString(x) ? "list<string>" : undefined
    case "INT32":
      return noAnnotation(x) ? "list<int32>" : undefined
    case "INT64":
      return noAnnotation(x) ? "list<int64>" : undefined
    case "DOUBLE":
      return noAnnotation(x) ? "list<double>" : undefined
    case "BOOLEAN":
      return noAnnotation(x) ? "list<boolean>" : undefined
    default:
      return undefined
  }
}

/** The chunk of top-level column `name` in row group `index`. */
const chunkOf = (handle: ParquetHandle, index: number, name: string): ColumnChunk => {
  const chunk = handle.metadata.row_groups[index]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name)
  if (chunk?.meta_data === undefined) throw new Error(`row group ${index} has no column chunk for ${name}`)
  return chunk
}

/**
 * What column `name` holds in a part: from the chunks' statistics (non-null leaf values), and for a
 * list column without elements by reading its (tiny) chunks to tell empty lists from nulls. Without
 * statistics the column counts as holding values.
 */
const contentOf = (handle: ParquetHandle, name: string, type: ColumnType): Content => {
  const groups = handle.metadata.row_groups.length
  for (let i = 0; i < groups; i++) {
    const m = chunkOf(handle, i, name).meta_data!
    const nulls = m.statistics?.null_count
    if (nulls === undefined || m.num_values > nulls) return "values"
  }
  if (listElement(type) === undefined) return "nulls"
  for (let i = 0; i < groups; i++) {
    const values = readRowGroupColumns(handle, i, new Set([name])).get(name)!
    for (let r = 0; r < values.length; r++) if (values[r] !== null && values[r] !== undefined) return "empty-lists"
  }
  return "nulls"
}

const survey = (handle: ParquetHandle): Array<PartColumn> =>
  handle.schema.children.map((node) => {
    const name = node.element.name
    const type = columnTypeOf(node)
    if (type === undefined) throw new Error(`column ${name} has a layout the Parquet sink does not write`)
    return { name, type, content: contentOf(handle, name, type) }
  })

interface Votes {
  /** Merged type of the parts where the column holds values. */
  values: ColumnType | undefined
  /** Type in the first part where the column holds only empty lists (and nulls). */
  emptyLists: ColumnType | undefined
  /** Type in the first part that has the column. */
  readonly first: ColumnType
}

/** The union schema of the parts, in the order given (see the module comment). */
export const unionSchema = (parts: ReadonlyArray<ReadonlyArray<PartColumn>>): Array<ColumnSpec> => {
  const votes = new Map<string, Votes>()
  for (const columns of parts) {
    for (const { content, name, type } of columns) {
      let v = votes.get(name)
      if (v === undefined) votes.set(name, v = { values: undefined, emptyLists: undefined, first: type })
      if (content === "values") v.values = v.values === undefined ? type : merge(v.values, type)
      else if (content === "empty-lists") v.emptyLists ??= type
    }
  }
  const out: Array<ColumnSpec> = []
  for (const [name, v] of votes) {
    let type: ColumnType
    if (v.values === undefined) type = v.emptyLists ?? v.first
    else if (v.emptyLists !== undefined && listElement(v.values) === undefined) type = merge(v.values, v.emptyLists)
    else type = v.values
    out.push({ name, type })
  }
  return out
}

const sameSchema = (a: ReadonlyArray<ColumnSpec>, b: ReadonlyArray<ColumnSpec>): boolean =>
  a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.type === b[i]!.type)

const codecOf = (codec: CompressionCodec | undefined): Codec | undefined => {
  switch (codec) {
    case "ZSTD":
      return "zstd"
    case "SNAPPY":
      return "snappy"
    case "GZIP":
      return "gzip"
    case "UNCOMPRESSED":
      return "uncompressed"
    default:
      return undefined
  }
}

/** Rewrite the part open in `handle` to `target`, atomically (the old file stays readable through the handle). */
const rewrite = (handle: ParquetHandle, current: ReadonlyArray<PartColumn>, target: ReadonlyArray<ColumnSpec>, options: UnifyOptions) => {
  const own = codecOf(handle.metadata.row_groups[0]?.columns[0]?.meta_data?.codec)
  const codec = own ?? options.codec
  const writer = new ParquetFileWriter(handle.file, target, {
    codec,
    compressionLevel: codec === options.codec ? options.compressionLevel : undefined,
    pageSize: options.pageSize
  })
  try {
    const byName = new Map(current.map((c) => [c.name, c]))
    const widened = new Set(target.filter((t) => {
      const c = byName.get(t.name)
      return c !== undefined && c.type !== t.type
    }).map((t) => t.name))
    const groups = handle.metadata.row_groups
    for (let i = 0; i < groups.length; i++) {
      const rows = Number(groups[i]!.num_rows)
      const decoded = widened.size > 0 ? readRowGroupColumns(handle, i, widened) : undefined
      const inputs: Array<ChunkInput> = target.map(({ name }): ChunkInput => {
        if (!byName.has(name)) return { _tag: "Values", values: { length: rows } }
        const values = decoded?.get(name)
        if (values !== undefined) return { _tag: "Values", values }
        const chunk = chunkOf(handle, i, name)
        return { _tag: "Copy", chunk, bytes: readChunkBytes(handle, chunk.meta_data!) }
      })
      writer.writeRowGroupChunks(rows, inputs)
    }
    writer.finish()
  } catch (e) {
    writer.abort()
    throw e
  }
}

/**
 * Unify the schemas of `files` (the parts of one output directory, in name order): compute the
 * union schema and rewrite, atomically, the parts whose schema differs from it. Returns the parts
 * rewritten. Throws {@link UnifyError} naming the part that could not be read or written.
 */
export const unifyParts = (files: ReadonlyArray<string>, options: UnifyOptions): Array<string> => {
  const schemas: Array<Array<PartColumn>> = []
  for (const file of files) {
    let handle: ParquetHandle | undefined
    try {
      handle = openParquet(file)
      schemas.push(survey(handle))
    } catch (cause) {
      throw new UnifyError(file, cause)
    } finally {
      if (handle !== undefined) closeParquet(handle)
    }
  }
  const target = unionSchema(schemas)
  const rewritten: Array<string> = []
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!
    const current = schemas[f]!
    if (sameSchema(current, target)) continue
    let handle: ParquetHandle | undefined
    try {
      handle = openParquet(file)
      rewrite(handle, current, target, options)
      rewritten.push(file)
    } catch (cause) {
      throw new UnifyError(file, cause)
    } finally {
      if (handle !== undefined) closeParquet(handle)
    }
  }
  return rewritten
}
