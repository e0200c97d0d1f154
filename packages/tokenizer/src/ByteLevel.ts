/**
 * The GPT-2 byte-to-character table used by every byte-level BPE: each of the 256 bytes is shown as
 * one printable character, so tokens are strings without spaces or control characters
 * (`" "` is `Ġ`, `"\n"` is `Ċ`). Bytes `!`..`~`, `¡`..`¬` and `®`..`ÿ` map to themselves; the other
 * 68 map to U+0100 + n in ascending byte order.
 *
 * ```ts
 * ByteLevel.byteToChar[0x20] // "Ġ"
 * ByteLevel.toBytes("Ġx")   // Uint8Array [0x20, 0x78]
 * ```
 *
 * @since 0.1.0
 */

const buildTable = (): Array<string> => {
  const table = new Array<string>(256)
  let n = 0
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)
    table[b] = String.fromCharCode(printable ? b : 0x100 + n++)
  }
  return table
}

/** `byteToChar[b]` is the character that stands for byte `b`. @since 0.1.0 @category constants */
export const byteToChar: ReadonlyArray<string> = buildTable()

/** Code point → byte (−1 for code points that stand for no byte); covers U+0000..U+0143. @since 0.1.0 @category constants */
export const charToByte: Int16Array = (() => {
  const out = new Int16Array(0x144).fill(-1)
  for (let b = 0; b < 256; b++) out[byteToChar[b]!.charCodeAt(0)] = b
  return out
})()

/**
 * The 256 bytes ordered as Hugging Face's trainer orders its alphabet (by the code point of the
 * mapped character), so our ids for single bytes equal HF's.
 *
 * @since 0.1.0 @category constants
 */
export const alphabetOrder: ReadonlyArray<number> = Array.from({ length: 256 }, (_, b) => b)
  .sort((x, y) => byteToChar[x]!.charCodeAt(0) - byteToChar[y]!.charCodeAt(0))

/** The 256 mapped characters in {@link alphabetOrder}. @since 0.1.0 @category constants */
export const alphabet = (): Array<string> => alphabetOrder.map((b) => byteToChar[b]!)

/**
 * The mapped string of some bytes (`[0x20, 0x78]` → `"Ġx"`).
 *
 * @since 0.1.0 @category utils
 */
export const fromBytes = (bytes: Uint8Array, start = 0, end = bytes.length): string => {
  let s = ""
  for (let i = start; i < end; i++) s += byteToChar[bytes[i]!]
  return s
}

/**
 * The bytes a mapped token string stands for, or `undefined` when it holds a character outside the
 * table (then it is not a byte-level token).
 *
 * @since 0.1.0 @category utils
 */
export const toBytes = (token: string): Uint8Array | undefined => {
  const out = new Uint8Array(token.length)
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i)
    const b = c < 0x144 ? charToByte[c]! : -1
    if (b < 0) return undefined
    out[i] = b
  }
  return out
}
