/**
 * Arrow to Docs: rows of a RecordBatch as plain records, column by column.
 *
 * Value rules: strings as strings; 8-32 bit integers and floats as numbers; 64-bit integers as
 * numbers when within `Number.MAX_SAFE_INTEGER`, else `bigint`; booleans; timestamps and dates as
 * `Date` (micro/nanoseconds truncated to milliseconds); lists as arrays; structs and maps as plain
 * objects; binary as `Uint8Array`; dictionary-encoded columns as their values; nulls as `null`.
 * Utf8 columns marked `pretrain:encoding=json` (written by our sink) are parsed back from JSON.
 */
import { type Data, DataType, makeVector, type RecordBatch, type Vector } from "apache-arrow"
import { ENCODING_KEY } from "./schema.ts"

const int64ToJs = (v: bigint): number | bigint =>
  v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v

/** A plain JS value for an Arrow value of `type` as `Vector.get` returns it. */
export const toPlain = (value: unknown, type: DataType): unknown => {
  if (value === null || value === undefined) return null
  if (typeof value === "bigint") return int64ToJs(value)
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return new Date(value as number)
  if (DataType.isDictionary(type)) return toPlain(value, type.dictionary)
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    const vector = value as Vector
    const child = type.children[0]!.type
    const out = new Array<unknown>(vector.length)
    for (let i = 0; i < vector.length; i++) out[i] = toPlain(vector.get(i), child)
    return out
  }
  if (DataType.isStruct(type)) {
    const row = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const field of type.children) out[field.name] = toPlain(row[field.name], field.type)
    return out
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0]!.type.children as Array<{ type: DataType }>
    const out: Record<string, unknown> = {}
    for (const [k, v] of value as Iterable<[unknown, unknown]>) out[String(toPlain(k, entries[0]!.type))] = toPlain(v, entries[1]!.type)
    return out
  }
  if (value instanceof Uint8Array) return value.slice()
  return value
}

/** Fast path for Utf8 data: decode straight from the offsets and bytes. */
const utf8Column = (data: Data, out: Array<unknown>, at: number): void => {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array
  const values = data.values as Uint8Array
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength)
  const checkNulls = data.nullCount > 0
  const big = offsets instanceof BigInt64Array
  for (let i = 0; i < data.length; i++) {
    if (checkNulls && !data.getValid(i)) {
      out[at + i] = null
      continue
    }
    const start = big ? Number(offsets[i]) : (offsets[i] as number)
    const end = big ? Number(offsets[i + 1]) : (offsets[i + 1] as number)
    out[at + i] = bytes.toString("utf8", start, end)
  }
}

/** Values of one column chunk into `out` starting at `at`. */
const columnValues = (data: Data, out: Array<unknown>, at: number): void => {
  const type = data.type
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return utf8Column(data, out, at)
  const checkNulls = data.nullCount > 0
  if (DataType.isInt(type) || DataType.isFloat(type) && (type as { precision: number }).precision !== 0) {
    const values = data.values as ArrayLike<number | bigint>
    const is64 = values instanceof BigInt64Array || values instanceof BigUint64Array
    for (let i = 0; i < data.length; i++) {
      if (checkNulls && !data.getValid(i)) out[at + i] = null
      else out[at + i] = is64 ? int64ToJs(values[i] as bigint) : values[i]
    }
    return
  }
  const vector = makeVector(data)
  for (let i = 0; i < data.length; i++) out[at + i] = toPlain(vector.get(i), type)
}

/** All values of a column (every chunk), as plain JS values. */
export const vectorToArray = (vector: Vector): Array<unknown> => {
  const out = new Array<unknown>(vector.length)
  let at = 0
  for (const data of vector.data) {
    columnValues(data, out, at)
    at += data.length
  }
  return out
}

/**
 * Rows of a RecordBatch (or Table) as plain records, keys in schema order.
 *
 * ```ts
 * const docs = recordBatchToDocs(batch) // [{ content: "a", stars: 3 }, ...]
 * ```
 */
export const recordBatchToRecords = (
  batch: Pick<RecordBatch, "schema" | "numRows" | "getChildAt">
): Array<Record<string, unknown>> => {
  const n = batch.numRows
  const fields = batch.schema.fields
  const rows = new Array<Record<string, unknown>>(n)
  for (let i = 0; i < n; i++) rows[i] = {}
  for (let c = 0; c < fields.length; c++) {
    const field = fields[c]!
    const vector = batch.getChildAt(c)
    if (vector === null) continue
    const values = vectorToArray(vector)
    const json = field.metadata.get(ENCODING_KEY) === "json"
    const name = field.name
    for (let i = 0; i < n; i++) {
      const v = values[i]
      rows[i]![name] = json && typeof v === "string" ? JSON.parse(v) : v
    }
  }
  return rows
}
