/**
 * Column types inferred from Docs, shared by the Arrow sink: every value of a column maps to one
 * of a few kinds, and each kind to one Arrow type.
 *
 * | JS values in the column                     | kind          | Arrow type                   |
 * |---------------------------------------------|---------------|------------------------------|
 * | string                                      | `utf8`        | Utf8                         |
 * | integer numbers (safe range), bigint in int64 range | `int64` | Int64                     |
 * | numbers with a fraction (or NaN/Infinity), also mixed with integers | `float64` | Float64 |
 * | boolean                                     | `bool`        | Bool                         |
 * | Date                                        | `timestamp`   | Timestamp(ms, "UTC")         |
 * | arrays of strings (null items allowed)      | `list<utf8>`  | List<Utf8>                   |
 * | only null / undefined                       | `null`        | Utf8, all null               |
 * | anything else, or a mix of the above        | `json`        | Utf8 holding JSON text (field metadata `pretrain:encoding=json`) |
 *
 * A missing key and `null` both become an Arrow null. Columns come in order of first appearance.
 */
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int64,
  List,
  Schema,
  TimestampMillisecond,
  Utf8
} from "apache-arrow"

/** The kind of a column (see the module table). */
export type ColumnKind = "utf8" | "int64" | "float64" | "bool" | "timestamp" | "list<utf8>" | "null" | "json"

/** Field metadata key marking a Utf8 column that holds JSON text of arbitrary values. */
export const ENCODING_KEY = "pretrain:encoding"

/** The kind of one non-null value. */
export const kindOf = (value: unknown): ColumnKind => {
  switch (typeof value) {
    case "string":
      return "utf8"
    case "number":
      return Number.isSafeInteger(value) ? "int64" : "float64"
    case "bigint":
      // beyond 64 bits: exact digits as JSON text rather than a wrapped-around Int64
      return value >= -9223372036854775808n && value <= 9223372036854775807n ? "int64" : "json"
    case "boolean":
      return "bool"
    case "undefined":
      return "null"
    case "object": {
      if (value === null) return "null"
      if (value instanceof Date) return "timestamp"
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i]
          if (typeof item !== "string" && item !== null && item !== undefined) return "json"
        }
        return "list<utf8>"
      }
      return "json"
    }
    default:
      return "json"
  }
}

/** The kind of a column holding values of kinds `a` and `b`. */
export const mergeKinds = (a: ColumnKind, b: ColumnKind): ColumnKind => {
  if (a === b || b === "null") return a
  if (a === "null") return b
  if ((a === "int64" && b === "float64") || (a === "float64" && b === "int64")) return "float64"
  return "json"
}

/** Can values of kind `value` be written into a column of kind `column`? */
export const fitsKind = (value: ColumnKind, column: ColumnKind): boolean =>
  value === column || value === "null" || column === "json" || (value === "int64" && column === "float64") ||
  (value === "utf8" && column === "null")

/** An inferred column: name and kind, in order of first appearance. */
export interface Column {
  readonly name: string
  readonly kind: ColumnKind
}

/** Infer the columns of a batch of records (order of first appearance; see the module table). */
export const inferColumns = (records: ReadonlyArray<Record<string, unknown>>): Array<Column> => {
  const kinds = new Map<string, ColumnKind>()
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!
    for (const key in record) {
      const kind = kindOf(record[key])
      const before = kinds.get(key)
      kinds.set(key, before === undefined ? kind : mergeKinds(before, kind))
    }
  }
  return Array.from(kinds, ([name, kind]) => ({ name, kind }))
}

/** The Arrow type of a column kind. */
export const arrowType = (kind: ColumnKind): DataType => {
  switch (kind) {
    case "utf8":
    case "null":
    case "json":
      return new Utf8()
    case "int64":
      return new Int64()
    case "float64":
      return new Float64()
    case "bool":
      return new Bool()
    case "timestamp":
      return new TimestampMillisecond("UTC")
    case "list<utf8>":
      return new List(new Field("item", new Utf8(), true))
  }
}

/** The Arrow schema of inferred columns; every field is nullable. */
export const toSchema = (columns: ReadonlyArray<Column>): Schema =>
  new Schema(columns.map((c) =>
    new Field(c.name, arrowType(c.kind), true, c.kind === "json" ? new Map([[ENCODING_KEY, "json"]]) : null)
  ))

/** The inferred Arrow schema of a batch of records. */
export const inferSchema = (records: ReadonlyArray<Record<string, unknown>>): Schema => toSchema(inferColumns(records))

/**
 * Do the records fit the columns of an already written schema (same column set, or a subset; every
 * value of a kind the column accepts)? If not, the writer starts a new file.
 */
export const fitsColumns = (records: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<Column>): boolean => {
  const byName = new Map(columns.map((c) => [c.name, c.kind]))
  for (const column of inferColumns(records)) {
    const kind = byName.get(column.name)
    if (kind === undefined || !fitsKind(column.kind, kind)) return false
  }
  return true
}
