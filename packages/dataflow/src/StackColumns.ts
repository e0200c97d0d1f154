/**
 * Named column mappings from published Parquet layouts to {@link Doc} field names. A mapping sends a
 * file column to a Doc field; columns it does not name pass through under their own names.
 *
 * - `doc`: the identity (files this package writes).
 * - `stack-v1`: The Stack v1 (`bigcode/the-stack`, `the-stack-dedup`): `hexsha` -> `blob_id`,
 *   `max_stars_repo_name` -> `repo_name`, `max_stars_repo_path` -> `path`, `lang` -> `language`,
 *   `max_stars_repo_licenses` -> `detected_licenses`, `max_stars_count` -> `star_events_count`,
 *   `max_forks_count` -> `fork_events_count`, `size` -> `length_bytes`, `ext` -> `extension`. The
 *   other v1 columns (`max_issues_*`, `max_forks_repo_*`, `avg_line_length`, ...) pass through.
 * - `stack-v2`: The Stack v2 already uses the Doc names (`blob_id`, `repo_name`, `path`, ...): the
 *   identity, named so pipelines can say which layout they expect.
 *
 * ```ts
 * import { Parquet } from "@pretrain/dataflow"
 *
 * const docs = Parquet.source("the-stack/data/python/*.parquet", { mapping: "stack-v1" })
 * ```
 *
 * @since 0.1.0
 */
import { dual } from "effect/Function"

/**
 * File column name -> Doc field name.
 *
 * @since 0.1.0 @category models
 */
export type Mapping = Readonly<Record<string, string>>

/**
 * Names of the built-in mappings.
 *
 * @since 0.1.0 @category models
 */
export type Name = "doc" | "stack-v1" | "stack-v2"

/**
 * The identity mapping: column names are Doc field names.
 *
 * @since 0.1.0 @category mappings
 */
export const doc: Mapping = {}

/**
 * The Stack v1 column names -> Doc fields.
 *
 * @since 0.1.0 @category mappings
 */
export const stackV1: Mapping = {
  hexsha: "blob_id",
  max_stars_repo_name: "repo_name",
  max_stars_repo_path: "path",
  lang: "language",
  max_stars_repo_licenses: "detected_licenses",
  max_stars_count: "star_events_count",
  max_forks_count: "fork_events_count",
  size: "length_bytes",
  ext: "extension"
}

/**
 * The Stack v2: its columns already carry the Doc names.
 *
 * @since 0.1.0 @category mappings
 */
export const stackV2: Mapping = {}

/**
 * Every built-in mapping by name.
 *
 * @since 0.1.0 @category mappings
 */
export const named: Readonly<Record<Name, Mapping>> = { doc, "stack-v1": stackV1, "stack-v2": stackV2 }

/**
 * A mapping given by name or as an object.
 *
 * @since 0.1.0 @category constructors
 */
export const resolve = (mapping: Name | Mapping | undefined): Mapping => {
  if (mapping === undefined) return doc
  if (typeof mapping === "string") {
    const found = (named as Record<string, Mapping>)[mapping]
    if (found === undefined) throw new RangeError(`unknown column mapping ${mapping}; known: ${Object.keys(named).join(", ")}`)
    return found
  }
  return mapping
}

/**
 * The output field of every file column, in file order: mapped columns take their Doc name, unless a
 * file column already carries that name (then the file's own column wins and the mapped one keeps
 * its original name). With `select`, only the selected columns, each named either by its file name
 * or by its field name, in the order of `select`; names matching nothing are ignored.
 *
 * @since 0.1.0 @category utils
 */
export const plan = (
  columns: ReadonlyArray<string>,
  mapping: Mapping,
  select?: ReadonlyArray<string>
): Array<readonly [column: string, field: string]> => {
  const present = new Set(columns)
  const pairs = columns.map((column) => {
    const target = Object.hasOwn(mapping, column) ? mapping[column]! : column
    return [column, target !== column && present.has(target) ? column : target] as const
  })
  if (select === undefined) return pairs
  const byColumn = new Map(pairs.map((p) => [p[0], p]))
  const byField = new Map(pairs.map((p) => [p[1], p]))
  const out: Array<readonly [string, string]> = []
  const taken = new Set<string>()
  for (const name of select) {
    const pair = byField.get(name) ?? byColumn.get(name)
    if (pair !== undefined && !taken.has(pair[0])) {
      taken.add(pair[0])
      out.push(pair)
    }
  }
  return out
}

/**
 * Rename the keys of one record by a mapping (same rules as {@link plan}); other keys are kept.
 * Useful for records that did not come through the Parquet source (JSONL exports of The Stack).
 *
 * ```ts
 * StackColumns.rename({ content: "x", lang: "Python" }, StackColumns.stackV1) // { content: "x", language: "Python" }
 * pipe({ content: "x", lang: "Python" }, StackColumns.rename(StackColumns.stackV1))
 * ```
 *
 * @since 0.1.0 @category utils
 */
export const rename: {
  (mapping: Mapping): <A extends Record<string, unknown>>(record: A) => Record<string, unknown>
  <A extends Record<string, unknown>>(record: A, mapping: Mapping): Record<string, unknown>
} = dual(2, <A extends Record<string, unknown>>(record: A, mapping: Mapping): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [column, field] of plan(Object.keys(record), mapping)) out[field] = record[column]
  return out
})
