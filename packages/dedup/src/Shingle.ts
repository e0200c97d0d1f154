/**
 * Shingling: a text becomes the set of 32-bit hashes of its n-grams. Three definitions, because
 * "Jaccard 0.7" means different things in different tools (reference: BigCode, datatrove, NeMo):
 *
 * - `bigcode`: tokens are the maximal runs of `[A-Za-z_0-9]` (BigCode's `re.split("[^A-Za-z_0-9]")`,
 *   case-sensitive, empty tokens dropped); shingles are n consecutive tokens (default 5).
 * - `datatrove`: datatrove's normalisation (lowercase, Unicode diacritics removed, numbers replaced
 *   by `0`, punctuation replaced by spaces), then whitespace-separated words; word n-grams.
 * - `char`: n consecutive UTF-16 code units (NeMo Curator uses 24).
 *
 * A document with fewer than n tokens (but at least one) gets a single shingle made of all its
 * tokens, so identical short files still match and different short files do not all collapse into
 * one cluster (the pitfall of an all-`MAX_HASH` signature). A document with no token at all has an
 * empty shingle set and is never linked.
 *
 * Shingle hashes are this package's own (FNV-1a per token, MurmurHash3 mixing across tokens), not
 * SHA-1 as in datasketch: the Jaccard estimate has the same statistics, the signature bits differ.
 *
 * ```ts
 * import { Shingle } from "@pretrain/dedup"
 * const shingler = new Shingle.Shingler({ mode: "bigcode", n: 5 })
 * const set = shingler.shingleSet("const a = require('a'); module.exports = a + 1")
 * ```
 *
 * @since 0.1.0
 */
import { combine, FNV_OFFSET, fmix32, fnvStep, growU32, sortUnique } from "./internal/hash.ts"

/** @since 0.1.0 @category models */
export type Mode = "bigcode" | "datatrove" | "char"

/** @since 0.1.0 @category models */
export const modes: ReadonlyArray<Mode> = ["bigcode", "datatrove", "char"]

/** @since 0.1.0 @category models */
export interface Options {
  /** Shingle definition (default `bigcode`). */
  readonly mode?: Mode | undefined
  /** Tokens (or characters, for `char`) per shingle; default 5. */
  readonly n?: number | undefined
}

/** Is this UTF-16 code unit one of `[A-Za-z_0-9]`? */
const isWordCode = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95

/** Is this code unit whitespace as `\s` sees it (the ASCII and common Unicode spaces)? */
const isSpaceCode = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff

const diacritics = /\p{Mn}+/gu
const numbers = /\p{Nd}+([.,\u060C\u066B\u2396\u2397\u2398]\p{Nd}+)?/gu
const punctuation = /[\p{P}\p{S}]+/gu

/**
 * datatrove's default text normalisation (`simplify_text` with `TextNormConfig` defaults):
 * lowercase, NFD with combining marks removed, numbers replaced by `0`, punctuation and symbols
 * replaced by spaces, whitespace collapsed.
 *
 * @since 0.1.0 @category shingling
 */
export const normalizeDatatrove = (text: string): string =>
  text.toLowerCase().normalize("NFD").replace(diacritics, "").replace(numbers, "0").replace(punctuation, " ")
    .replace(/\s+/g, " ").trim()

/**
 * Turns texts into shingle-hash sets, reusing its buffers: {@link Shingler.hashes} returns a view
 * that is valid until the next call, so a hot loop allocates nothing per document.
 *
 * @since 0.1.0 @category shingling
 */
export class Shingler {
  readonly mode: Mode
  readonly n: number
  private tokens = new Uint32Array(1024)
  private out = new Uint32Array(1024)

  constructor(options: Options = {}) {
    this.mode = options.mode ?? "bigcode"
    this.n = options.n ?? 5
    if (!modes.includes(this.mode)) throw new RangeError(`shingle mode must be one of ${modes.join(", ")}, got ${String(this.mode)}`)
    if (!Number.isInteger(this.n) || this.n < 1) throw new RangeError(`n-gram size must be a positive integer, got ${this.n}`)
  }

  /**
   * The distinct shingle hashes of `text`, sorted ascending. The returned array is a view into
   * an internal buffer, overwritten by the next call; copy it (or use {@link shingleSet}) to keep it.
   */
  hashes(text: string): Uint32Array {
    if (this.mode === "char") return this.charShingles(text)
    const source = this.mode === "datatrove" ? normalizeDatatrove(text) : text
    const count = this.tokenize(source, this.mode === "bigcode" ? isWordCode : isNotSpace)
    return this.wordShingles(count)
  }

  /** A copy of {@link hashes}, safe to keep. */
  shingleSet(text: string): Uint32Array {
    return this.hashes(text).slice()
  }

  /** Hash each token (maximal run of `inToken` code units) into `this.tokens`; returns the count. */
  private tokenize(text: string, inToken: (c: number) => boolean): number {
    let count = 0
    let h = FNV_OFFSET
    let open = false
    const len = text.length
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i)
      if (inToken(c)) {
        h = fnvStep(h, c)
        open = true
      } else if (open) {
        if (count === this.tokens.length) this.tokens = growU32(this.tokens, count + 1)
        this.tokens[count++] = fmix32(h)
        h = FNV_OFFSET
        open = false
      }
    }
    if (open) {
      if (count === this.tokens.length) this.tokens = growU32(this.tokens, count + 1)
      this.tokens[count++] = fmix32(h)
    }
    return count
  }

  /** Hash every window of n token hashes (or one window of all tokens when fewer than n). */
  private wordShingles(count: number): Uint32Array {
    if (count === 0) return this.out.subarray(0, 0)
    const n = Math.min(this.n, count)
    const shingles = count - n + 1
    this.out = growU32(this.out, shingles)
    const tokens = this.tokens
    const out = this.out
    for (let i = 0; i < shingles; i++) {
      let h = n
      for (let j = 0; j < n; j++) h = combine(h, tokens[i + j]!)
      out[i] = fmix32(h)
    }
    return out.subarray(0, sortUnique(out, shingles))
  }

  /** Rolling polynomial hash of every window of n code units, finalised by fmix32. */
  private charShingles(text: string): Uint32Array {
    const len = text.length
    if (len === 0) return this.out.subarray(0, 0)
    const n = Math.min(this.n, len)
    const shingles = len - n + 1
    this.out = growU32(this.out, shingles)
    const out = this.out
    const B = 0x01000193
    // B^(n-1) mod 2^32
    let top = 1
    for (let j = 1; j < n; j++) top = Math.imul(top, B)
    let h = 0
    for (let j = 0; j < n; j++) h = (Math.imul(h, B) + text.charCodeAt(j)) | 0
    out[0] = fmix32(h ^ n)
    for (let i = 1; i < shingles; i++) {
      h = (Math.imul((h - Math.imul(text.charCodeAt(i - 1), top)) | 0, B) + text.charCodeAt(i + n - 1)) | 0
      out[i] = fmix32(h ^ n)
    }
    return out.subarray(0, sortUnique(out, shingles))
  }
}

const isNotSpace = (c: number): boolean => !isSpaceCode(c)

/**
 * Exact Jaccard similarity of two sorted sets of distinct values (as {@link Shingler.hashes}
 * returns). Two empty sets have similarity 0 (an empty document duplicates nothing).
 *
 * @since 0.1.0 @category shingling
 */
export const jaccard = (a: Uint32Array, b: Uint32Array): number => {
  const na = a.length
  const nb = b.length
  if (na === 0 || nb === 0) return 0
  let i = 0
  let j = 0
  let inter = 0
  while (i < na && j < nb) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      inter++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return inter / (na + nb - inter)
}
