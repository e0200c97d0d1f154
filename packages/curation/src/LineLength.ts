/**
 * StarCoder2's line-length rules (paper §2.1): drop files with more than 100,000 lines, an average
 * line over 100 characters or a line over 1,000; for HTML, JSON, Markdown, Roff, Roff Manpage, SMT,
 * TeX, Text and XML the only line rule is a line over 100,000 characters.
 *
 * ```ts
 * import { LineLength } from "@pretrain/curation"
 * LineLength.check({ content: "x".repeat(2000), path: "a.js" }) // "max-line-length"
 * ```
 *
 * @since 0.1.0
 */
import { linesOf } from "./internal/text.ts"
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly maxLines: number
  readonly maxAvgLineLength: number
  readonly maxLineLength: number
  /** Languages whose only line rule is `exemptMaxLineLength`. */
  readonly exemptLanguages: ReadonlyArray<string>
  readonly exemptMaxLineLength: number
}

/** StarCoder2 defaults. @since 0.1.0 @category constants */
export const defaults: Config = {
  maxLines: 100_000,
  maxAvgLineLength: 100,
  maxLineLength: 1000,
  exemptLanguages: ["HTML", "JSON", "Markdown", "Roff", "Roff Manpage", "SMT", "TeX", "Text", "XML"],
  exemptMaxLineLength: 100_000
}

/** Drop reasons. @since 0.1.0 @category constants */
export const reasons = { maxLines: "max-lines", avgLineLength: "avg-line-length", maxLineLength: "max-line-length" } as const

/**
 * Keep or drop a file by its lines.
 *
 * @since 0.1.0 @category rules
 */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const s = linesOf(file)
  if (s.lines > config.maxLines) return reasons.maxLines
  const language = languageOf(file)
  if (language !== null && config.exemptLanguages.includes(language)) {
    return s.maxLineLength > config.exemptMaxLineLength ? reasons.maxLineLength : true
  }
  if (s.avgLineLength > config.maxAvgLineLength) return reasons.avgLineLength
  if (s.maxLineLength > config.maxLineLength) return reasons.maxLineLength
  return true
}

/** What the rule measured, for `--explain`. @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const s = linesOf(file)
  const language = languageOf(file)
  const exempt = language !== null && config.exemptLanguages.includes(language)
  return `${s.lines} lines (max ${config.maxLines}), longest ${s.maxLineLength} (max ${exempt ? config.exemptMaxLineLength : config.maxLineLength}` +
    `${exempt ? `, ${language} is exempt from the average rule` : ""}), average ${s.avgLineLength.toFixed(1)}` +
    (exempt ? "" : ` (max ${config.maxAvgLineLength})`)
}
