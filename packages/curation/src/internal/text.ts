/**
 * Character tables and single-pass text measurements shared by the filters. Built once per process,
 * read from typed arrays in the hot loops (no per-character allocation).
 */
import { codeUnits } from "./units.ts"

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
   * The hex pattern's prefilter: at least 8 exactly when some run of the characters a hex-pattern
   * match is made of (hex digits, `x`, `,`, `\\`, whitespace) holds 8 or more runs of two or more hex
   * digits (each unit of a match is such a run), else below 8, and the exact scan is skipped.
   */
  readonly hexUnitBound: number
}

let profileTable: Uint8Array | undefined
/**
 * Per code unit: 1 letter, 2 number (from {@link charClasses}), 4 base64 character, 32 hex digit,
 * 64 may be part of a hex-pattern match (hex digits, `x`, `,`, whitespace, `\\`).
 */
const profileClasses = (): Uint8Array => {
  if (profileTable !== undefined) return profileTable
  const t = new Uint8Array(charClasses())
  for (let c = 0; c < 128; c++) {
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 10 || c === 61) t[c]! |= 4
  }
  for (let c = 0; c < 128; c++) {
    if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102) || (c >= 48 && c <= 57)) t[c]! |= 32 | 64
  }
  for (let c = 0; c < 65536; c++) if (isSpace(c) || c === 44 || c === 92 || c === 120) t[c]! |= 64
  profileTable = t
  return t
}

/**
 * Letters and letters-or-numbers counted by one integer addition per code unit: letter + 2^16 *
 * (letter or number), summed over blocks of 2^15 - 1 units so that a block's sum stays below 2^31.
 */
const BLOCK = 32767
let countTable: Int32Array | undefined
const letterCounts = (): Int32Array => {
  if (countTable !== undefined) return countTable
  const classes = charClasses()
  const t = new Int32Array(65536)
  for (let c = 0; c < 65536; c++) t[c] = (classes[c]! & LETTER) | (classes[c]! !== 0 ? 0x10000 : 0)
  countTable = t
  return t
}

/** The memoised value of one measurement per document object; a replaced `content` is measured again. */
const memo = <A>(measure: (text: string) => A) => {
  const cache = new WeakMap<object, { readonly content: string; readonly value: A }>()
  return (doc: { readonly content: string }): A => {
    const hit = cache.get(doc)
    if (hit !== undefined && hit.content === doc.content) return hit.value
    const value = measure(doc.content)
    cache.set(doc, { content: doc.content, value })
    return value
  }
}

/**
 * The {@link lineStats} of a document, memoised per document object (each rule of a chain runs over
 * a whole chunk before the next, so the cache is keyed by the document, not "the last text"). The
 * line rules (minified, line length, data files) need only these, found with the native
 * `indexOf`, so the per-character {@link profile} runs only on the files they keep.
 */
export const linesOf: (doc: { readonly content: string }) => LineStats = memo((text) => lineStats(text))

/** The {@link charProfile} of a document (letters, base64 runs, hex-chain bound), memoised like {@link linesOf}. */
export const profileOf: (doc: { readonly content: string }) => CharProfile = memo((text) => charProfile(text))

/**
 * Lines (a trailing newline does not start one), longest line and mean line length, newline and
 * `\r` characters excluded: the line figures of {@link profile}, from the native `indexOf` (one call
 * per line, none per character).
 */
export const lineStats = (text: string): LineStats => {
  const n = text.length
  let lines = 0, max = 0, chars = 0, start = 0
  let cr = text.indexOf("\r")
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
    let len = nl - start
    while (cr >= 0 && cr < nl) {
      len--
      cr = text.indexOf("\r", cr + 1)
    }
    lines++
    if (len > max) max = len
    chars += len
    start = nl + 1
  }
  let len = n - start
  while (cr >= 0) {
    len--
    cr = text.indexOf("\r", cr + 1)
  }
  if (len > 0 || lines === 0) {
    lines++
    if (len > max) max = len
    chars += len
  }
  return { lines, maxLineLength: max, avgLineLength: lines === 0 ? 0 : chars / lines }
}

/** Letters, base64 runs and the hex-chain bound in one pass (one table read per code unit), plus {@link lineStats}. */
export const profile = (text: string): Profile => ({ ...lineStats(text), ...charProfile(text) })

/** The per-character part of a {@link Profile}. */
export type CharProfile = Omit<Profile, keyof LineStats>

/**
 * Each maximal run of code units whose class in `table` has `bit`, at least `min` long: found by
 * probing every `min`-th position (such a run always covers one) and measuring only the runs through
 * a probe, each once.
 */
const probedRuns = (u: Uint16Array, n: number, table: Uint8Array, bit: number, min: number, found: (start: number, end: number) => void): void => {
  let covered = 0
  for (let p = min - 1; p < n; p += min) {
    if (p < covered || (table[u[p]!]! & bit) === 0) continue
    let a = p, b = p + 1
    while (a > covered && (table[u[a - 1]!]! & bit) !== 0) a--
    while (b < n && (table[u[b]!]! & bit) !== 0) b++
    covered = b
    if (b - a >= min) found(a, b)
  }
}

/**
 * Letters, base64 runs and the hex-chain prefilter. Letters are counted in one pass (one table read
 * and one integer addition per code unit). The runs are probed ({@link probedRuns}): base64 runs of
 * 64 or more, and runs of hex-pattern characters long enough to hold 8 units (8 x 2 digits + 7
 * separators = 23 characters).
 */
export const charProfile = (text: string): CharProfile => {
  const n = text.length
  const u = codeUnits(text)
  let alpha = 0, alnum = 0
  const counts = letterCounts()
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK)
    let sum = 0
    for (let i = from; i < to; i++) sum = (sum + counts[u[i]!]!) | 0
    alpha += sum & 0xffff
    alnum += sum >>> 16
  }
  const table = profileClasses()
  let longest = 0, total = 0
  probedRuns(u, n, table, 4, 64, (a, b) => {
    total += b - a
    if (b - a > longest) longest = b - a
  })
  let hexUnitBound = 0
  probedRuns(u, n, table, 64, 23, (a, b) => {
    // Runs of two or more hex digits in [a, b).
    let units = 0, digits = 0
    for (let i = a; i < b; i++) {
      if ((table[u[i]!]! & 32) !== 0) digits++
      else {
        if (digits >= 2) units++
        digits = 0
      }
    }
    if (digits >= 2) units++
    if (units > hexUnitBound) hexUnitBound = units
  })
  return { length: n, alpha, alnum, base64Longest: longest, base64Total: total, hexUnitBound }
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
