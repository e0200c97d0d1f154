/**
 * Docs to Arrow: one RecordBatch per batch of records, built column by column straight into typed
 * arrays (no per-value builder calls).
 */
import { type Data, makeData, RecordBatch, type Schema, Struct } from "apache-arrow"
import { encodeJson } from "../jsonl/encode.ts"
import { type Column, inferColumns, toSchema } from "./schema.ts"

/** Validity bitmap (bit set = valid) and null count of a column. */
const validity = (values: ReadonlyArray<unknown>): { bitmap: Uint8Array | undefined; nulls: number } => {
  let nulls = 0
  for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) nulls++
  if (nulls === 0) return { bitmap: undefined, nulls }
  const bitmap = new Uint8Array((values.length + 7) >> 3)
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && values[i] !== undefined) bitmap[i >> 3]! |= 1 << (i & 7)
  }
  return { bitmap, nulls }
}

/** Utf8 data from strings (null/undefined entries are nulls). */
const utf8Data = (type: Data["type"], values: ReadonlyArray<string | null | undefined>): Data => {
  const n = values.length
  const { bitmap, nulls } = validity(values)
  let total = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (typeof v === "string") total += Buffer.byteLength(v, "utf8")
  }
  const offsets = new Int32Array(n + 1)
  const bytes = Buffer.allocUnsafe(total)
  let at = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (typeof v === "string" && v.length > 0) at += bytes.write(v, at, "utf8")
    offsets[i + 1] = at
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, total)
  return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data } as never)
}

const columnData = (column: Column, type: Data["type"], values: Array<unknown>): Data => {
  const n = values.length
  switch (column.kind) {
    case "utf8":
    case "null":
      return utf8Data(type, values as Array<string | null | undefined>)
    case "json":
      return utf8Data(type, values.map((v) => (v === null || v === undefined ? null : encodeJson(v))))
    case "int64": {
      const { bitmap, nulls } = validity(values)
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const v = values[i]
        if (typeof v === "bigint") out[i] = v
        else if (typeof v === "number") out[i] = BigInt(v)
      }
      return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data: out } as never)
    }
    case "float64": {
      const { bitmap, nulls } = validity(values)
      const out = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        const v = values[i]
        if (typeof v === "number") out[i] = v
        else if (typeof v === "bigint") out[i] = Number(v)
      }
      return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data: out } as never)
    }
    case "bool": {
      const { bitmap, nulls } = validity(values)
      const out = new Uint8Array((n + 7) >> 3)
      for (let i = 0; i < n; i++) if (values[i] === true) out[i >> 3]! |= 1 << (i & 7)
      return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data: out } as never)
    }
    case "timestamp": {
      // an invalid Date is written as null
      const times = values.map((v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() : null))
      const { bitmap, nulls } = validity(times)
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const t = times[i]
        if (t !== null && t !== undefined) out[i] = BigInt(t)
      }
      return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data: out } as never)
    }
    case "list<utf8>": {
      const { bitmap, nulls } = validity(values)
      const offsets = new Int32Array(n + 1)
      const items: Array<string | null | undefined> = []
      for (let i = 0; i < n; i++) {
        const v = values[i]
        if (Array.isArray(v)) for (let j = 0; j < v.length; j++) items.push(v[j])
        offsets[i + 1] = items.length
      }
      const child = utf8Data((type as unknown as { valueType: Data["type"] }).valueType, items)
      return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child } as never)
    }
  }
}

/**
 * One RecordBatch of records under `schema` (built from `columns` by {@link toSchema}); values must
 * fit their column's kind (see `fitsColumns`). Keys not in the schema are left out.
 */
export const recordsToBatch = (
  records: ReadonlyArray<Record<string, unknown>>,
  columns: ReadonlyArray<Column>,
  schema: Schema
): RecordBatch => {
  const n = records.length
  const children = columns.map((column, c) => {
    const values = new Array<unknown>(n)
    const name = column.name
    for (let i = 0; i < n; i++) values[i] = records[i]![name]
    return columnData(column, schema.fields[c]!.type, values)
  })
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children })
  return new RecordBatch(schema, struct)
}

/**
 * Docs (or any records) to one Arrow RecordBatch with an inferred schema (see `inferSchema`).
 *
 * ```ts
 * const batch = docsToRecordBatch([{ content: "a", stars: 3 }, { content: "b", stars: null }])
 * batch.schema.fields.map((f) => String(f.type)) // ["Utf8", "Int64"]
 * ```
 */
export const docsToRecordBatch = (records: ReadonlyArray<Record<string, unknown>>): RecordBatch => {
  const columns = inferColumns(records)
  return recordsToBatch(records, columns, toSchema(columns))
}
