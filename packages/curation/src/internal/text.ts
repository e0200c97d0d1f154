/**
 * Character tables and single-pass text measurements shared by the filters. Built once per process,
 * read from typed arrays in the hot loops (no per-character allocation).
 */

const LETTER = 1
const NUMBER = 2

let classes: Uint8Array | undefined

/** Per UTF-16 code unit: bit 1 = Unicode letter (`\p{L}`), bit 2 = Unicode number (`\p{N}`). */
export const charClasses = (): Uint8Array => {
  if (classes !== undefined) return classes
  const table = new Uint8Array(65536)
  const letter = /\p{L}/u
  const number = /\p{N}/u
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue
    if (c < 128) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) table[c] = LETTER
      else if (c >= 48 && c <= 57) table[c] = NUMBER
      continue
    }
    const s = String.fromCharCode(c)
    if (letter.test(s)) table[c] = LETTER
    else if (number.test(s)) table[c] = NUMBER
  }
  classes = table
  return table
}

/** Counts of letters and of letters-or-numbers in a text (Python's `isalpha` / `isalnum`, per code unit). */
export interface AlphaCounts {
  readonly length: number
  readonly alpha: number
  readonly alnum: number
}

/** Line count, longest line and mean line length (newline characters excluded). */
export interface LineStats {
  readonly lines: number
  readonly maxLineLength: number
  readonly avgLineLength: number
}

/** Everything the per-character filters measure, from one pass over the text. */
export interface Profile extends LineStats, AlphaCounts {
  /** Longest maximal run of base64 characters `[a-zA-Z0-9+/\n=]` of length >= 64, and their total. */
  readonly base64Longest: number
  readonly base64Total: number
  /**
   * An upper bound on the units of any match of the encoded-data hex pattern: the longest chain of
   * word runs shaped `HH`, `0xHH` or `xHH` separated only by `,`, whitespace and `\\`. Below 8 the
   * pattern cannot match, and the exact scan is skipped.
   */
  readonly hexChainBound: number
}

let profileTable: Uint8Array | undefined
/**
 * Per code unit: 1 letter, 2 number (from {@link charClasses}), 4 base64 character, 8 line break
 * (`\n`, `\r`), 16 ASCII word character (`\w`), 32 hex digit, 64 may separate hex units (`,`,
 * whitespace, `\\`).
 */
const profileClasses = (): Uint8Array => {
  if (profileTable !== undefined) return profileTable
  const t = new Uint8Array(charClasses())
  for (let c = 0; c < 128; c++) {
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 10 || c === 61) t[c]! |= 4
  }
  t[10]! |= 8
  t[13]! |= 8
  for (let c = 0; c < 128; c++) {
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) t[c]! |= 16
    if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102) || (c >= 48 && c <= 57)) t[c]! |= 32
  }
  for (let c = 0; c < 65536; c++) if (isSpace(c) || c === 44 || c === 92) t[c]! |= 64
  profileTable = t
  return t
}

const profiles = new WeakMap<object, { readonly content: string; readonly profile: Profile }>()

/**
 * The {@link profile} of a document, memoised per document object (each rule of a chain runs over a
 * whole chunk before the next, so the cache is keyed by the document, not "the last text"). A
 * document whose `content` was replaced is measured again.
 */
export const profileOf = (doc: { readonly content: string }): Profile => {
  const hit = profiles.get(doc)
  if (hit !== undefined && hit.content === doc.content) return hit.profile
  const p = profile(doc.content)
  profiles.set(doc, { content: doc.content, profile: p })
  return p
}

/** Lines, letters, base64 runs and the hex-chain bound in one pass (one table read per code unit). */
export const profile = (text: string): Profile => {
  const table = profileClasses()
  let lines = 0, max = 0, current = 0, chars = 0, alpha = 0, alnum = 0, run = 0, longest = 0, total = 0
  // Hex-unit chain bound: the current word run's length and shape (only its first 5 characters
  // matter: units are 2 to 4 characters long), and whether it continues a chain.
  let wlen = 0, xAt = -1, bad = false, first0 = false, linked = false, prevTok = false, gapOk = false, chain = 0, maxChain = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    const k = table[c]!
    if ((k & 16) !== 0) {
      if (wlen === 0) {
        linked = prevTok && gapOk
        xAt = c === 120 ? 0 : -1
        bad = (k & 32) === 0 && c !== 120
        first0 = c === 48
      } else if (wlen < 5) {
        if (wlen === 1 && c === 120 && first0) xAt = 1
        else if ((k & 32) === 0) bad = true
      }
      wlen++
    } else {
      if (wlen !== 0) {
        prevTok = !bad && ((wlen === 2 && xAt === -1) || (wlen === 3 && xAt === 0) || (wlen === 4 && xAt === 1))
        chain = prevTok ? (linked ? chain + 1 : 1) : 0
        if (chain > maxChain) maxChain = chain
        wlen = 0
        gapOk = true
      }
      if ((k & 64) === 0) gapOk = false
    }
    if ((k & 4) !== 0) run++
    else if (run !== 0) {
      if (run >= 64) {
        total += run
        if (run > longest) longest = run
      }
      run = 0
    }
    if ((k & 8) !== 0) {
      if ((k & 4) !== 0) {
        // \n (a base64 character too): end of line.
        lines++
        if (current > max) max = current
        chars += current
        current = 0
      }
      continue
    }
    current++
    if ((k & 3) !== 0) {
      alnum++
      alpha += k & 1
    }
  }
  if (run >= 64) {
    total += run
    if (run > longest) longest = run
  }
  if (wlen !== 0 && !bad && ((wlen === 2 && xAt === -1) || (wlen === 3 && xAt === 0) || (wlen === 4 && xAt === 1))) {
    chain = linked ? chain + 1 : 1
    if (chain > maxChain) maxChain = chain
  }
  if (current > 0 || lines === 0) {
    lines++
    if (current > max) max = current
    chars += current
  }
  return {
    lines, maxLineLength: max, avgLineLength: lines === 0 ? 0 : chars / lines, length: n, alpha, alnum,
    base64Longest: longest, base64Total: total, hexChainBound: maxChain
  }
}

/** The first `n` lines of a text (one slice, no split of the whole text). */
export const firstLines = (text: string, n: number): string => {
  let end = -1
  for (let k = 0; k < n; k++) {
    end = text.indexOf("\n", end + 1)
    if (end < 0) return text
  }
  return text.slice(0, end)
}

/** The file name of a `/`-separated path. */
export const basename = (path: string): string => {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))
  return slash < 0 ? path : path.slice(slash + 1)
}

let lower: Uint16Array | undefined

/** Per BMP code unit: its lower-case form when that is a single code unit, else itself. */
export const lowerTable = (): Uint16Array => {
  if (lower !== undefined) return lower
  const table = new Uint16Array(65536)
  for (let c = 0; c < 65536; c++) {
    if (c < 128) {
      table[c] = c >= 65 && c <= 90 ? c + 32 : c
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      table[c] = c
      continue
    }
    const l = String.fromCharCode(c).toLowerCase()
    table[c] = l.length === 1 ? l.charCodeAt(0) : c
  }
  lower = table
  return table
}

/** Whitespace as Python's `str.split()` / JavaScript's `\s` see it (the common code units). */
export const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
