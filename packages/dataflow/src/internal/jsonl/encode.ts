/**
 * JSON Lines encoding of records. Plain, synchronous, no Effect: the rejects writer and the JSONL
 * sink both use it.
 *
 * Value rules (the same for every record, so identical input gives identical bytes):
 * - keys keep the record's own insertion order; `undefined` values are left out (as JSON.stringify);
 * - `bigint` is written as a JSON number with all its digits (`12345678901234567890`), never a
 *   string and never rounded: safe integers read back as numbers, larger ones as `bigint` (see the
 *   JSONL source);
 * - `Date` is written as its ISO-8601 string (`2024-01-02T03:04:05.000Z`), an invalid Date as null;
 * - `NaN` and `±Infinity` are written as null (as JSON.stringify);
 * - `Uint8Array` (and other typed arrays, `Buffer`) are written as base64 strings when they are
 *   top-level values of the record (nested ones only when the record also holds a bigint).
 */

// JSON.rawJSON (Node >= 21) writes a bigint's exact digits as a JSON number.
const rawJSON = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON

const needsReplacer = (value: unknown): boolean =>
  typeof value === "bigint" || (typeof value === "object" && value !== null && ArrayBuffer.isView(value))

const bytesToBase64 = (view: ArrayBufferView): string =>
  Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64")

/** Replacer for the slow path: bigints as raw JSON numbers, typed arrays as base64. */
const replacer = function(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === "bigint") return rawJSON(value.toString())
  // `value` is already the result of toJSON (a Buffer's is `{ type, data }`): look at the original
  const original = (this as Record<string, unknown>)[key]
  if (typeof original === "object" && original !== null && ArrayBuffer.isView(original)) return bytesToBase64(original)
  return value
}

/**
 * The JSON text of one record (no newline). See the module notes for how bigint, Date, typed
 * arrays and non-finite numbers are written.
 */
export const encodeJson = (record: unknown): string => {
  if (typeof record === "object" && record !== null && !Array.isArray(record)) {
    let slow = false
    for (const key in record) {
      if (needsReplacer((record as Record<string, unknown>)[key])) {
        slow = true
        break
      }
    }
    if (!slow) {
      try {
        return JSON.stringify(record)
      } catch (e) {
        // a nested bigint: take the slow path below
        if (!(e instanceof TypeError)) throw e
      }
    }
  }
  return JSON.stringify(record, replacer)
}

/**
 * One JSON Lines line for a record: its JSON text followed by `"\n"`.
 *
 * ```ts
 * encodeLine({ content: "x", stars: 12345678901234567890n }) // '{"content":"x","stars":12345678901234567890}\n'
 * ```
 */
export const encodeLine = (record: unknown): string => encodeJson(record) + "\n"
