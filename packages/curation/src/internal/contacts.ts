/**
 * Email, IP address and person-name detection for PII redaction (reference §5.1, §5.3, §5.6), with
 * the false-positive guards documented in the package README. Each finder calls `found` with the
 * `[start, end)` range and value of every detection, in order.
 */
import { dnsServers, isPublicIPv4, isPublicIPv6 } from "./ip.ts"
import { charClasses } from "./text.ts"

/** One detection. */
export interface Found {
  readonly start: number
  readonly end: number
  readonly value: string
}

// Emails (bigcode): explicit delimiters on both sides; TLD of Unicode letters and marks or punycode.
// Asset names (`logo@2x.png`) and package specs look like emails; these "TLDs" are file extensions.
const notTlds = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "cjs", "ts", "tsx", "jsx", "css", "scss", "less", "json", "html", "htm", "md", "map", "txt", "xml", "yml", "yaml", "vue", "wasm", "node", "woff", "woff2", "ttf", "mp4", "mp3", "lock"])
const gitHosts = /^git@/
// IPv4 (datatrove's octet pattern) with no digit or `.digit` on either side.
const ipv4Pattern = /(?<![\d.]|\d\.)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g
const versionWindow = /dns|server/i
const addressWindow = /dns|server|\bip\b|ipv4|host|addr/i
const smallOctets = /^(?:(?:[12]?\d|3[01])\.){3}(?:[12]?\d|3[01])$/
// Our guard beyond bigcode's: dotted quads right after a version word (`"v8": "4.5.103.37"`,
// `version 10.2.0.1`, `v1.2.3.4`, `pkg@1.2.3.4`) are version numbers, not addresses.
const versionBefore = /(?:version|release|build|v8|chrome|electron|firefox|node|\bv|@)["'\s:=]{0,4}$/i
/**
 * Documentation and test domains (RFC 2606 / 6761) and Acme, the stock fictional company of fixtures
 * and tutorials (`ada@acme.dev` in effect's docs): addresses there are examples, not PII.
 */
const exampleDomain = /@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|acme\.[a-z]{2,}|test|invalid|localhost|example)$/i
/** `a@b.com`: a one-letter user at a one-letter domain is a placeholder. */
const oneLetterAddress = /^[^@]@[^.@]\.[a-z]{2,3}$/i
/**
 * Where an address ends inside other text: the next character cannot follow an address in prose or
 * code (`#$%^~|`), or is `.` / `!` with a letter or digit right after (`P@P.PK%`, `WPQN@xx.Bi!xh` in
 * caniuse-lite's packed tables).
 */
const isPackedAfter = (content: string, end: number): boolean => {
  const c = content.charCodeAt(end)
  if (c === 35 || c === 36 || c === 37 || c === 94 || c === 126 || c === 124) return true
  return (c === 46 || c === 33) && end + 1 < content.length && isWordOrDot(content.charCodeAt(end + 1)) && content.charCodeAt(end + 1) !== 46
}
/** A top-level domain written in mixed case (`.Bi`, `.pK`) is packed data, not an address. */
const isMixedCase = (s: string): boolean => s !== s.toLowerCase() && s !== s.toUpperCase()
/** `scheme://user:password@host`: the part before `@` is a URL's credentials, not a mailbox. */
const isUrlUserinfo = (content: string, start: number): boolean => {
  if (content.startsWith("//", start - 2)) return true
  if (content.charCodeAt(start - 1) !== 58) return false
  let i = start - 2
  while (i >= 0 && isLocalChar(content.charCodeAt(i))) i--
  return content.startsWith("//", i - 1)
}

const isLocalChar = (c: number): boolean =>
  c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || (c < 65536 && charClasses()[c] !== 0)
const domainPattern = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{N}_-])/uy

/**
 * The email around the `@` at `at`, as bigcode-style delimited matching finds it: the local part is the whole
 * run of local characters before `@` (at most 64, starting with a letter or digit, since the match
 * must not follow a local character), the domain is matched in place with a sticky pattern.
 */
const emailAt = (content: string, at: number): Found | undefined => {
  let start = at
  while (start > 0 && isLocalChar(content.charCodeAt(start - 1))) {
    start--
    if (at - start > 64) return undefined
  }
  if (start === at || (charClasses()[content.charCodeAt(start)] ?? 0) === 0) return undefined
  domainPattern.lastIndex = at + 1
  const m = domainPattern.exec(content)
  if (m === null) return undefined
  const end = at + 1 + m[0].length
  const value = content.slice(start, end)
  const tld = value.slice(value.lastIndexOf(".") + 1)
  if (notTlds.has(tld.toLowerCase()) || gitHosts.test(value) || exampleDomain.test(value) || oneLetterAddress.test(value)) return undefined
  if (isMixedCase(tld) || isPackedAfter(content, end) || isUrlUserinfo(content, start)) return undefined
  return { start, end, value }
}

const isHexOrColon = (c: number): boolean => c === 58 || (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
const isWordOrDot = (c: number): boolean =>
  c === 46 || c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/**
 * The IPv6 address whose maximal run of hex digits and colons holds the colon at `colon`: the run
 * must not touch a word character or `.`, must contain a digit and must be a public address.
 */
const ipv6At = (content: string, colon: number): Found | undefined => {
  let start = colon
  while (start > 0 && isHexOrColon(content.charCodeAt(start - 1))) start--
  let end = colon + 1
  while (end < content.length && isHexOrColon(content.charCodeAt(end))) end++
  if (end - start < 3 || end - start > 39) return undefined
  if (start > 0 && isWordOrDot(content.charCodeAt(start - 1))) return undefined
  if (end < content.length && isWordOrDot(content.charCodeAt(end)) && content.charCodeAt(end) !== 46) return undefined
  const value = content.slice(start, end)
  if (!/\d/.test(value) || !isPublicIPv6(value)) return undefined
  return { start, end, value }
}


/** Every email address. */
export const emails = (content: string, found: (f: Found) => void): void => {
  for (let at = content.indexOf("@"); at >= 0; at = content.indexOf("@", at + 1)) {
    const f = emailAt(content, at)
    if (f === undefined) continue
    found(f)
    at = f.end - 1
  }
}

// Our guards for addresses in documentation and drawings, found by running on node_modules.
/** A decimal with a fraction (`72.18`, `-48.2`, `.5`) right before or after: SVG path data (`m46 191.66.73.35 72.18`). */
const decimalBefore = /(?<![\d.])\d*\.\d+[ ,]?-?$/
const decimalAfter = /^[ ,]?-?\d*\.\d+(?!\d*\.\d)|^[a-zA-Z]-?\d*\.\d+(?!\d*\.\d)/
const inAddrArpa = ".in-addr.arpa"
/** Words that make a documentation line an example (`e.g. '74.125.79.104'`, `For example, ...`). */
const exampleWords = /\be\.g\.|\bfor example\b|\bsuch as\b|\bi\.e\./i

/**
 * Is `at` in an example of a documentation comment: on a `*` line of a `/** ... *\/` block, inside
 * a fenced code sample or after an `@example` tag (with no later tag), or on a line saying "e.g." /
 * "for example"? API docs show example addresses (`resolver.setServers(['4.4.4.4'])` in
 * `@types/node/dns.d.ts`); a described address (` * The upstream is 52.14.1.9`) still counts.
 */
export const inDocExample = (content: string, at: number): boolean => {
  const lineStart = content.lastIndexOf("\n", at - 1) + 1
  if (!/^[ \t]*\*(?!\/)/.test(content.slice(lineStart, at))) return false
  const open = content.lastIndexOf("/**", at)
  if (open < 0 || content.lastIndexOf("*/", at) > open) return false
  let lineEnd = content.indexOf("\n", at)
  if (lineEnd < 0) lineEnd = content.length
  if (exampleWords.test(content.slice(lineStart, lineEnd))) return true
  const block = content.slice(open, lineStart)
  let fences = 0
  for (let i = block.indexOf("```"); i >= 0; i = block.indexOf("```", i + 3)) fences++
  if (fences % 2 === 1) return true
  const example = block.lastIndexOf("@example")
  return example >= 0 && !/(?:^|\s)@[a-z]+/.test(block.slice(example + 8))
}

/** Every public IPv4 and IPv6 address (IPv4 first). */
export const ipAddresses = (content: string, found: (f: Found) => void): void => {
  ipv4Pattern.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = ipv4Pattern.exec(content)) !== null) {
    const value = m[0]
    const end = m.index + value.length
    // A reverse-DNS name (`1.2.0.192.in-addr.arpa`) holds its address backwards.
    const address = content.startsWith(inAddrArpa, end) ? value.split(".").reverse().join(".") : value
    if (!isPublicIPv4(address) || dnsServers.has(address)) continue
    if (decimalBefore.test(content.slice(Math.max(0, m.index - 12), m.index)) || decimalAfter.test(content.slice(end, end + 12))) continue
    if (inDocExample(content, m.index)) continue
    if (versionBefore.test(content.slice(Math.max(0, m.index - 24), m.index))) continue
    // bigcode: `x.x.x.x` (length 7) is a version unless `dns` or `server` is within 100 characters.
    // Ours, wider: every octet below 32 (spec sections `13.2.5.5`, versions `4.2.6.10`) the same way.
    if (value.length === 7 || smallOctets.test(value)) {
      const window = content.slice(Math.max(0, m.index - 100), m.index + value.length + 100)
      if (!(value.length === 7 ? versionWindow : addressWindow).test(window)) continue
    }
    found({ start: m.index, end: m.index + value.length, value })
  }
  for (let colon = content.indexOf(":"); colon >= 0; colon = content.indexOf(":", colon + 1)) {
    const f = ipv6At(content, colon)
    if (f === undefined) continue
    if (!inDocExample(content, f.start)) found(f)
    colon = f.end
  }
}

// Names: two to four capitalised words (or initials) where code names a person: after
// `Copyright (c) 2020`, `@author`, `"author": "`, `Author:`, `Maintainer:`, `Written by`. Not an
// NER model (StarPII): names elsewhere are not found, and organisations are told apart by words
// such as Inc, Foundation, Team, Contributors.
const namePattern =
  /(?:(?:[Cc]opyright|COPYRIGHT)(?: ?\([Cc]\)| ?©)?(?: \d{4}(?: ?[-–,] ?(?:\d{4}|present))*,?)? |@author |"author": ?"|\b[Aa]uthor: |\b[Mm]aintainer: |\b[Ww]ritten by )((?:\p{Lu}\p{Ll}+(?:['’]?\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?|\p{Lu}\.)(?: (?:\p{Lu}\p{Ll}+(?:['’]?\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?|\p{Lu}\.)){1,3})(?![\p{L}\p{N}])/gu
/** Words one of which every name context holds: a text without any has no name to find. */
export const nameContextWords: ReadonlyArray<string> = ["opyright", "OPYRIGHT", "@author", "\"author\"", "uthor: ", "aintainer: ", "ritten by "]
const notNameWords = new Set([
  "Inc", "Incorporated", "Corporation", "Corp", "Foundation", "Llc", "Ltd", "Limited", "Gmbh", "Team", "Contributors",
  "Authors", "Project", "Projects", "Software", "Technologies", "Technology", "Tech", "Labs", "Systems", "Group", "Company",
  "Platforms", "Google", "Microsoft", "Facebook", "Meta", "Mozilla", "Apache", "Node", "The", "All", "Rights", "Reserved",
  "Copyright", "License", "Licensed", "Permission", "Chat", "Open", "Source", "Community", "University", "Institute",
  "Organization", "Developers", "Github", "Js", "Org", "Com", "Holders", "Owner", "Owners", "Free", "Notice", "See", "This",
  "Code", "Co", "Et", "Al", "And", "Of", "Or", "Closure", "Compiler", "Babel", "Effect", "Contributor"
])
/** Capitalised like a word but a name part? (`McDonald`, `O'Brien` pass; `Inc` and `Team` do not). */
const isNameWord = (w: string): boolean => !notNameWords.has(w.charAt(0) + w.slice(1).toLowerCase())


/** Every person name in an authorship context; call it only on texts holding one of {@link nameContextWords}. */
export const names = (content: string, found: (f: Found) => void): void => {
  namePattern.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = namePattern.exec(content)) !== null) {
    const value = m[1]!
    if (!value.split(" ").every(isNameWord)) continue
    const start = m.index + m[0].length - value.length
    found({ start, end: start + value.length, value })
  }
}
