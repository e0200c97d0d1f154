/**
 * StarCoder2's encoded-data filter (paper §2.1): three patterns (base64 runs, hex byte lists,
 * `\u` escape runs); drop the file when any single match is longer than 1,024 characters or when one
 * pattern's matches cover more than half the file. The regexes are the paper's, as written in the
 * reference (`[a-zA-Z0-9+/\n=]{64,}`, `(?:\b(?:0x|\\x)?[0-9a-fA-F]{2}(?:,|\b\s*)){8,}`,
 * `(?:\\u[0-9a-fA-F]{4}){8,}`).
 *
 * @since 0.1.0
 */
import { hexChains, unicodeChains } from "./internal/encoded.ts"
import { profileOf } from "./internal/text.ts"
import type { FileLike, Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly maxMatchLength: number
  readonly maxFraction: number
}

/** StarCoder2 defaults. @since 0.1.0 @category constants */
export const defaults: Config = { maxMatchLength: 1024, maxFraction: 0.5 }

/** Drop reason. @since 0.1.0 @category constants */
export const reason = "encoded-data"

/** The three patterns as published, by name (the reference semantics of {@link measure}). @since 0.1.0 @category constants */
export const patterns: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ["base64", /[a-zA-Z0-9+/\n=]{64,}/g],
  ["hex", /(?:\b(?:0x|\\x)?[0-9a-fA-F]{2}(?:,|\b\s*)){8,}/g],
  ["unicode", /(?:\\u[0-9a-fA-F]{4}){8,}/g]
]

/** Longest match and total matched characters of each pattern. @since 0.1.0 @category models */
export interface Measure {
  readonly name: string
  readonly longest: number
  readonly total: number
}

/**
 * Measure each pattern over the file: the same matches as the regexes in {@link patterns}, found by
 * linear scanners (the base64 regex retries every start inside a long run of letters).
 *
 * @since 0.1.0 @category rules
 */
export const measure = (file: FileLike, stopAt = Infinity): Array<Measure> => {
  const p = profileOf(file)
  return [
    { name: "base64", longest: p.base64Longest, total: p.base64Total },
    { name: "hex", ...(p.hexUnitBound >= 8 ? hexChains(file.content, 8, stopAt) : { longest: 0, total: 0 }) },
    { name: "unicode", ...(file.content.includes("\\u") ? unicodeChains(file.content, 8, stopAt) : { longest: 0, total: 0 }) }
  ]
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const limit = config.maxFraction * file.content.length
  const over = (e: { readonly longest: number; readonly total: number }) => e.longest > config.maxMatchLength || e.total > limit
  const p = profileOf(file)
  if (over({ longest: p.base64Longest, total: p.base64Total })) return reason
  // Both exact scanners run only where a match is possible: 8 runs of hex digits in one run of the
  // hex pattern's characters, a `\u` for the unicode one.
  if (p.hexUnitBound >= 8 && over(hexChains(file.content, 8, config.maxMatchLength))) return reason
  return file.content.includes("\\u") && over(unicodeChains(file.content, 8, config.maxMatchLength)) ? reason : true
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string =>
  measure(file).map((m) =>
    `${m.name}: longest ${m.longest} (max ${config.maxMatchLength}), ${(file.content.length === 0 ? 0 : (100 * m.total) / file.content.length).toFixed(1)}% of the file (max ${100 * config.maxFraction}%)`
  ).join("; ")
