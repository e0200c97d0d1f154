/**
 * Hand-written pre-tokenizers for the preset shapes (the GPT-2 and cl100k regexes, with digits one
 * by one, in groups of 3 or left to the regex), over UTF-8 bytes: the encoder writes a text's UTF-8
 * once into a buffer and reads pieces as byte ranges of it, so no piece is ever copied or
 * re-encoded. Each scanner reports exactly the pieces of the covering regex it replaces (HF's
 * meaning of `\s`: Unicode White_Space); the tests compare them on real files and edge cases.
 *
 * Characters are classified through a table of code point classes (letter `\p{L}`, numeric
 * `\p{N}`, White_Space) filled lazily per block of 256 code points by the engine's own Unicode
 * regexes, so the classes are the ones the regexes use. Lone surrogates are encoded as U+FFFD,
 * which is in none of the classes, as a lone surrogate is not.
 */

/** Receives each piece as a byte range of the buffer. */
export type ByteSink = (bytes: Uint8Array, start: number, end: number) => void

/** Report the pieces of `bytes[start, end)` (valid UTF-8) in order. */
export type ByteScanner = (bytes: Uint8Array, start: number, end: number, sink: ByteSink) => void

const L = 1
const N = 2
const S = 4

const classes = new Uint8Array(0x110000)
const blockDone = new Uint8Array(0x110000 >> 8)
const letter = /^\p{L}$/u
const numeric = /^\p{N}$/u
const space = /^\p{White_Space}$/u

const fillBlock = (b: number): void => {
  for (let c = b << 8, e = c + 256; c < e; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue
    const ch = String.fromCodePoint(c)
    classes[c] = (letter.test(ch) ? L : 0) | (numeric.test(ch) ? N : 0) | (space.test(ch) ? S : 0)
  }
  blockDone[b] = 1
}

/** Class bits of code point `c` (letter 1, numeric 2, White_Space 4). */
export const classOf = (c: number): number => {
  if (blockDone[c >> 8] === 0) fillBlock(c >> 8)
  return classes[c]!
}

// Decoding state: the code point at a byte offset and its length, set by `decodeAt`.
let cp = 0
let cpLen = 0

/** Decode the code point at `bytes[p]` (valid UTF-8) into `cp` / `cpLen`. */
const decodeAt = (bytes: Uint8Array, p: number): void => {
  const b0 = bytes[p]!
  if (b0 < 0x80) {
    cp = b0
    cpLen = 1
  } else if (b0 < 0xe0) {
    cp = ((b0 & 0x1f) << 6) | (bytes[p + 1]! & 0x3f)
    cpLen = 2
  } else if (b0 < 0xf0) {
    cp = ((b0 & 0x0f) << 12) | ((bytes[p + 1]! & 0x3f) << 6) | (bytes[p + 2]! & 0x3f)
    cpLen = 3
  } else {
    cp = ((b0 & 0x07) << 18) | ((bytes[p + 1]! & 0x3f) << 12) | ((bytes[p + 2]! & 0x3f) << 6) | (bytes[p + 3]! & 0x3f)
    cpLen = 4
  }
}

/** Class of the character at byte `p` (ASCII from a small table); also sets `cpLen`. */
const ascii = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  ascii[c] = (/\p{L}/u.test(ch) ? L : 0) | (/\p{N}/u.test(ch) ? N : 0) | (/\p{White_Space}/u.test(ch) ? S : 0)
}
const classAt = (bytes: Uint8Array, p: number): number => {
  const b = bytes[p]!
  if (b < 0x80) {
    cp = b
    cpLen = 1
    return ascii[b]!
  }
  decodeAt(bytes, p)
  return classOf(cp)
}

/** Class of the character at byte `p`, without the decoding state for ASCII. */
const classFast = (bytes: Uint8Array, p: number): number => {
  const b = bytes[p]!
  return b < 0x80 ? ascii[b]! : classAt(bytes, p)
}

/** End of the run of characters of class `bit` starting at `p` (at most `max` characters). */
const runOf = (bytes: Uint8Array, p: number, end: number, bit: number, max: number): number => {
  let k = 0
  while (p < end && k < max) {
    const b = bytes[p]!
    if (b < 0x80) {
      if ((ascii[b]! & bit) === 0) break
      p++
    } else {
      if ((classAt(bytes, p) & bit) === 0) break
      p += cpLen
    }
    k++
  }
  return p
}

/** End of the run of "other" characters (not letter, numeric or White_Space) starting at `p`. */
const otherRun = (bytes: Uint8Array, p: number, end: number): number => {
  while (p < end) {
    const b = bytes[p]!
    if (b < 0x80) {
      if (ascii[b] !== 0) break
      p++
    } else {
      if (classAt(bytes, p) !== 0) break
      p += cpLen
    }
  }
  return p
}

const lower = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 32 : b)

/**
 * The scanner for a GPT-2 family pattern: `digits` 1 (`\p{N}|` first, digits pre-split), 3
 * (`\p{N}{1,3}|` first) or 0 (the GPT-2 regex itself, ` ?\p{N}+`).
 */
export const gpt2 = (digits: 0 | 1 | 3): ByteScanner => (bytes, start, end, sink) => {
  let p = start
  while (p < end) {
    const b = bytes[p]!
    const c = b < 0x80 ? ascii[b]! : classAt(bytes, p)
    const len = b < 0x80 ? 1 : cpLen
    // \p{N} or \p{N}{1,3} first, when digits are split out.
    if (digits !== 0 && (c & N) !== 0) {
      const q = digits === 1 ? p + len : runOf(bytes, p, end, N, 3)
      sink(bytes, p, q)
      p = q
      continue
    }
    // 's|'t|'re|'ve|'m|'ll|'d (lower case only)
    if (b === 0x27 && p + 1 < end) {
      const x = bytes[p + 1]!
      let q = -1
      if (x === 0x73 || x === 0x74 || x === 0x6d || x === 0x64) q = p + 2
      else if (p + 2 < end) {
        const y = bytes[p + 2]!
        if ((x === 0x72 && y === 0x65) || (x === 0x76 && y === 0x65) || (x === 0x6c && y === 0x6c)) q = p + 3
      }
      if (q > 0) {
        sink(bytes, p, q)
        p = q
        continue
      }
    }
    // ` ?\p{L}+`, ` ?\p{N}+` (no digit split), ` ?[^\s\p{L}\p{N}]+`
    let from = p
    let cls = c
    if (b === 0x20 && p + 1 < end) {
      const d = classFast(bytes, p + 1)
      if ((d & S) === 0 && (digits === 0 || (d & N) === 0)) {
        from = p + 1
        cls = d
      }
    }
    if ((cls & L) !== 0) {
      const q = runOf(bytes, from, end, L, Infinity)
      sink(bytes, p, q)
      p = q
      continue
    }
    if ((cls & N) !== 0) {
      const q = runOf(bytes, from, end, N, Infinity)
      sink(bytes, p, q)
      p = q
      continue
    }
    if ((cls & S) === 0) {
      const q = otherRun(bytes, from, end)
      sink(bytes, p, q)
      p = q
      continue
    }
    // Whitespace run: `\s+(?!\S)` (with digits split: `\s+(?![^\s\p{N}])`), else `\s+`.
    let q = p + len
    let lastStart = p
    while (q < end) {
      const d = bytes[q]!
      if (d < 0x80) {
        if ((ascii[d]! & S) === 0) break
        lastStart = q
        q++
        continue
      }
      if ((classAt(bytes, q) & S) === 0) break
      lastStart = q
      q += cpLen
    }
    if (q === end || lastStart === p) {
      sink(bytes, p, q)
      p = q
      continue
    }
    if (digits !== 0 && (classAt(bytes, q) & N) !== 0) {
      sink(bytes, p, q)
      p = q
      continue
    }
    sink(bytes, p, lastStart)
    p = lastStart
  }
}

/**
 * The scanner for a cl100k family pattern: `digits` 1 (`\p{N}` first, digits pre-split, so a
 * numeric character ends the text for `\s+$`), 3 (the cl100k regex, `\p{N}{1,3}`) or 0 (`\p{N}+`).
 */
export const cl100k = (digits: 0 | 1 | 3): ByteScanner => (bytes, start, end, sink) => {
  let p = start
  while (p < end) {
    const b = bytes[p]!
    const c = b < 0x80 ? ascii[b]! : classAt(bytes, p)
    const len = b < 0x80 ? 1 : cpLen
    if ((c & N) !== 0) {
      const q = digits === 1 ? p + len : runOf(bytes, p, end, N, digits === 3 ? 3 : Infinity)
      sink(bytes, p, q)
      p = q
      continue
    }
    // '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])
    if (b === 0x27 && p + 1 < end) {
      const x = lower(bytes[p + 1]!)
      let q = -1
      if (x === 0x73 || x === 0x64 || x === 0x6d || x === 0x74) q = p + 2
      else if (p + 2 < end) {
        const y = lower(bytes[p + 2]!)
        if ((x === 0x6c && y === 0x6c) || (x === 0x76 && y === 0x65) || (x === 0x72 && y === 0x65)) q = p + 3
      }
      if (q > 0) {
        sink(bytes, p, q)
        p = q
        continue
      }
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if ((c & L) !== 0) {
      const q = runOf(bytes, p + len, end, L, Infinity)
      sink(bytes, p, q)
      p = q
      continue
    }
    if (b !== 0x0d && b !== 0x0a && p + len < end && (classFast(bytes, p + len) & L) !== 0) {
      const q = runOf(bytes, p + len, end, L, Infinity)
      sink(bytes, p, q)
      p = q
      continue
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    let from = -1
    if ((c & S) === 0) from = p
    else if (b === 0x20 && p + 1 < end && classFast(bytes, p + 1) === 0) from = p + 1
    if (from >= 0) {
      let q = otherRun(bytes, from, end)
      while (q < end && (bytes[q] === 0x0d || bytes[q] === 0x0a)) q++
      sink(bytes, p, q)
      p = q
      continue
    }
    // Whitespace run [p, q), its last character at lastStart, its last \r or \n at lastNl.
    let q = p + len
    let lastStart = p
    let lastNl = b === 0x0d || b === 0x0a ? p : -1
    while (q < end) {
      const d = bytes[q]!
      if (d < 0x80) {
        if (d === 0x0d || d === 0x0a) lastNl = q
        else if ((ascii[d]! & S) === 0) break
        lastStart = q
        q++
        continue
      }
      if ((classAt(bytes, q) & S) === 0) break
      lastStart = q
      q += cpLen
    }
    // `\s+(?![\s\S])` (with digits split: `\s+(?![^\p{N}])`)
    if (q === end || (digits === 1 && (classAt(bytes, q) & N) !== 0)) {
      sink(bytes, p, q)
      p = q
      continue
    }
    // `\s*[\r\n]`
    if (lastNl >= 0) {
      sink(bytes, p, lastNl + 1)
      p = lastNl + 1
      continue
    }
    // `\s+(?!\S)`, else `\s`
    const r = lastStart === p ? q : lastStart
    sink(bytes, p, r)
    p = r
  }
}
