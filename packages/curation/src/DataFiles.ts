/**
 * StarCoder2's language-specific rules for data and text files (paper §2.1):
 *
 * - Text, JSON, YAML, Web Ontology Language and Graphviz (DOT) files with more than 512 lines are
 *   dropped (`data-file-lines`);
 * - a Text file is kept only when its name contains `requirement` or its stem is `readme`, `notes`,
 *   `todo`, `description` or `cmakelists` (`text-file-name`).
 *
 * @since 0.1.0
 */
import { basename, linesOf } from "./internal/text.ts"
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly maxLines: number
  readonly languages: ReadonlyArray<string>
  /** Text files: keep when the name contains one of these (lower-cased). `null` turns the rule off. */
  readonly textNameContains: ReadonlyArray<string> | null
  /** Text files: keep when the lower-cased stem is one of these. */
  readonly textStems: ReadonlyArray<string>
}

/** StarCoder2 defaults. @since 0.1.0 @category constants */
export const defaults: Config = {
  maxLines: 512,
  languages: ["Text", "JSON", "YAML", "Web Ontology Language", "Graphviz (DOT)"],
  textNameContains: ["requirement"],
  textStems: ["readme", "notes", "todo", "description", "cmakelists"]
}

/** Drop reasons. @since 0.1.0 @category constants */
export const reasons = { lines: "data-file-lines", textName: "text-file-name" } as const

const stemOf = (name: string): string => {
  const dot = name.indexOf(".", 1)
  return (dot < 0 ? name : name.slice(0, dot)).toLowerCase()
}

const textNameOk = (path: string, config: Config): boolean => {
  const name = basename(path).toLowerCase()
  return (config.textNameContains ?? []).some((s) => name.includes(s)) || config.textStems.includes(stemOf(name))
}

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  const language = languageOf(file)
  if (language === null || !config.languages.includes(language)) return true
  if (linesOf(file).lines > config.maxLines) return reasons.lines
  if (language === "Text" && config.textNameContains !== null && !textNameOk(typeof file.path === "string" ? file.path : "", config)) {
    return reasons.textName
  }
  return true
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string => {
  const language = languageOf(file)
  if (language === null || !config.languages.includes(language)) return `not a data or text file (${language ?? "unknown language"})`
  const lines = linesOf(file).lines
  const text = language === "Text" && config.textNameContains !== null
    ? `; text file name ${textNameOk(typeof file.path === "string" ? file.path : "", config) ? "allowed" : "not in the allowed names"}`
    : ""
  return `${language}: ${lines} lines (max ${config.maxLines})${text}`
}
