/**
 * Linear-time scanners that find exactly what two of StarCoder2's encoded-data regexes match
 * (leftmost, greedy, non-overlapping); the base64 runs are counted in `text.ts`'s one-pass profile
 * (as a regex, `[a-zA-Z0-9+/\n=]{64,}` retries every start inside a long run of letters):
 *
 * - hex `(?:\b(?:0x|\\x)?[0-9a-fA-F]{2}(?:,|\b\s*)){8,}`: chains of 8 or more units;
 * - unicode `(?:\\u[0-9a-fA-F]{4}){8,}`: chains of 8 or more escapes.
 */
import { isSpace } from "./text.ts"

/** Longest match and total matched length of one pattern. */
export interface Extent {
  longest: number
  total: number
}

const hexTable = new Uint8Array(128)
for (let c = 0; c < 128; c++) hexTable[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) ? 1 : 0
const wordTable = new Uint8Array(128)
for (let c = 0; c < 128; c++) wordTable[c] = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 ? 1 : 0

/** 1 = word character (`\w`), 3 = hex digit (also a word character). */
const classes = new Uint8Array(128)
for (let c = 0; c < 128; c++) classes[c] = hexTable[c] === 1 ? 3 : wordTable[c]!

const isHex = (c: number) => c < 128 && hexTable[c] === 1
/** JavaScript's `\w` without the `u` flag: ASCII only. */
const isWord = (text: string, i: number) => {
  if (i < 0 || i >= text.length) return false
  const c = text.charCodeAt(i)
  return c < 128 && wordTable[c] === 1
}

/** End of the hex unit starting at `p`, or -1. */
const hexUnit = (text: string, p: number): number => {
  if (isWord(text, p - 1) === isWord(text, p)) return -1
  let q = p
  const c = text.charCodeAt(q)
  if ((c === 48 /* 0 */ || c === 92 /* \ */) && text.charCodeAt(q + 1) === 120 /* x */) {
    q += 2
  }
  if (!isHex(text.charCodeAt(q)) || !isHex(text.charCodeAt(q + 1))) {
    if (q === p) return -1
    // "0x" read as a prefix but no digits follow: without the prefix "0x" itself is not two hex digits.
    return -1
  }
  q += 2
  if (text.charCodeAt(q) === 44 /* , */) return q + 1
  if (isWord(text, q)) return -1
  while (q < text.length && isSpace(text.charCodeAt(q))) q++
  return q
}

/** Chains of `min` or more hex units. */
export const hexChains = (text: string, min = 8, stopAt = Infinity): Extent => {
  const e = { longest: 0, total: 0 }
  const n = text.length
  let prevWord = false
  let p = 0
  while (p < n) {
    const c = text.charCodeAt(p)
    const k = c < 128 ? classes[c]! : 0
    // A unit starts at a word boundary: a hex digit after a non-word character, or `\\x` after a word character.
    if (c === 92 ? !prevWord : k !== 3 || prevWord) {
      prevWord = k !== 0
      p++
      continue
    }
    const start = p
    let count = 0
    let q = hexUnit(text, p)
    while (q > p) {
      count++
      p = q
      q = hexUnit(text, p)
    }
    if (count >= min) {
      const len = p - start
      e.total += len
      if (len > e.longest) e.longest = len
      if (e.longest > stopAt) return e
    }
    if (count === 0) {
      prevWord = c !== 92
      p = start + 1
    } else prevWord = isWord(text, p - 1)
  }
  return e
}

/** Chains of `min` or more `\uXXXX` escapes. */
export const unicodeChains = (text: string, min = 8, stopAt = Infinity): Extent => {
  const e = { longest: 0, total: 0 }
  let i = text.indexOf("\\u")
  while (i >= 0) {
    let p = i
    let count = 0
    while (text.charCodeAt(p) === 92 && text.charCodeAt(p + 1) === 117 && isHex(text.charCodeAt(p + 2)) && isHex(text.charCodeAt(p + 3)) &&
      isHex(text.charCodeAt(p + 4)) && isHex(text.charCodeAt(p + 5))) {
      count++
      p += 6
    }
    if (count >= min) {
      const n = p - i
      e.total += n
      if (n > e.longest) e.longest = n
      if (e.longest > stopAt) return e
    }
    i = text.indexOf("\\u", count === 0 ? i + 1 : p)
  }
  return e
}
