/**
 * Column types the Parquet sink writes, how they are inferred from JavaScript values, and how two
 * inferred types combine. Inference is by value kind only, so the same kinds of values always get
 * the same Parquet type:
 *
 * | JavaScript value                                   | column type     | Parquet                                  |
 * |----------------------------------------------------|-----------------|------------------------------------------|
 * | string                                             | `string`        | BYTE_ARRAY (STRING)                      |
 * | integer number (safe) or bigint in int64 range     | `int64`         | INT64                                    |
 * | other number                                       | `double`        | DOUBLE                                   |
 * | boolean                                            | `boolean`       | BOOLEAN                                  |
 * | Date                                               | `timestamp`     | INT64 TIMESTAMP(MILLIS, UTC)             |
 * | Uint8Array / Buffer                                | `binary`        | BYTE_ARRAY                               |
 * | array of strings / integers / numbers / booleans   | `list<...>`     | 3-level LIST of the element type         |
 * | Int8/Int16/Int32/Uint16Array                       | `list<int32>`   | LIST of INT32                            |
 * | Uint32Array, BigInt64Array                         | `list<int64>`   | LIST of INT64                            |
 * | Float32Array, Float64Array                         | `list<double>`  | LIST of DOUBLE                           |
 * | anything else (objects, mixed arrays, mixed kinds) | `json`          | BYTE_ARRAY (JSON), read back parsed      |
 *
 * `null` and `undefined` are nulls in any column. Combining: equal types stay; `int64` with
 * `double` gives `double` (also inside lists, with `int32` below `int64`); any other mix gives `json`.
 */

/** @since 0.1.0 */
export type ScalarType = "string" | "int64" | "double" | "boolean" | "timestamp" | "binary" | "json"

/** @since 0.1.0 */
export type ListElementType = "string" | "int32" | "int64" | "double" | "boolean"

/** @since 0.1.0 */
export type ColumnType = ScalarType | `list<${ListElementType}>`

/** Every column type, for validation. */
export const columnTypes: ReadonlyArray<ColumnType> = [
  "string",
  "int64",
  "double",
  "boolean",
  "timestamp",
  "binary",
  "json",
  "list<string>",
  "list<int32>",
  "list<int64>",
  "list<double>",
  "list<boolean>"
]

/** The column type of one non-null value. */
export const typeOf = (value: unknown): ColumnType => {
  switch (typeof value) {
    case "string":
      return "string"
    case "number":
      return Number.isSafeInteger(value) ? "int64" : "double"
    case "bigint":
      return value >= -0x8000000000000000n && value <= 0x7fffffffffffffffn ? "int64" : "json"
    case "boolean":
      return "boolean"
    case "object":
      break
    default:
      return "json"
  }
  if (value instanceof Date) return "timestamp"
  if (Array.isArray(value)) return arrayType(value)
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) return "binary"
    if (value instanceof Int32Array || value instanceof Int16Array || value instanceof Int8Array || value instanceof Uint16Array) {
      return "list<int32>"
    }
    if (value instanceof Uint32Array || value instanceof BigInt64Array) return "list<int64>"
    if (value instanceof Float64Array || value instanceof Float32Array) return "list<double>"
  }
  return "json"
}

const arrayType = (values: ReadonlyArray<unknown>): ColumnType => {
  let element: ListElementType | undefined
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined) continue
    let t: ListElementType
    switch (typeof v) {
      case "string":
        t = "string"
        break
      case "number":
        t = Number.isSafeInteger(v) ? "int64" : "double"
        break
      case "bigint":
        if (v < -0x8000000000000000n || v > 0x7fffffffffffffffn) return "json"
        t = "int64"
        break
      case "boolean":
        t = "boolean"
        break
      default:
        return "json"
    }
    if (element === undefined || element === t) element = t
    else if (isNumeric(element) && isNumeric(t)) element = widerNumeric(element, t)
    else return "json"
  }
  return `list<${element ?? "string"}>`
}

const numericRank = { int32: 0, int64: 1, double: 2 } as const
type Numeric = keyof typeof numericRank
const isNumeric = (t: string): t is Numeric => t === "int32" || t === "int64" || t === "double"
const widerNumeric = (a: Numeric, b: Numeric): Numeric => numericRank[a] >= numericRank[b] ? a : b

/** The element type of a list type, or undefined for scalars. */
export const listElement = (t: ColumnType): ListElementType | undefined =>
  t.startsWith("list<") ? t.slice(5, -1) as ListElementType : undefined

/** The type that holds values of both types (see the module comment). */
export const merge = (a: ColumnType, b: ColumnType): ColumnType => {
  if (a === b) return a
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b) as ColumnType
  const ea = listElement(a)
  const eb = listElement(b)
  if (ea !== undefined && eb !== undefined && isNumeric(ea) && isNumeric(eb)) return `list<${widerNumeric(ea, eb)}>`
  return "json"
}

/**
 * Can a column declared as `declared` hold a value inferred as `actual` without changing its type?
 * (`list<int32>` values fit a `list<int64>` or `list<double>` column, `int64` values a `double` one.)
 */
export const fits = (actual: ColumnType, declared: ColumnType): boolean =>
  actual === declared || declared === "json" || merge(actual, declared) === declared

/**
 * Types of the known Doc fields, used when a column of that name has only nulls so far (and as the
 * starting point of inference, so `star_events_count` stays `int64` when all values are null).
 */
export const docFieldTypes: Readonly<Record<string, ColumnType>> = {
  content: "string",
  blob_id: "string",
  repo_name: "string",
  path: "string",
  language: "string",
  extension: "string",
  detected_licenses: "list<string>",
  license_type: "string",
  star_events_count: "int64",
  fork_events_count: "int64",
  length_bytes: "int64"
}
