/**
 * A text's UTF-16 code units in a typed array, for the per-character loops (text profile, benchmark
 * automaton, PII word scan). Reading a Uint16Array is about twice as fast in V8 as `charCodeAt`, and
 * copying a text in takes one native call (about 0.2 ns per character): one scratch buffer per
 * thread, grown when a text needs more (up to 16 MiB), so no allocation per document.
 */

/** The largest buffer kept between calls (8 Mi code units, 16 MiB; the quality filters cap files at 1 MiB). */
const KEPT = 16 << 20
let scratch = Buffer.allocUnsafe(1 << 20)
let view = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1)

/**
 * The code units of `text` in `[0, text.length)` of the returned array. The array is shared: it
 * holds `text` until the next call, so a caller reads it before handing control to another.
 */
export const codeUnits = (text: string): Uint16Array => {
  const bytes = text.length * 2
  if (bytes > KEPT) {
    // A text larger than the buffer kept between calls gets one of its own, freed with it.
    const own = Buffer.allocUnsafe(bytes)
    own.write(text, 0, "utf16le")
    return new Uint16Array(own.buffer, own.byteOffset, text.length)
  }
  if (bytes > scratch.length) {
    scratch = Buffer.allocUnsafe(Math.min(KEPT, Math.max(bytes, scratch.length * 2)))
    view = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1)
  }
  scratch.write(text, 0, "utf16le")
  return view
}
