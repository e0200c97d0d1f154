import { createHash } from "node:crypto"

/** Long strings shortened (length and hash) so that a failing comparison prints a readable diff. */
export const short = (value: unknown): unknown => {
  if (typeof value === "string" && value.length > 200) {
    return `<${value.length} chars, sha1 ${createHash("sha1").update(value).digest("hex").slice(0, 12)}>`
  }
  if (Array.isArray(value)) return value.map(short)
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, short(v)]))
  }
  return value
}
