/**
 * StarCoder1's `xml` filter (bigcode-dataset `preprocessing/filtering.py`; NeMo Curator's
 * `XMLHeaderFilter`): drop a file whose first 100 characters contain `<?xml version=`. Applied, as
 * bigcode's per-extension table did, to files that are not XML by language (XML, XSLT, SVG, ... keep
 * their header).
 *
 * @since 0.1.0
 */
import { type FileLike, languageOf, type Verdict } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly prefixChars: number
  /** Languages whose files may start with an XML declaration. */
  readonly exemptLanguages: ReadonlyArray<string>
}

/** Defaults. @since 0.1.0 @category constants */
export const defaults: Config = {
  prefixChars: 100,
  exemptLanguages: ["XML", "XSLT", "SVG", "Maven POM", "XML Property List", "HTML", "Web Ontology Language"]
}

/** Drop reason. @since 0.1.0 @category constants */
export const reason = "xml-header"

const found = (file: FileLike, config: Config): boolean => file.content.slice(0, config.prefixChars).includes("<?xml version=")

/** @since 0.1.0 @category rules */
export const check = (file: FileLike, config: Config = defaults): Verdict => {
  if (!found(file, config)) return true
  const language = languageOf(file)
  return language !== null && config.exemptLanguages.includes(language) ? true : reason
}

/** @since 0.1.0 @category rules */
export const describe = (file: FileLike, config: Config = defaults): string =>
  found(file, config) ? `"<?xml version=" in the first ${config.prefixChars} characters (${languageOf(file) ?? "unknown language"})` : `no XML declaration in the first ${config.prefixChars} characters`
