/**
 * SPDX license expressions from package manifests: the license ids they name and whether the
 * package may be used permissively (The Stack's `license_type`).
 */

/** The Stack v2's `license_type` values. */
export type LicenseType = "permissive" | "non_permissive" | "no_license"

/** ids whose terms are permissive (Blue Oak Council's list and the ids BigCode treats so). */
const permissiveIds = [
  "MIT", "MIT-0", "MIT-CMU", "MIT-feh", "MIT-Modern-Variant", "X11", "ISC", "0BSD", "BSD", "BSD-1-Clause", "BSD-2-Clause",
  "BSD-2-Clause-Patent", "BSD-2-Clause-Views", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-3-Clause-LBNL", "BSD-4-Clause",
  "BSD-Source-Code", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Unlicense", "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0",
  "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "Zlib", "zlib-acknowledgement", "Libpng", "libpng-2.0", "WTFPL", "BlueOak-1.0.0",
  "Python-2.0", "PSF-2.0", "BSL-1.0", "Artistic-2.0", "PostgreSQL", "NCSA", "Unicode-DFS-2015", "Unicode-DFS-2016",
  "Unicode-3.0", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "MS-PL", "UPL-1.0", "Beerware", "curl", "ImageMagick",
  "FSFAP", "FSFUL", "FSFULLR", "W3C", "W3C-20150513", "HPND", "NTP", "ICU", "Xnet", "OpenSSL", "SSLeay", "Fair", "EFL-2.0",
  "PHP-3.0", "PHP-3.01", "Ruby", "Vim", "WTFNMFPL", "LicenseRef-scancode-public-domain"
]

/** ids whose terms are copyleft, non-commercial, source-available or proprietary. */
const nonPermissiveIds = [
  "GPL-1.0", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-only",
  "GPL-3.0-or-later", "LGPL-2.0", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1-only", "LGPL-2.1-or-later",
  "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later", "AGPL-1.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later",
  "MPL-1.0", "MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "EPL-1.0", "EPL-2.0", "CDDL-1.0", "CDDL-1.1",
  "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-1.0", "CC-BY-NC-2.0",
  "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
  "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0", "CC-BY-ND-3.0", "CC-BY-ND-4.0", "EUPL-1.0", "EUPL-1.1", "EUPL-1.2", "OSL-1.0",
  "OSL-2.0", "OSL-2.1", "OSL-3.0", "SSPL-1.0", "BUSL-1.1", "Elastic-2.0", "CPAL-1.0", "CPL-1.0", "APSL-1.0", "APSL-2.0",
  "OFL-1.0", "OFL-1.1", "Artistic-1.0", "Artistic-1.0-Perl", "JSON", "CECILL-2.1", "Commons-Clause", "UNLICENSED",
  "LicenseRef-scancode-unknown-license-reference"
]

const permissive: ReadonlySet<string> = new Set(permissiveIds)
const canonical = new Map<string, string>()
for (const id of [...permissiveIds, ...nonPermissiveIds]) canonical.set(id.toLowerCase(), id)

/** Common non-SPDX spellings found in package.json files, lower-cased, spaces collapsed. */
const aliases: Record<string, string> = {
  "apache 2": "Apache-2.0",
  "apache 2.0": "Apache-2.0",
  "apache-2": "Apache-2.0",
  "apache2": "Apache-2.0",
  "apache v2": "Apache-2.0",
  "apache license 2.0": "Apache-2.0",
  "apache license, version 2.0": "Apache-2.0",
  "apache license version 2.0": "Apache-2.0",
  "apache-2.0-license": "Apache-2.0",
  "apache software license": "Apache-2.0",
  "mit license": "MIT",
  "the mit license": "MIT",
  "mit/x11": "MIT",
  "expat": "MIT",
  "isc license": "ISC",
  "new bsd": "BSD-3-Clause",
  "new bsd license": "BSD-3-Clause",
  "bsd-new": "BSD-3-Clause",
  "revised bsd": "BSD-3-Clause",
  "modified bsd": "BSD-3-Clause",
  "bsd 3-clause": "BSD-3-Clause",
  "bsd-3": "BSD-3-Clause",
  "3-clause bsd": "BSD-3-Clause",
  "simplified bsd": "BSD-2-Clause",
  "freebsd": "BSD-2-Clause",
  "bsd 2-clause": "BSD-2-Clause",
  "bsd-2": "BSD-2-Clause",
  "2-clause bsd": "BSD-2-Clause",
  "bsd license": "BSD",
  "cc0": "CC0-1.0",
  "public domain": "LicenseRef-scancode-public-domain",
  "public-domain": "LicenseRef-scancode-public-domain",
  "gplv2": "GPL-2.0",
  "gpl-2": "GPL-2.0",
  "gpl v2": "GPL-2.0",
  "gpl-2.0+": "GPL-2.0-or-later",
  "gplv3": "GPL-3.0",
  "gpl-3": "GPL-3.0",
  "gpl v3": "GPL-3.0",
  "gpl-3.0+": "GPL-3.0-or-later",
  "lgplv3": "LGPL-3.0",
  "lgpl-2.1+": "LGPL-2.1-or-later",
  "lgpl-3.0+": "LGPL-3.0-or-later",
  "mpl 2.0": "MPL-2.0",
  "mpl-2": "MPL-2.0",
  "wtfpl-2.0": "WTFPL",
  "python": "Python-2.0",
  "boost": "BSL-1.0"
}

/** Canonical SPDX spelling of a license name, or the name as written when it is not known. */
export const normalizeLicenseId = (raw: string): string => {
  const name = raw.trim().replace(/\s+/g, " ")
  const key = name.toLowerCase()
  if (key.startsWith("see license in") || key.startsWith("see licence in")) return "LicenseRef-scancode-unknown-license-reference"
  return canonical.get(key) ?? aliases[key] ?? name
}

/** Is this (normalized) license id permissive? Unknown ids are not. */
export const isPermissive = (id: string): boolean => permissive.has(id)

const rank = { non_permissive: 0, permissive: 1 } as const
type Verdict = keyof typeof rank

interface Parsed {
  readonly ids: Array<string>
  readonly verdict: Verdict
}

const operators = new Set(["or", "and", "with"])

/**
 * Parse an SPDX expression (`MIT`, `(MIT OR Apache-2.0)`, `GPL-2.0 WITH Classpath-exception-2.0`,
 * loosely: `Apache License 2.0`, `mit or gpl`). `OR` is satisfied by its most permissive side, `AND`
 * by its least; a `WITH` exception keeps the license it qualifies. Returns the ids in order and the
 * verdict.
 */
const parseExpression = (expression: string): Parsed => {
  const tokens = expression.replace(/[()]/g, " $& ").split(/\s+/).filter((t) => t !== "")
  let i = 0
  const ids: Array<string> = []
  const name = (): Verdict => {
    const words: Array<string> = []
    while (i < tokens.length && tokens[i] !== "(" && tokens[i] !== ")" && !operators.has(tokens[i]!.toLowerCase())) {
      words.push(tokens[i++]!)
    }
    if (words.length === 0) {
      if (i < tokens.length && tokens[i] !== ")") i++ // stray operator: skip it
      return "non_permissive"
    }
    const id = normalizeLicenseId(words.join(" "))
    if (!ids.includes(id)) ids.push(id)
    if (i < tokens.length && tokens[i]!.toLowerCase() === "with") {
      i++
      while (i < tokens.length && tokens[i] !== "(" && tokens[i] !== ")" && !operators.has(tokens[i]!.toLowerCase())) i++
    }
    return isPermissive(id) ? "permissive" : "non_permissive"
  }
  const factor = (): Verdict => {
    if (tokens[i] === "(") {
      i++
      const v = or()
      if (tokens[i] === ")") i++
      return v
    }
    return name()
  }
  const and = (): Verdict => {
    let v = factor()
    while (i < tokens.length && tokens[i]!.toLowerCase() === "and") {
      i++
      const w = factor()
      if (rank[w] < rank[v]) v = w
    }
    return v
  }
  const or = (): Verdict => {
    let v = and()
    while (i < tokens.length && tokens[i]!.toLowerCase() === "or") {
      i++
      const w = and()
      if (rank[w] > rank[v]) v = w
    }
    return v
  }
  let verdict: Verdict = "non_permissive"
  let first = true
  while (i < tokens.length) {
    const before = i
    const v = or()
    verdict = first || rank[v] > rank[verdict] ? v : verdict
    first = false
    if (i === before) i++ // unbalanced ")": skip it
  }
  return { ids, verdict: ids.length === 0 ? "non_permissive" : verdict }
}

/** The licenses of an SPDX expression and its {@link LicenseType}. */
export const classifyLicenseExpression = (
  expression: string
): { readonly licenses: ReadonlyArray<string>; readonly licenseType: LicenseType } => {
  if (expression.trim() === "") return { licenses: [], licenseType: "no_license" }
  const parsed = parseExpression(expression)
  return { licenses: parsed.ids, licenseType: parsed.ids.length === 0 ? "no_license" : parsed.verdict }
}

const licenseText = (value: unknown): string | undefined => {
  if (typeof value === "string") return value
  if (typeof value === "object" && value !== null) {
    const type = (value as { type?: unknown }).type
    if (typeof type === "string") return type
  }
  return undefined
}

/**
 * The licenses a package.json declares (`license` as an SPDX expression or a legacy `{ type }`
 * object; legacy `licenses` arrays, read as a choice among them) and their {@link LicenseType}:
 * `no_license` when it declares none.
 */
export const manifestLicenses = (
  manifest: unknown
): { readonly licenses: ReadonlyArray<string>; readonly licenseType: LicenseType } => {
  if (typeof manifest !== "object" || manifest === null) return { licenses: [], licenseType: "no_license" }
  const m = manifest as { license?: unknown; licenses?: unknown }
  const parts: Array<string> = []
  const single = licenseText(m.license)
  if (single !== undefined && single.trim() !== "") parts.push(single)
  if (Array.isArray(m.licenses)) {
    for (const l of m.licenses) {
      const t = licenseText(l)
      if (t !== undefined && t.trim() !== "") parts.push(t)
    }
  } else {
    const t = licenseText(m.licenses)
    if (t !== undefined && t.trim() !== "") parts.push(t)
  }
  if (parts.length === 0) return { licenses: [], licenseType: "no_license" }
  return classifyLicenseExpression(parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(" OR "))
}
