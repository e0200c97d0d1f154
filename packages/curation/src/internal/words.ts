/**
 * Many literal words found in one pass over a text's code units: every word is anchored on its
 * rarest two-character pair, and one table read per position says whether a word's pair is there
 * (then the word is compared in full). It replaces one regular-expression pass per word list: a
 * case-insensitive alternation of keywords costs V8 a try at every position (about 1.5 ns per
 * character per list), this costs about one table read per character for all the lists together.
 */
import { codeUnits } from "./units.ts"

/** A word to find: its text and whether ASCII letter case matters. */
export interface Word {
  readonly text: string
  readonly anyCase: boolean
}

/**
 * Reports each occurrence of word `word` (its index in the list) starting at `start`; occurrences
 * come in no particular order. It runs inside the scan, which reads the shared code-unit buffer:
 * it must not scan or copy another text.
 */
export type Found = (word: number, start: number) => void

export interface Scanner {
  readonly words: ReadonlyArray<Word>
  readonly scan: (text: string, found: Found) => void
}

/**
 * Printable ASCII from the most to the least frequent in code (measured on the source files of a
 * workspace's node_modules); characters outside it count as rare.
 */
const byFrequency = ` etrnsoailcdupm.fh*,"gy)(/b=:v\`'x;}{wSEkT-_ARC0I>POD1[]|2<LMNq@BFjU?4H35W&6zVG8!#K9+7$J\\YXQZ^%~`
const rarity = (c: number, anyCase: boolean): number => {
  const rank = (x: number) => {
    const i = byFrequency.indexOf(String.fromCharCode(x))
    return i < 0 ? byFrequency.length : i
  }
  return anyCase && isLetter(c) ? Math.min(rank(c | 32), rank(c & ~32)) : rank(c)
}
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const lower = (c: number): number => (c >= 65 && c <= 90 ? c | 32 : c)

/** Build a scanner for words of two or more characters. */
export const scanner = (words: ReadonlyArray<Word>): Scanner => {
  // table[(lo8(a) << 8) | lo8(b)]: 1 + the first entry of the pair's list in `entries`, 0 for none.
  const table = new Uint16Array(65536)
  const entryWord: Array<number> = []
  const entryOffset: Array<number> = []
  const entryNext: Array<number> = []
  const texts = words.map((w) => Uint16Array.from(w.anyCase ? w.text.toLowerCase() : w.text, (ch) => ch.charCodeAt(0)))
  words.forEach((w, index) => {
    if (w.text.length < 2) throw new Error(`a scanned word needs two characters: ${JSON.stringify(w.text)}`)
    let best = 0
    let score = -1
    for (let o = 0; o + 1 < w.text.length; o++) {
      const s = rarity(w.text.charCodeAt(o), w.anyCase) + rarity(w.text.charCodeAt(o + 1), w.anyCase)
      if (s > score) {
        score = s
        best = o
      }
    }
    const a = w.text.charCodeAt(best)
    const b = w.text.charCodeAt(best + 1)
    const variants = (c: number) => (w.anyCase && isLetter(c) ? [c | 32, c & ~32] : [c])
    for (const x of variants(a)) {
      for (const y of variants(b)) {
        const key = ((x & 0xff) << 8) | (y & 0xff)
        entryWord.push(index)
        entryOffset.push(best)
        entryNext.push(table[key]! - 1)
        table[key] = entryWord.length
      }
    }
  })
  const wordOf = Int32Array.from(entryWord)
  const offsetOf = Int32Array.from(entryOffset)
  const nextOf = Int32Array.from(entryNext)
  const anyCase = Uint8Array.from(words, (w) => (w.anyCase ? 1 : 0))

  const scan = (text: string, found: Found): void => {
    const n = text.length
    if (n < 2) return
    const u = codeUnits(text)
    let prev = u[0]! & 0xff
    for (let i = 1; i < n; i++) {
      const c = u[i]! & 0xff
      const head = table[(prev << 8) | c]!
      prev = c
      if (head === 0) continue
      for (let e = head - 1; e >= 0; e = nextOf[e]!) {
        const w = wordOf[e]!
        const start = i - 1 - offsetOf[e]!
        const t = texts[w]!
        if (start < 0 || start + t.length > n) continue
        let j = 0
        if (anyCase[w] === 1) while (j < t.length && lower(u[start + j]!) === t[j]) j++
        else while (j < t.length && u[start + j] === t[j]) j++
        if (j === t.length) found(w, start)
      }
    }
  }
  return { words, scan }
}
