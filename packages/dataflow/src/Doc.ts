/**
 * The record that flows through every pipeline: one source file (or one synthetic text) with its
 * provenance. Column names follow The Stack v2; unknown columns pass through untouched.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { createHash } from "node:crypto"

/**
 * Known Doc fields. Every field but `content` is optional; any other key is kept as it is.
 *
 * @since 0.1.0
 * @category models
 */
export interface Doc {
  /** The text of the file. */
  readonly content: string
  /** Git blob id of the content (SHA-1 of `blob <len>\0<bytes>`), as The Stack v2 `blob_id`. */
  readonly blob_id?: string | null
  /** Repository (or package) the file belongs to, e.g. `owner/name` or an npm package name. */
  readonly repo_name?: string | null
  /** Path of the file inside its repository, `/`-separated. */
  readonly path?: string | null
  /** Language name as The Stack writes it (`JavaScript`, `Python`, `C++`, ...). */
  readonly language?: string | null
  /** File extension without the dot. */
  readonly extension?: string | null
  /** SPDX identifiers found for the repository. */
  readonly detected_licenses?: ReadonlyArray<string> | null
  /** `permissive`, `non_permissive` or `no_license`. */
  readonly license_type?: string | null
  readonly star_events_count?: number | bigint | null
  readonly fork_events_count?: number | bigint | null
  /** UTF-8 length of `content` in bytes. */
  readonly length_bytes?: number | bigint | null
  /** Anything else: passed through unchanged. */
  readonly [column: string]: unknown
}

/**
 * Effect Schema of a Doc: `content` is required, the known fields are typed, other keys are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DocSchema = Schema.StructWithRest(
  Schema.Struct({
    content: Schema.String,
    blob_id: Schema.optional(Schema.NullOr(Schema.String)),
    repo_name: Schema.optional(Schema.NullOr(Schema.String)),
    path: Schema.optional(Schema.NullOr(Schema.String)),
    language: Schema.optional(Schema.NullOr(Schema.String)),
    extension: Schema.optional(Schema.NullOr(Schema.String)),
    detected_licenses: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
    license_type: Schema.optional(Schema.NullOr(Schema.String)),
    star_events_count: Schema.optional(Schema.NullOr(Schema.Union([Schema.Number, Schema.BigInt]))),
    fork_events_count: Schema.optional(Schema.NullOr(Schema.Union([Schema.Number, Schema.BigInt]))),
    length_bytes: Schema.optional(Schema.NullOr(Schema.Union([Schema.Number, Schema.BigInt])))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

const utf8 = new TextEncoder()

/**
 * UTF-8 byte length of a string without allocating an encoded copy.
 *
 * @since 0.1.0
 * @category utils
 */
export const byteLength = (text: string): number => Buffer.byteLength(text, "utf8")

/**
 * Git blob id of a text (what `git hash-object` prints and The Stack stores as `blob_id`).
 *
 * @since 0.1.0
 * @category utils
 */
export const gitBlobId = (content: string | Uint8Array): string => {
  const bytes = typeof content === "string" ? utf8.encode(content) : content
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex")
}

/**
 * Is this value usable as a Doc (an object with a string `content`)?
 *
 * @since 0.1.0
 * @category guards
 */
export const isDoc = (value: unknown): value is Doc =>
  typeof value === "object" && value !== null && typeof (value as { content?: unknown }).content === "string"
