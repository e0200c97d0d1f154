/**
 * Size bounds in UTF-8 bytes. Defaults: drop empty files and files over 1 MiB (the limit dataflow's
 * `SourceTree` and `NodeModules` apply at ingest). StarCoder1's `large_and_small_files` filter
 * (100 ≤ characters ≤ 5,000, intended for JSON and YAML) is `{ minBytes: 100, maxBytes: 5000,
 * languages: ["JSON", "YAML"] }`.
 *
 * @since 0.1.0
 */
import { byteLength } from "@pretrain/dataflow"
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly minBytes: number
  readonly maxBytes: number
  /** Apply only to these languages (`null`: every file). */
  readonly languages: ReadonlyArray<string> | null
}

/** Defaults. @since 0.1.0 @category constants */
export const defaults: Config = { minBytes: 1, maxBytes: 1_048_576, languages: null }

/** Drop reasons. @since 0.1.0 @category constants */
export const reasons = { small: "too-small", large: "too-large" } as const

const applies = (file: FileLike, config: Config): boolean => {
  if (config.languages === null) return true
  const language = languageOf(file)
  return language !== null && config.languages.includes(language)
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  if (!applies(file, config)) return true
  // Cheap bounds first: UTF-8 needs between 1 and 3 bytes per UTF-16 code unit.
  const n = file.content.length
  if (n >= config.minBytes && 3 * n <= config.maxBytes) return true
  const bytes = byteLength(file.content)
  return bytes < config.minBytes ? reasons.small : bytes > config.maxBytes ? reasons.large : true
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string =>
  applies(file, config) ? `${byteLength(file.content)} bytes (bounds ${config.minBytes}..${config.maxBytes})` : "size bounds do not apply to this language"
