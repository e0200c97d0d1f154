/**
 * Stable request ids: a hash of what determines a request's output — the template (name and
 * version), the seeds and the parameters (sampling included). The same request in a rerun has the
 * same id, so a run skips what it already has; changing any of these makes a new request.
 *
 * ```ts
 * RequestId.make({ template: "cosmopedia/blogpost@1", seedIds: ["web:12"], params: { audience: "college students", temperature: 0.6 } })
 * // "c0ffee…" (24 hex digits)
 * ```
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

/** @since 0.1.0 @category models */
export interface Key {
  readonly template: string
  readonly seedIds: ReadonlyArray<string>
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * JSON with object keys sorted at every level (`undefined` fields left out), so equal values
 * serialise equally.
 *
 * @since 0.1.0 @category utils
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, v[k]]))
      : v)

/** Hex SHA-256 of a string, cut to `length` digits. @since 0.1.0 @category utils */
export const hash = (text: string, length = 24): string => createHash("sha256").update(text).digest("hex").slice(0, length)

/** The id of a request. @since 0.1.0 @category constructors */
export const make = (key: Key): string => hash(canonicalJson({ template: key.template, seedIds: key.seedIds, params: key.params }))

/** A 32-bit integer derived from a string (seeds per-request random choices). @since 0.1.0 @category utils */
export const seed32 = (text: string): number => parseInt(hash(text, 8), 16) >>> 0
