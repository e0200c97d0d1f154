/**
 * StarCoder2's HTML rule (paper §2.1; StarCoder1's `html` filter): drop an HTML file unless its
 * visible text (the document without `<script>` / `<style>` elements, comments and tags, entities
 * counted as one character, whitespace runs counted as one) is at least 100 characters and at
 * least 20% of the file.
 *
 * @since 0.1.0
 */
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly minChars: number
  readonly minFraction: number
  readonly languages: ReadonlyArray<string>
}

/** StarCoder2 defaults. @since 0.1.0 @category constants */
export const defaults: Config = { minChars: 100, minFraction: 0.2, languages: ["HTML"] }

/** Drop reason. @since 0.1.0 @category constants */
export const reason = "html-visible-text"

const hidden = /<script\b[\s\S]*?(?:<\/script\s*>|$)|<style\b[\s\S]*?(?:<\/style\s*>|$)|<!--[\s\S]*?(?:-->|$)|<[!?/]?[A-Za-z][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|\s+/g

/**
 * Number of visible-text characters of an HTML document.
 *
 * @since 0.1.0 @category utils
 */
export const visibleTextLength = (html: string): number => {
  let removed = 0
  let added = 0
  hidden.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = hidden.exec(html)) !== null) {
    const s = m[0]
    removed += s.length
    const c = s.charCodeAt(0)
    // An entity is one visible character; a whitespace run is one space; markup is nothing.
    if (c === 38 /* & */) added += 1
    else if (c !== 60 /* < */) added += 1
  }
  return html.length - removed + added
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const language = languageOf(file)
  if (language === null || !config.languages.includes(language)) return true
  const visible = visibleTextLength(file.content)
  return visible >= config.minChars && visible >= config.minFraction * file.content.length ? true : reason
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const language = languageOf(file)
  if (language === null || !config.languages.includes(language)) return "not HTML"
  const visible = visibleTextLength(file.content)
  return `visible text ${visible} characters (min ${config.minChars}), ${((100 * visible) / Math.max(1, file.content.length)).toFixed(1)}% of the file (min ${100 * config.minFraction}%)`
}
