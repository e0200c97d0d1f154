/**
 * UTF-8 encoding of a string range into a reusable buffer, without allocating. Lone surrogates
 * become U+FFFD (EF BF BD), as `TextEncoder` and Rust's strings do.
 */

/** Bytes needed at most for `n` UTF-16 code units. */
export const maxBytes = (n: number): number => n * 3

/** Encode `text[start, end)` into `out` from offset 0; returns the byte length. `out` must hold {@link maxBytes}. */
export const encodeInto = (text: string, start: number, end: number, out: Uint8Array): number => {
  let n = 0
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 0x3f)
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < end) {
        const d = text.charCodeAt(i + 1)
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
          i++
          out[n++] = 0xf0 | (c >> 18)
          out[n++] = 0x80 | ((c >> 12) & 0x3f)
          out[n++] = 0x80 | ((c >> 6) & 0x3f)
          out[n++] = 0x80 | (c & 0x3f)
          continue
        }
      }
      out[n++] = 0xef
      out[n++] = 0xbf
      out[n++] = 0xbd
    } else {
      out[n++] = 0xe0 | (c >> 12)
      out[n++] = 0x80 | ((c >> 6) & 0x3f)
      out[n++] = 0x80 | (c & 0x3f)
    }
  }
  return n
}

/** UTF-8 length of UTF-16 units `units[start, end)`, counted as {@link encodeInto} writes them. */
export const byteLengthOfUnits = (units: Uint16Array, start: number, end: number): number => {
  let n = 0
  for (let i = start; i < end; i++) {
    const c = units[i]!
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && units[i + 1]! >= 0xdc00 && units[i + 1]! <= 0xdfff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

interface WellFormed {
  isWellFormed(): boolean
  toWellFormed(): string
}

/** `text` with lone surrogates replaced by U+FFFD (what its UTF-8 encodes), the same string when it has none. */
export const wellFormed = (text: string): string =>
  (text as unknown as WellFormed).isWellFormed() ? text : (text as unknown as WellFormed).toWellFormed()
