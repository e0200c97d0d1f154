/**
 * Multi-pattern substring search over normalised text (lower-cased, whitespace removed) by Wu and
 * Manber's block-shift method ("A fast algorithm for multi-pattern searching", 1994): a window of
 * `m` characters (the shortest pattern's length) slides over the text, and the window's last three
 * characters, hashed, index a table of how far it may jump without passing a pattern's start. Only
 * where that is 0 are the patterns whose first `m` characters end in those three compared in full.
 * The text is normalised on the fly (one table read per character looked at), so most characters
 * are never read: with HumanEval's 324 strings (the shortest 13 characters) the window moves
 * several characters at a time, whatever the number of patterns.
 */
import { isSpace, lowerTable } from "./text.ts"
import { codeUnits } from "./units.ts"

export interface Matcher {
  /** Index of a pattern found in the text (the one starting first), or -1. */
  readonly search: (text: string) => number
}

/** Normalise a pattern the way the search normalises text. */
export const normalize = (text: string): string => {
  const lower = lowerTable()
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (!isSpace(c)) out += String.fromCharCode(lower[c]!)
  }
  return out
}

/** `code[c]` for whitespace: dropped by the normalisation. */
const SKIP = 0xffff
/** Bits of the block table's index (64 KiB of shifts). */
const BITS = 16

/**
 * Build a matcher for non-empty normalised patterns (empty ones never match).
 */
export const build = (patterns: ReadonlyArray<string>): Matcher => {
  // The alphabet: 1..letters for code units used by a pattern, 0 for any other.
  const lower = lowerTable()
  const letter = new Uint16Array(65536)
  let letters = 0
  for (const p of patterns) for (let i = 0; i < p.length; i++) if (letter[p.charCodeAt(i)] === 0) letter[p.charCodeAt(i)] = ++letters
  const code = new Uint16Array(65536)
  for (let c = 0; c < 65536; c++) code[c] = isSpace(c) ? SKIP : letter[lower[c]!]!

  const live = patterns.flatMap((p, index) => (p.length === 0 ? [] : [index]))
  if (live.length === 0) return { search: () => -1 }
  const m = Math.min(...live.map((i) => patterns[i]!.length))
  const b = Math.min(3, m)
  const coded = patterns.map((p) => Uint16Array.from(p, (ch) => letter[ch.charCodeAt(0)]!))
  // A block's slot: its b characters hashed from the last to the first (as the search reads them).
  const slot = (w: Uint16Array, end: number): number => {
    let h = 0x811c9dc5
    for (let k = end; k > end - b; k--) h = Math.imul(h ^ w[k]!, 0x9e3779b1)
    return h >>> (32 - BITS)
  }
  // shift[slot]: how far the window's end may move when its last b characters hash to slot.
  const shift = new Uint8Array(1 << BITS).fill(Math.min(255, m - b + 1))
  const head = new Int32Array(1 << BITS).fill(-1)
  const nextOf = new Int32Array(live.length)
  live.forEach((p, e) => {
    const w = coded[p]!
    for (let end = b - 1; end < m; end++) {
      const h = slot(w, end)
      shift[h] = Math.min(shift[h]!, m - 1 - end)
    }
    const h = slot(w, m - 1)
    nextOf[e] = head[h]!
    head[h] = e
  })
  const patternOf = Int32Array.from(live)

  /** Does pattern `w` occur in the text from `start` on, whitespace skipped? */
  const matchesAt = (u: Uint16Array, n: number, start: number, w: Uint16Array): boolean => {
    let k = 0
    for (let i = start; i < n && k < w.length; i++) {
      const a = code[u[i]!]!
      if (a === SKIP) continue
      if (a !== w[k]) return false
      k++
    }
    return k === w.length
  }

  // The window slides over the text as it is, whitespace included: its end is a non-whitespace
  // character and its last b characters are the last b non-whitespace ones. A shift of s
  // normalised characters is taken as s code units, which never moves further (whitespace only
  // adds units), so no match is jumped over. Windows are tried in order: the first pattern found
  // starts first.
  const search = (text: string): number => {
    const n = text.length
    const u = codeUnits(text)
    // The first window ends at the m-th non-whitespace character.
    let end = 0
    for (let seen = 0; end < n; end++) if (code[u[end]!] !== SKIP && ++seen === m) break
    while (end < n) {
      if (code[u[end]!] === SKIP) {
        end++
        continue
      }
      let h = 0x811c9dc5
      let c1 = 0
      let c0 = 0
      if (b === 3 && (c1 = code[u[end - 1]!]!) !== SKIP && (c0 = code[u[end - 2]!]!) !== SKIP) {
        // The common case: no whitespace among the last three characters.
        h = Math.imul(Math.imul(Math.imul(h ^ code[u[end]!]!, 0x9e3779b1) ^ c1, 0x9e3779b1) ^ c0, 0x9e3779b1)
      } else {
        for (let k = b, at = end; k > 0; at--) {
          const a = code[u[at]!]!
          if (a === SKIP) continue
          h = Math.imul(h ^ a, 0x9e3779b1)
          k--
        }
      }
      h >>>= 32 - BITS
      const s = shift[h]!
      if (s !== 0) {
        end += s
        continue
      }
      // The window's start: its m-th non-whitespace character counting back from the end.
      let start = end
      for (let k = m; ; start--) if (code[u[start]!] !== SKIP && --k === 0) break
      for (let e = head[h]!; e >= 0; e = nextOf[e]!) if (matchesAt(u, n, start, coded[patternOf[e]!]!)) return patternOf[e]!
      end++
    }
    return -1
  }
  return { search }
}
