/**
 * Aho–Corasick automaton over normalised text (lower-cased, whitespace removed), built from
 * normalised patterns. Characters are first mapped to a small alphabet (the code units the patterns
 * use) by one table read that also marks whitespace, so the search normalises on the fly. States
 * are numbered breadth first; the shallow ones (depth <= 3, where the search spends most of its
 * time) have dense rows with the failure links resolved and pattern ends marked, so a character
 * there costs two table reads; deeper states use an open-addressing hash table of typed arrays
 * plus failure links. One pass over a text, no allocation per character.
 */
import { isSpace, lowerTable } from "./text.ts"
import { codeUnits } from "./units.ts"

export interface Automaton {
  /** Index of the first pattern found in the text, or -1. */
  readonly search: (text: string) => number
  readonly states: number
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

/** `code[c]` for whitespace: skipped by the search. */
const SKIP = 0xffff

export const build = (patterns: ReadonlyArray<string>): Automaton => {
  // The alphabet: 1..letters for code units used by a (normalised) pattern, 0 for any other.
  const lower = lowerTable()
  const letter = new Uint16Array(65536)
  let letters = 0
  let total = 1
  for (const p of patterns) {
    total += p.length
    for (let i = 0; i < p.length; i++) if (letter[p.charCodeAt(i)] === 0) letter[p.charCodeAt(i)] = ++letters
  }
  const width = letters + 1
  const code = new Uint16Array(65536)
  for (let c = 0; c < 65536; c++) code[c] = isSpace(c) ? SKIP : letter[lower[c]!]!

  // The trie: transitions (state, letter) -> state in an open-addressing hash table.
  let size = 1
  while (size < total * 2) size <<= 1
  const trie = new Table(size)
  const output = new Int32Array(total).fill(-1)
  const depth = new Uint8Array(total)
  let states = 1
  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p]!
    if (pattern.length === 0) continue
    let s = 0
    for (let i = 0; i < pattern.length; i++) {
      const a = letter[pattern.charCodeAt(i)]!
      let to = trie.get(s, a)
      if (to === -1) {
        to = states++
        trie.set(s, a, to)
        depth[to] = Math.min(255, depth[s]! + 1)
      }
      s = to
    }
    if (output[s] === -1) output[s] = p
  }

  // Failure links, breadth first; `match[s]`: a pattern ending at s or on its failure chain.
  const fail = new Int32Array(states)
  const match = new Int32Array(states).fill(-1)
  const children: Array<Array<number>> = Array.from({ length: states }, () => [])
  trie.forEach((from, a, to) => children[from]!.push(a, to))
  const order = new Int32Array(states)
  let head = 0
  let tail = 0
  for (let k = 0; k < children[0]!.length; k += 2) order[tail++] = children[0]![k + 1]!
  for (let s = 0; s < states; s++) match[s] = output[s]!
  while (head < tail) {
    const s = order[head++]!
    if (match[s] === -1) match[s] = match[fail[s]!]!
    const kids = children[s]!
    for (let k = 0; k < kids.length; k += 2) {
      const a = kids[k]!
      const t = kids[k + 1]!
      let f = fail[s]!
      let to = trie.get(f, a)
      while (to === -1 && f !== 0) {
        f = fail[f]!
        to = trie.get(f, a)
      }
      fail[t] = to === -1 || to === t ? 0 : to
      order[tail++] = t
    }
  }

  // Renumber the states breadth first, so the shallow ones (depth <= 3, where the search spends
  // most of its time) are 0..shallow-1 and index their dense rows directly.
  const id = new Int32Array(states)
  for (let k = 0; k < tail; k++) id[order[k]!] = k + 1
  const next = new Table(size)
  trie.forEach((from, a, to) => next.set(id[from]!, a, id[to]!))
  const failOf = new Int32Array(states)
  const matchOf = new Int32Array(states)
  for (let old = 0; old < states; old++) {
    failOf[id[old]!] = id[fail[old]!]!
    matchOf[id[old]!] = match[old]!
  }
  let shallow = 1
  while (shallow < states && depth[order[shallow - 1]!]! <= 3) shallow++
  // Full DFA rows for the shallow states, failure links resolved (a failure link points to a
  // shallower state, whose row is already complete); a target that ends a pattern is stored as ~target.
  const dense = new Int32Array(shallow * width)
  for (let st = 0; st < shallow; st++) {
    for (let a = 1; a < width; a++) {
      const to = next.get(st, a)
      const target = to !== -1 ? to : st === 0 ? 0 : dense[failOf[st]! * width + a]!
      dense[st * width + a] = target < 0 ? target : matchOf[target] !== -1 ? ~target : target
    }
  }

  const search = (text: string): number => {
    let s = 0
    const u = codeUnits(text)
    const n = text.length
    for (let i = 0; i < n; i++) {
      const a = code[u[i]!]!
      if (a === SKIP) continue
      if (a === 0) {
        s = 0
        continue
      }
      if (s >= shallow) {
        // Deep state: its own transition, or failure links down to a shallow state.
        for (;;) {
          const to = next.get(s, a)
          if (to !== -1) {
            s = to
            break
          }
          s = failOf[s]!
          if (s < shallow) break
        }
        if (s >= shallow) {
          if (matchOf[s] !== -1) return matchOf[s]!
          continue
        }
      }
      const t = dense[s * width + a]!
      if (t < 0) return matchOf[~t]!
      s = t
    }
    return -1
  }
  return { search, states }
}

/** An open-addressing hash table of (state, letter) -> state in typed arrays. */
class Table {
  private readonly mask: number
  private readonly keyState: Int32Array
  private readonly keyLetter: Uint16Array
  private readonly value: Int32Array

  constructor(size: number) {
    this.mask = size - 1
    this.keyState = new Int32Array(size).fill(-1)
    this.keyLetter = new Uint16Array(size)
    this.value = new Int32Array(size)
  }

  private slot(state: number, a: number): number {
    let h = (Math.imul(state, 0x9e3779b1) ^ Math.imul(a, 0x85ebca6b)) & this.mask
    while (this.keyState[h] !== -1 && (this.keyState[h] !== state || this.keyLetter[h] !== a)) h = (h + 1) & this.mask
    return h
  }

  get(state: number, a: number): number {
    const h = this.slot(state, a)
    return this.keyState[h] === -1 ? -1 : this.value[h]!
  }

  set(state: number, a: number, to: number): void {
    const h = this.slot(state, a)
    this.keyState[h] = state
    this.keyLetter[h] = a
    this.value[h] = to
  }

  forEach(f: (state: number, a: number, to: number) => void): void {
    for (let h = 0; h <= this.mask; h++) if (this.keyState[h] !== -1) f(this.keyState[h]!, this.keyLetter[h]!, this.value[h]!)
  }
}
