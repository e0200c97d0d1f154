/**
 * Language: fill `language` (The Stack's names, from dataflow's `detectLanguage`: extension, file
 * name, shebang) and `extension` where a Doc lacks them, and keep only files of known (or listed)
 * languages, as The Stack keeps only files whose language it recognises.
 *
 * @since 0.1.0
 */
import { extensionOf } from "@pretrain/dataflow"
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  /** Keep only these languages (`null`: every language the table knows). */
  readonly keep: ReadonlyArray<string> | null
  /** Drop files whose language is not recognised. */
  readonly dropUnknown: boolean
}

/** Defaults: every recognised language. @since 0.1.0 @category constants */
export const defaults: Config = { keep: null, dropUnknown: true }

/** Drop reasons. @since 0.1.0 @category constants */
export const reasons = { unknown: "language-unknown", excluded: "language-excluded" } as const

/**
 * The Doc with `language` and `extension` filled in when they are missing.
 *
 * @since 0.1.0 @category utils
 */
export const annotate = <A extends FileLike>(doc: A): A => {
  const hasLanguage = typeof doc.language === "string" && doc.language !== ""
  const hasExtension = typeof doc.extension === "string"
  if (hasLanguage && hasExtension) return doc
  const language = languageOf(doc)
  const path = typeof doc.path === "string" ? doc.path : ""
  return { ...doc, language, extension: hasExtension ? doc.extension : extensionOf(path) }
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const language = languageOf(file)
  if (language === null) return config.dropUnknown ? reasons.unknown : true
  return config.keep === null || config.keep.includes(language) ? true : reasons.excluded
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const language = languageOf(file)
  return `language ${language ?? "not recognised"}${config.keep === null ? "" : ` (kept: ${config.keep.join(", ")})`}`
}
