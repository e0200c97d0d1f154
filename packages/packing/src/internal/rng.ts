/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through SplitMix32 from a 32-bit FNV-1a hash
 * of the seed and a list of keys (e.g. the repository name), so every repository gets its own
 * stream whatever order, task or worker it is processed in.
 */

/** FNV-1a over the UTF-16 code units of `text`, continued from `h`. */
export const fnv1a = (text: string, h = 0x811c9dc5): number => {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A 32-bit hash of a seed and keys, keys separated so `("ab","c")` and `("a","bc")` differ. */
export const hashKeys = (seed: number, keys: ReadonlyArray<string>): number => {
  let h = fnv1a(String(seed))
  for (const k of keys) h = fnv1a(k, fnv1a("\u0000", h))
  return h
}

const splitmix32 = (state: number): [number, number] => {
  state = (state + 0x9e3779b9) | 0
  let z = state
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return [state, (z ^ (z >>> 16)) >>> 0]
}

/** xoshiro128**: 128 bits of state, period 2^128 - 1. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed | 0
    let v: number
    ;[s, v] = splitmix32(s)
    this.a = v
    ;[s, v] = splitmix32(s)
    this.b = v
    ;[s, v] = splitmix32(s)
    this.c = v
    ;[s, v] = splitmix32(s)
    this.d = v | (this.a | this.b | this.c ? 0 : 1)
  }

  /** The generator for `seed` and `keys`. */
  static of(seed: number, ...keys: ReadonlyArray<string>): Rng {
    return new Rng(hashKeys(seed, keys))
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5
    const lo = this.nextU32() >>> 6
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** A uniform integer in [0, n), n ≤ 2^53. */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return p >= 1 ? (this.next(), true) : this.next() < p
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: any }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i]
      items[i] = items[j]
      items[j] = t
    }
    return items
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))
