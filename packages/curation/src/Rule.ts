/**
 * What every curation rule shares: the part of a Doc it reads, its verdict (`true` keeps, a string
 * drops with that reason) and, for `pretrain curate --explain`, a one-line account of what it
 * measured.
 *
 * @since 0.1.0
 */
import { detectLanguage } from "@pretrain/dataflow"

/**
 * The fields a rule reads: `content`, and `path` / `language` when present (any Doc fits).
 *
 * @since 0.1.0 @category models
 */
export interface FileLike {
  readonly content: string
  readonly path?: string | null | undefined
  readonly language?: string | null | undefined
  readonly [column: string]: unknown
}

/**
 * `true` keeps the file; a string drops it with that reason.
 *
 * @since 0.1.0 @category models
 */
export type Verdict = true | string

/**
 * One rule's decision on one file, with what it measured.
 *
 * @since 0.1.0 @category models
 */
export interface Check {
  readonly rule: string
  readonly verdict: Verdict
  readonly detail: string
}

/**
 * The language of a file: its `language` column, else detected from its path and shebang (The
 * Stack's names), else `null`.
 *
 * @since 0.1.0 @category utils
 */
export const languageOf = (file: FileLike): string | null => {
  if (typeof file.language === "string" && file.language !== "") return file.language
  if (typeof file.path !== "string") return null
  return detectLanguage({ path: file.path, content: file.content })
}
