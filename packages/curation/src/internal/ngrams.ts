/**
 * Hashed word n-grams: words are maximal runs of letters, digits and `_`, lower-cased; each n-gram
 * is hashed to a 53-bit number from two 32-bit FNV-style hashes of its words, with a ring of the last
 * n word hashes (no strings built per word or per n-gram). N-grams with fewer than `minInformative`
 * informative words (two or more characters with a letter) are skipped: runs of single letters or
 * numbers (`0 1 2 3 ...`, `a b c ...`) fill token lists and data files and say nothing about a text.
 */
import { charClasses, lowerTable } from "./text.ts"

/** Call `f` with the hash of every informative word n-gram of `text`; stop when `f` returns true. */
export const forEachNgram = (text: string, n: number, f: (hash: number) => boolean, minInformative = 3): void => {
  const classes = charClasses()
  const lower = lowerTable()
  const ringA = new Uint32Array(n)
  const ringB = new Uint32Array(n)
  const ringInfo = new Uint8Array(n)
  let informative = 0
  let words = 0
  let a = 0
  let b = 0
  let length = 0
  let letters = 0
  let inWord = false
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32
    const k = c === 95 ? 2 : classes[c]!
    if (k !== 0) {
      const l = lower[c]!
      if (!inWord) {
        a = 0x811c9dc5
        b = 0x01000193
        length = 0
        letters = 0
        inWord = true
      }
      a = Math.imul(a ^ l, 0x01000193)
      b = Math.imul(b ^ l, 0x5bd1e995) ^ (b >>> 15)
      length++
      if (k === 1) letters++
    } else if (inWord) {
      inWord = false
      const slot = words % n
      if (words >= n) informative -= ringInfo[slot]!
      ringA[slot] = a >>> 0
      ringB[slot] = b >>> 0
      ringInfo[slot] = length >= 2 && letters > 0 ? 1 : 0
      informative += ringInfo[slot]!
      words++
      if (words >= n && informative >= minInformative) {
        let ha = 0x811c9dc5
        let hb = 0x27d4eb2f
        for (let j = 0; j < n; j++) {
          const r = (words + j) % n
          ha = Math.imul(ha ^ ringA[r]!, 0x01000193)
          hb = Math.imul(hb ^ ringB[r]!, 0x85ebca6b) ^ (hb >>> 13)
        }
        if (f((ha >>> 0) * 2097152 + ((hb >>> 0) & 0x1fffff))) return
      }
    }
  }
}
