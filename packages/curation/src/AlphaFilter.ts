/**
 * StarCoder2's alpha filter (paper §2.1): drop files where fewer than 25% of the characters are
 * alphabetic; for Motorola 68K Assembly and WebAssembly count alphanumeric characters instead.
 * Letters and numbers are Unicode's (`\p{L}`, `\p{N}`), counted per UTF-16 code unit.
 *
 * @since 0.1.0
 */
import { profileOf } from "./internal/text.ts"
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly minFraction: number
  /** Languages measured by alphanumeric instead of alphabetic fraction. */
  readonly alphanumericLanguages: ReadonlyArray<string>
}

/** StarCoder2 defaults. @since 0.1.0 @category constants */
export const defaults: Config = { minFraction: 0.25, alphanumericLanguages: ["Motorola 68K Assembly", "WebAssembly"] }

/** Drop reason. @since 0.1.0 @category constants */
export const reason = "alpha-fraction"

const fraction = (file: FileLike, config: Config): { value: number; alnum: boolean } => {
  const c = profileOf(file)
  const language = languageOf(file)
  const alnum = language !== null && config.alphanumericLanguages.includes(language)
  return { value: c.length === 0 ? 0 : (alnum ? c.alnum : c.alpha) / c.length, alnum }
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict =>
  fraction(file, config).value < config.minFraction ? reason : true

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const f = fraction(file, config)
  return `${f.alnum ? "alphanumeric" : "alphabetic"} fraction ${f.value.toFixed(3)} (min ${config.minFraction})`
}
