/**
 * Parquet file and part writers. A {@link ParquetFileWriter} writes row groups of a fixed schema
 * into one file (atomically: temporary name, then rename). A {@link ParquetPartsWriter} buffers
 * records into row groups, infers and widens the schema as records arrive, and starts a new part
 * when the schema must change or the part grows past `maxFileBytes`.
 *
 * The output depends only on the records and the options: no timestamps, random ids or versions in
 * the metadata, so identical input gives byte-identical files.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { ColumnChunk, FileMetaData, ParquetType, RowGroup, SchemaElement, Statistics } from "hyparquet"
import { ByteWriter } from "hyparquet-writer"
import { writeMetadata } from "hyparquet-writer/src/metadata.js"
import { AtomicFile } from "../atomic.ts"
import { partName } from "../../Sink.ts"
import { type Codec, compressor, parquetCodec } from "./compression.ts"
import { type EncodeContext, type Output, Scratch, writeColumnChunk } from "./encode.ts"
import { type ColumnType, docFieldTypes, fits, listElement, merge, typeOf } from "./types.ts"

/** The `created_by` written in every file (no version, so output does not change with releases). */
export const createdBy = "@pretrain/dataflow"

/** Longest byte-array min/max kept in statistics (longer ones are truncated to valid bounds). */
const statisticsTruncateLength = 64

const magic = new Uint8Array([0x50, 0x41, 0x52, 0x31]) // PAR1

/** One column chunk of a row group written by {@link ParquetFileWriter.writeRowGroupChunks}. */
export type ChunkInput =
  /** Encode these values, one per row (`null` / `undefined` are nulls; a missing index is a null). */
  | { readonly _tag: "Values"; readonly values: ArrayLike<unknown> }
  /** Copy an encoded column chunk of another file: its metadata and its bytes (see {@link chunkStart}). */
  | { readonly _tag: "Copy"; readonly chunk: ColumnChunk; readonly bytes: Uint8Array }

/**
 * Where a column chunk's pages start: its dictionary page when it has one, else its first data page.
 * The chunk's bytes are `total_compressed_size` bytes from there.
 */
export const chunkStart = (meta: NonNullable<ColumnChunk["meta_data"]>): number => {
  const dict = meta.dictionary_page_offset
  return Number(dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset)
}

/** Statistics fields kept when a chunk is copied. */
const statisticsFields = [
  "max",
  "min",
  "null_count",
  "distinct_count",
  "max_value",
  "min_value",
  "is_max_value_exact",
  "is_min_value_exact"
] as const

/** A record with no fields: every column of it is null. */
const noFields: Record<string, unknown> = Object.freeze({})

/** A column of a file being written. */
export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
}

/** Settings of the encoders. */
export interface EncodeOptions {
  readonly codec: Codec
  readonly compressionLevel?: number | undefined
  /** Uncompressed bytes of values per data page (default 1 MiB). */
  readonly pageSize?: number | undefined
}

const annotations = (type: ColumnType): Partial<SchemaElement> => {
  switch (listElement(type) ?? type) {
    case "string":
      return { converted_type: "UTF8", logical_type: { type: "STRING" } }
    case "json":
      return { converted_type: "JSON", logical_type: { type: "JSON" } }
    case "timestamp":
      return { converted_type: "TIMESTAMP_MILLIS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" } }
    default:
      return {}
  }
}

const physical = (type: ColumnType): ParquetType => {
  switch (listElement(type) ?? type) {
    case "int64":
    case "timestamp":
      return "INT64"
    case "int32":
      return "INT32"
    case "double":
      return "DOUBLE"
    case "boolean":
      return "BOOLEAN"
    default:
      return "BYTE_ARRAY"
  }
}

/** The flattened Parquet schema of a list of columns (every field OPTIONAL, lists as 3-level LIST). */
export const schemaElements = (columns: ReadonlyArray<ColumnSpec>): Array<SchemaElement> => {
  const out: Array<SchemaElement> = [{ name: "schema", num_children: columns.length }]
  for (const { name, type } of columns) {
    if (listElement(type) !== undefined) {
      out.push({ name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } })
      out.push({ name: "list", repetition_type: "REPEATED", num_children: 1 })
      out.push({ name: "element", type: physical(type), repetition_type: "OPTIONAL", ...annotations(type) })
    } else {
      out.push({ name, type: physical(type), repetition_type: "OPTIONAL", ...annotations(type) })
    }
  }
  return out
}

/** Buffered appends to an atomic file, tracking the absolute offset. */
class FileOutput implements Output {
  offset = 0
  private pending: Array<Uint8Array> = []
  private pendingBytes = 0
  readonly file: AtomicFile

  constructor(file: AtomicFile) {
    this.file = file
  }

  append(bytes: Uint8Array): void {
    this.offset += bytes.length
    if (bytes.length >= 1 << 20) {
      this.flush()
      this.file.write(bytes)
      return
    }
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    if (this.pendingBytes >= 4 << 20) this.flush()
  }

  flush(): void {
    if (this.pending.length === 0) return
    this.file.write(this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes))
    this.pending = []
    this.pendingBytes = 0
  }
}

/** One Parquet file of a fixed schema, written row group by row group. */
export class ParquetFileWriter {
  readonly columns: ReadonlyArray<ColumnSpec>
  private readonly out: FileOutput
  private readonly ctx: EncodeContext
  private readonly rowGroups: Array<RowGroup> = []
  private rows = 0

  constructor(file: string, columns: ReadonlyArray<ColumnSpec>, options: EncodeOptions, scratch: Scratch = new Scratch()) {
    this.columns = columns
    this.ctx = {
      codec: parquetCodec(options.codec),
      compress: compressor(options.codec, options.compressionLevel),
      pageSize: options.pageSize ?? 1 << 20,
      scratch
    }
    this.out = new FileOutput(new AtomicFile(file))
    this.out.append(magic)
  }

  /** The final path of the file. */
  get file(): string {
    return this.out.file.file
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.out.offset
  }

  /** Number of row groups written so far. */
  get rowGroupCount(): number {
    return this.rowGroups.length
  }

  /** Write `rows[start, end)` as one row group. */
  writeRowGroup(rows: ReadonlyArray<Record<string, unknown>>, start = 0, end = rows.length): void {
    if (end <= start) return
    const groupStart = this.out.offset
    const chunks: Array<ColumnChunk> = []
    for (const column of this.columns) {
      chunks.push(writeColumnChunk(this.out, this.ctx, column.name, column.type, rows, start, end))
    }
    this.addRowGroup(groupStart, chunks, end - start)
  }

  /**
   * Write one row group of `rows` rows assembled column by column: `inputs[i]` gives the chunk of
   * `columns[i]`, either values to encode or an encoded chunk of another file copied as it is (its
   * pages, encodings, codec and statistics; only its offsets change). A copied chunk must have been
   * written for the same column name and type. An empty row group (`rows` 0) is written too.
   */
  writeRowGroupChunks(rows: number, inputs: ReadonlyArray<ChunkInput>): void {
    if (inputs.length !== this.columns.length) {
      throw new TypeError(`a row group needs ${this.columns.length} column chunks, got ${inputs.length}`)
    }
    const groupStart = this.out.offset
    const chunks: Array<ColumnChunk> = []
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!
      const { name, type } = this.columns[i]!
      if (input._tag === "Values") {
        const records = new Array<Record<string, unknown>>(rows)
        for (let r = 0; r < rows; r++) {
          const v = input.values[r]
          records[r] = v === null || v === undefined ? noFields : { [name]: v }
        }
        chunks.push(writeColumnChunk(this.out, this.ctx, name, type, records, 0, rows))
      } else {
        chunks.push(this.copyChunk(name, type, input.chunk, input.bytes))
      }
    }
    this.addRowGroup(groupStart, chunks, rows)
  }

  private copyChunk(name: string, type: ColumnType, chunk: ColumnChunk, bytes: Uint8Array): ColumnChunk {
    const m = chunk.meta_data
    if (m === undefined) throw new TypeError(`column ${name}: the chunk to copy has no metadata`)
    if (m.path_in_schema[0] !== name || m.type !== physical(type)) {
      throw new TypeError(`column ${name} (${type}): cannot copy a ${m.type} chunk of column ${m.path_in_schema.join(".")}`)
    }
    if (BigInt(bytes.length) !== m.total_compressed_size) {
      throw new TypeError(`column ${name}: chunk is ${m.total_compressed_size} bytes, got ${bytes.length}`)
    }
    const from = BigInt(chunkStart(m))
    const at = BigInt(this.out.offset)
    this.out.append(bytes)
    const meta: NonNullable<ColumnChunk["meta_data"]> = {
      type: m.type,
      encodings: m.encodings,
      path_in_schema: m.path_in_schema,
      codec: m.codec,
      num_values: m.num_values,
      total_uncompressed_size: m.total_uncompressed_size,
      total_compressed_size: m.total_compressed_size,
      data_page_offset: m.data_page_offset - from + at
    }
    if (m.dictionary_page_offset !== undefined && Number(m.dictionary_page_offset) === chunkStart(m)) {
      meta.dictionary_page_offset = at
    }
    if (m.statistics !== undefined) {
      const stats: Statistics = {}
      for (const key of statisticsFields) if (m.statistics[key] !== undefined) (stats as Record<string, unknown>)[key] = m.statistics[key]
      meta.statistics = stats
    }
    return { file_offset: at, meta_data: meta }
  }

  private addRowGroup(groupStart: number, chunks: Array<ColumnChunk>, rows: number): void {
    let uncompressed = 0n
    for (const chunk of chunks) uncompressed += chunk.meta_data!.total_uncompressed_size
    this.rowGroups.push({
      columns: chunks,
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      file_offset: BigInt(groupStart),
      total_compressed_size: BigInt(this.out.offset - groupStart)
    })
    this.rows += rows
  }

  /** Write the footer and rename the file into place; returns its path. */
  finish(): string {
    const metadata: FileMetaData = {
      version: 2,
      schema: schemaElements(this.columns),
      num_rows: BigInt(this.rows),
      row_groups: this.rowGroups,
      created_by: createdBy,
      metadata_length: 0
    }
    delete (metadata as Partial<FileMetaData>).metadata_length
    const footer = new ByteWriter(1 << 12)
    // hyparquet-writer is typed against its own copy of hyparquet: same shapes, other declarations
    writeMetadata(footer, metadata as unknown as Parameters<typeof writeMetadata>[1], statisticsTruncateLength)
    footer.appendBytes(magic)
    this.out.append(footer.getBytes())
    this.out.flush()
    return this.out.file.commit()
  }

  /** Remove the temporary file. */
  abort(): void {
    this.out.file.abort()
  }
}

/** A column of a writer's evolving schema. */
interface ColumnState {
  readonly name: string
  type: ColumnType
  /** Only nulls seen so far: the type is a default and may still change. */
  assumed: boolean
}

/** Options of the parts writer. */
export interface PartsWriterOptions extends EncodeOptions {
  /** Rows per row group (default 10,000). */
  readonly rowGroupSize?: number | undefined
  /** Approximate uncompressed bytes per row group (string lengths; default 32 MiB). */
  readonly rowGroupBytes?: number | undefined
  /** Start a new part once a part reaches this many bytes (checked after each row group). */
  readonly maxFileBytes?: number | undefined
  /** Fixed column types; values that do not fit fail the write. */
  readonly types?: Readonly<Record<string, ColumnType>> | undefined
}

/** Rough uncompressed size of a record: the UTF-16 length of its `content`, plus a constant. */
const sizeOf = (row: Record<string, unknown>): number => {
  const content = row.content
  return (typeof content === "string" ? content.length : 0) + 64
}

/** Per column of `rows` (in order of first appearance): the type of its values, null if all null. */
export const observeColumns = (rows: ReadonlyArray<Record<string, unknown>>): Map<string, ColumnType | null> => {
  const seen = new Map<string, ColumnType | null>()
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    for (const key in row) {
      const v = row[key]
      const prev = seen.get(key)
      if (v === null || v === undefined) {
        if (prev === undefined) seen.set(key, null)
        continue
      }
      if (prev === null || prev === undefined) seen.set(key, typeOf(v))
      else {
        const t = typeOf(v)
        if (prev !== t) seen.set(key, merge(prev, t))
      }
    }
  }
  return seen
}

/** One schema for all of `rows`: observed types, `types` where given, Doc field defaults for all-null columns. */
export const inferColumns = (
  rows: ReadonlyArray<Record<string, unknown>>,
  types: Readonly<Record<string, ColumnType>> = {}
): Array<ColumnSpec> => {
  const out: Array<ColumnSpec> = []
  for (const [name, t] of observeColumns(rows)) out.push({ name, type: types[name] ?? t ?? docFieldTypes[name] ?? "string" })
  return out
}

/**
 * Writes one task's records as `part-<rank>-<seq>.parquet` files in `dir`. Each part is renamed
 * into place when complete; `abort` removes the part in progress and every part already written.
 */
export class ParquetPartsWriter {
  readonly dir: string
  readonly rank: number
  /** Final paths of the parts committed so far. */
  readonly paths: Array<string> = []
  private readonly options: PartsWriterOptions
  private readonly rowGroupSize: number
  private readonly rowGroupBytes: number
  private readonly types: Readonly<Record<string, ColumnType>>
  private readonly scratch = new Scratch()
  private readonly schema: Array<ColumnState> = []
  private readonly byName = new Map<string, ColumnState>()
  private part: ParquetFileWriter | undefined = undefined
  private seq = 0
  private buffer: Array<Record<string, unknown>> = []
  private bufferBytes = 0

  constructor(dir: string, rank: number, options: PartsWriterOptions) {
    this.dir = dir
    this.rank = rank
    this.options = options
    this.rowGroupSize = Math.max(1, options.rowGroupSize ?? 10_000)
    this.rowGroupBytes = Math.max(1, options.rowGroupBytes ?? 32 << 20)
    this.types = options.types ?? {}
  }

  /** The part being written (or the next one), for error messages. */
  get currentFile(): string {
    return this.part?.file ?? path.join(this.dir, partName(this.rank, this.seq, "parquet"))
  }

  /** Buffer records, writing a row group whenever one is full. */
  write(records: ReadonlyArray<unknown>): void {
    for (let i = 0; i < records.length; i++) {
      const row = records[i] as Record<string, unknown>
      this.buffer.push(row)
      this.bufferBytes += sizeOf(row)
      if (this.buffer.length >= this.rowGroupSize || this.bufferBytes >= this.rowGroupBytes) this.flushRowGroup()
    }
  }

  /** Write what is buffered and commit the last part; returns every part written, in order. */
  finish(): ReadonlyArray<string> {
    this.flushRowGroup()
    this.closePart()
    return this.paths
  }

  /** Remove the part in progress and the parts already committed by this writer. */
  abort(): void {
    this.part?.abort()
    this.part = undefined
    for (const file of this.paths.splice(0)) fs.rmSync(file, { force: true })
  }

  private closePart(): void {
    if (this.part === undefined) return
    const part = this.part
    this.part = undefined
    this.paths.push(part.finish())
    this.seq++
  }

  private flushRowGroup(): void {
    const rows = this.buffer
    if (rows.length === 0) return
    this.buffer = []
    this.bufferBytes = 0
    this.reconcile(rows)
    if (this.part === undefined) {
      this.part = new ParquetFileWriter(
        path.join(this.dir, partName(this.rank, this.seq, "parquet")),
        this.schema.map(({ name, type }) => ({ name, type })),
        this.options,
        this.scratch
      )
    }
    this.part.writeRowGroup(rows)
    const max = this.options.maxFileBytes
    if (max !== undefined && this.part.bytes >= max) this.closePart()
  }

  /**
   * Fit the schema to the next row group: new columns are added (after the existing ones) and types
   * widened; if that changes the schema of a part that already holds row groups, the part is closed
   * and the row group starts a new one. A new column holding only nulls never forces a new part: it
   * joins the schema when a part starts.
   */
  private reconcile(rows: ReadonlyArray<Record<string, unknown>>): void {
    const fresh = this.part === undefined
    let changed = false
    for (const [name, seen] of observeColumns(rows)) {
      const declared = this.types[name]
      if (seen !== null && declared !== undefined && !fits(seen, declared)) {
        throw new TypeError(`column ${name} is declared ${declared} but holds ${seen} values`)
      }
      const column = this.byName.get(name)
      if (column === undefined) {
        if (seen === null) {
          if (fresh) this.addColumn({ name, type: declared ?? docFieldTypes[name] ?? "string", assumed: declared === undefined })
        } else {
          this.addColumn({ name, type: declared ?? seen, assumed: false })
          changed = true
        }
        continue
      }
      if (seen === null || declared !== undefined) continue
      if (fits(seen, column.type)) column.assumed = false
      else {
        column.type = column.assumed ? seen : merge(column.type, seen)
        column.assumed = false
        changed = true
      }
    }
    if (changed && !fresh) this.closePart()
  }

  private addColumn(column: ColumnState): void {
    this.schema.push(column)
    this.byName.set(column.name, column)
  }
}
