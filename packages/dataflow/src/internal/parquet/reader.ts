/**
 * Row-group reader over hyparquet's page decoders. Each row group's column chunks are read with one
 * positioned read each (bounded memory: one row group at a time), decoded with hyparquet's
 * `readColumn` (every encoding: PLAIN, dictionary, RLE, delta, byte-stream-split; data page v1 and
 * v2) and native decompressors, and turned into row objects. Any failure becomes a
 * {@link ParquetReadError} naming the file, the row group and the column.
 *
 * Value mapping: strings as `string`; INT64 as `number` when it is a safe integer (|x| <= 2^53 - 1),
 * else `bigint`; INT32/FLOAT/DOUBLE as `number`; BOOLEAN as `boolean`; TIMESTAMP / DATE / INT96 as
 * `Date` (millisecond precision); JSON as the parsed value; DECIMAL as `number`; other BYTE_ARRAY
 * and FIXED_LEN_BYTE_ARRAY as `Uint8Array` (a copy); LIST as arrays; structs as objects; nulls as
 * `null`.
 */
import * as fs from "node:fs"
import type { ColumnChunk, DecodedArray, FileMetaData, ParquetParsers, SchemaElement, SchemaTree } from "hyparquet"
import { parquetMetadata, parquetSchema } from "hyparquet"
import { assembleNested } from "hyparquet/src/assemble.js"
import { readColumn } from "hyparquet/src/column.js"
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js"
import { getTreePath } from "hyparquet/src/schema.js"
import { ParquetReadError } from "../../Errors.ts"
import { decompressors } from "./compression.ts"

type ColumnDecoder = Parameters<typeof readColumn>[2]

const utf8 = new TextDecoder()

/** Parsers: strings through one shared TextDecoder; everything else as hyparquet does it. */
export const parsers: ParquetParsers = {
  ...DEFAULT_PARSERS,
  stringFromBytes: (bytes: Uint8Array) => bytes === undefined || bytes === null ? bytes : utf8.decode(bytes)
}

/** An open Parquet file with its parsed footer. */
export interface ParquetHandle {
  readonly file: string
  readonly fd: number
  readonly size: number
  readonly metadata: FileMetaData
  readonly schema: SchemaTree
  /** Where the footer starts: column data must end before it. */
  readonly dataEnd: number
}

const readExactly = (fd: number, position: number, length: number): Buffer => {
  const buf = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done)
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done} (wanted ${length} bytes from ${position})`)
    done += n
  }
  return buf
}

/** Open a file and parse its footer; the caller must {@link closeParquet} it. */
export const openParquet = (file: string): ParquetHandle => {
  let fd: number
  try {
    fd = fs.openSync(file, "r")
  } catch (cause) {
    throw new ParquetReadError({ file, cause })
  }
  try {
    const size = fs.fstatSync(fd).size
    if (size < 12) throw new Error(`file is ${size} bytes, too short to be Parquet`)
    const head = readExactly(fd, 0, 4)
    if (head.readUInt32LE(0) !== 0x31524150) throw new Error("not a Parquet file (no PAR1 magic at the start)")
    const tail = readExactly(fd, size - 8, 8)
    if (tail.readUInt32LE(4) !== 0x31524150) {
      throw new Error("no PAR1 magic at the end: the file is truncated or not Parquet")
    }
    const footerLength = tail.readUInt32LE(0)
    if (footerLength > size - 12) throw new Error(`footer length ${footerLength} exceeds the file size ${size}`)
    const footer = readExactly(fd, size - 8 - footerLength, footerLength + 8)
    const metadata = parquetMetadata(footer, { parsers })
    const schema = parquetSchema(metadata)
    return { file, fd, size, metadata, schema, dataEnd: size - 8 - footerLength }
  } catch (cause) {
    fs.closeSync(fd)
    throw cause instanceof ParquetReadError ? cause : new ParquetReadError({ file, cause })
  }
}

/** Close a handle (idempotent errors are ignored). */
export const closeParquet = (handle: ParquetHandle): void => {
  try {
    fs.closeSync(handle.fd)
  } catch {
    // already closed
  }
}

/** Top-level column names of a file, in schema order. */
export const topLevelColumns = (handle: ParquetHandle): Array<string> => handle.schema.children.map((c) => c.element.name)

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)
const minSafe = -maxSafe

/** `bigint` to `number` when safe, recursively through arrays. */
const fromBigInt = (v: unknown): unknown => {
  if (typeof v === "bigint") return v >= minSafe && v <= maxSafe ? Number(v) : v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromBigInt(v[i])
  }
  return v
}

/** Copy byte arrays (so rows never pin a whole page buffer), recursively through arrays. */
const copyBytes = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return v.slice()
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = copyBytes(v[i])
  }
  return v
}

const isBigIntLeaf = (e: SchemaElement) => e.type === "INT64"

const isBytesLeaf = (e: SchemaElement) =>
  (e.type === "BYTE_ARRAY" || e.type === "FIXED_LEN_BYTE_ARRAY") && !isStringLeaf(e) &&
  e.converted_type === undefined && e.logical_type === undefined

const isStringLeaf = (e: SchemaElement) =>
  e.converted_type === "UTF8" || e.converted_type === "ENUM" || e.logical_type?.type === "STRING" ||
  e.logical_type?.type === "ENUM"

/** Post-process a decoded leaf column into JavaScript values (see the module comment). */
const finishLeaf = (values: DecodedArray, element: SchemaElement): Array<unknown> | DecodedArray => {
  if (isBigIntLeaf(element)) {
    const out = new Array(values.length)
    for (let i = 0; i < values.length; i++) out[i] = fromBigInt(values[i])
    return out
  }
  if (isBytesLeaf(element)) {
    const out = new Array(values.length)
    for (let i = 0; i < values.length; i++) out[i] = copyBytes(values[i])
    return out
  }
  return values
}

/**
 * The encoded bytes of a column chunk (its dictionary page, if any, and its data pages), checked to
 * lie inside the file's data. Throws a plain error; callers add the file, row group and column.
 */
export const readChunkBytes = (handle: ParquetHandle, meta: NonNullable<ColumnChunk["meta_data"]>): Buffer => {
  const dict = meta.dictionary_page_offset
  const start = Number(dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset)
  const length = Number(meta.total_compressed_size)
  if (start < 4 || length < 0 || start + length > handle.dataEnd) {
    throw new Error(`column chunk bytes [${start}, ${start + length}) lie outside the data of a ${handle.size}-byte file`)
  }
  return readExactly(handle.fd, start, length)
}

/** Which columns to read and under which names to emit them. */
export interface Projection {
  /** Top-level file column name -> output field name, in output order. */
  readonly columns: ReadonlyArray<readonly [column: string, field: string]>
}

const flatten = (chunks: ReadonlyArray<DecodedArray>): DecodedArray => {
  if (chunks.length === 1) return chunks[0]!
  const out: Array<unknown> = []
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i++) out.push(chunk[i])
  return out as DecodedArray
}

/** Fetch and decode the column chunks of row group `index` that the projection needs. */
export const readRowGroupColumns = (
  handle: ParquetHandle,
  index: number,
  wanted: ReadonlySet<string>
): Map<string, ArrayLike<unknown>> => {
  const { file, metadata } = handle
  const rowGroup = metadata.row_groups[index]
  if (rowGroup === undefined) throw new ParquetReadError({ file, rowGroup: index, cause: "no such row group" })
  const rows = Number(rowGroup.num_rows)
  const out = new Map<string, ArrayLike<unknown>>()
  const nested = new Map<string, Map<string, DecodedArray>>()
  for (const chunk of rowGroup.columns) {
    const meta = chunk.meta_data
    const column = meta?.path_in_schema[0]
    if (column !== undefined && !wanted.has(column)) continue
    try {
      if (meta === undefined) throw new Error("column chunk has no metadata (encrypted or external file?)")
      if (chunk.file_path) throw new Error(`column chunk is stored in another file (${chunk.file_path})`)
      const schemaPath = getTreePath(handle.schema, meta.path_in_schema)
      const element = schemaPath[schemaPath.length - 1]!.element
      const bytes = readChunkBytes(handle, meta)
      const decoder: ColumnDecoder = {
        pathInSchema: meta.path_in_schema,
        element,
        schemaPath,
        type: meta.type,
        codec: meta.codec,
        parsers,
        compressors: decompressors,
        utf8: isStringLeaf(element)
      }
      const { data } = readColumn(
        { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 },
        { groupStart: 0, selectStart: 0, selectEnd: rows, groupRows: rows },
        decoder
      )
      const values = flatten(data)
      if (schemaPath.length === 2) {
        if (values.length !== rows) throw new Error(`decoded ${values.length} values, the row group has ${rows} rows`)
        out.set(column!, finishLeaf(values, element))
      } else {
        let sub = nested.get(column!)
        if (sub === undefined) nested.set(column!, sub = new Map())
        sub.set(meta.path_in_schema.join("."), finishLeaf(values, element) as DecodedArray)
      }
    } catch (cause) {
      throw cause instanceof ParquetReadError ? cause : new ParquetReadError({ file, rowGroup: index, column, cause })
    }
  }
  for (const [column, sub] of nested) {
    try {
      const node = handle.schema.children.find((c) => c.element.name === column)
      if (node === undefined) throw new Error("column is not in the schema")
      assembleNested(sub, node, parsers)
      const values = sub.get(column)
      if (values === undefined) throw new Error("nested column could not be assembled")
      if (values.length !== rows) throw new Error(`assembled ${values.length} values, the row group has ${rows} rows`)
      out.set(column, values)
    } catch (cause) {
      throw new ParquetReadError({ file, rowGroup: index, column, cause })
    }
  }
  return out
}

/** Read row group `index` as row objects with the projection's field names and order. */
export const readRowGroupRows = (handle: ParquetHandle, index: number, projection: Projection): Array<Record<string, unknown>> => {
  const wanted = new Set(projection.columns.map(([c]) => c))
  const data = readRowGroupColumns(handle, index, wanted)
  const rows = Number(handle.metadata.row_groups[index]!.num_rows)
  const cols: Array<ArrayLike<unknown>> = []
  const names: Array<string> = []
  for (const [column, field] of projection.columns) {
    const values = data.get(column)
    if (values === undefined) continue
    cols.push(values)
    names.push(field)
  }
  const out = new Array<Record<string, unknown>>(rows)
  const width = cols.length
  for (let r = 0; r < rows; r++) {
    const row: Record<string, unknown> = {}
    for (let c = 0; c < width; c++) row[names[c]!] = cols[c]![r]
    out[r] = row
  }
  return out
}
