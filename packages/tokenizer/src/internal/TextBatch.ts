/**
 * Texts packed for a worker thread: their UTF-8 back to back in one buffer and Arrow-style offsets
 * (text `i` is `bytes[offsets[i], offsets[i + 1])`), so a batch crosses threads as two transferred
 * buffers: no structured clone of strings, and no string kept alive on the sending side while the
 * batch is in flight. The buffers come back with the reply and are reused ({@link TextBatch.recycle}),
 * so a stream of batches allocates a few buffers in all. Lone surrogates become U+FFFD
 * (`TextEncoder`), as in every UTF-8 path of this package.
 */

/** One packed batch of `count` texts. */
export interface PackedTexts {
  readonly bytes: Uint8Array<ArrayBuffer>
  /** `count + 1` byte offsets, the first 0. */
  readonly offsets: Uint32Array<ArrayBuffer>
  readonly count: number
}

const encoder = new TextEncoder()
const SPARE = 4

export class TextBatch {
  /** UTF-16 code units added to the current batch. */
  units = 0
  /** Texts in the current batch. */
  count = 0
  private bytes: Uint8Array<ArrayBuffer>
  private offsets: Uint32Array<ArrayBuffer>
  private fill = 0
  private readonly initialBytes: number
  private readonly spareBytes: Array<ArrayBuffer> = []
  private readonly spareOffsets: Array<ArrayBuffer> = []

  constructor(initialBytes = 1 << 16) {
    this.initialBytes = initialBytes
    this.bytes = new Uint8Array(initialBytes)
    this.offsets = new Uint32Array(64)
  }

  /** Append one text. */
  add(text: string): void {
    // Encode into the room left; only when the text does not fit, grow and encode the rest (no
    // worst-case reservation of 3 bytes per unit, so a buffer stays near the batch's UTF-8 size).
    let r = encoder.encodeInto(text, this.bytes.subarray(this.fill))
    this.fill += r.written
    if (r.read < text.length) {
      const rest = text.slice(r.read)
      this.bytes = this.grow(this.bytes, this.fill + 3 * rest.length)
      r = encoder.encodeInto(rest, this.bytes.subarray(this.fill))
      this.fill += r.written
    }
    if (this.count + 2 > this.offsets.length) {
      const offsets = new Uint32Array(this.offsets.length * 2)
      offsets.set(this.offsets)
      this.offsets = offsets
    }
    this.offsets[++this.count] = this.fill
    this.units += text.length
  }

  /** The current batch (its buffers now belong to the caller); the next batch starts empty. */
  take(): PackedTexts {
    const out: PackedTexts = { bytes: this.bytes.subarray(0, this.fill), offsets: this.offsets.subarray(0, this.count + 1), count: this.count }
    const bytes = this.spareBytes.pop()
    this.bytes = bytes !== undefined ? new Uint8Array(bytes) : new Uint8Array(this.initialBytes)
    const offsets = this.spareOffsets.pop()
    this.offsets = offsets !== undefined ? new Uint32Array(offsets) : new Uint32Array(64)
    this.offsets[0] = 0
    this.fill = 0
    this.count = 0
    this.units = 0
    return out
  }

  /** Give back the buffers of a batch that was sent and answered, for the next batches. */
  recycle(bytes: ArrayBuffer, offsets: ArrayBuffer): void {
    if (this.spareBytes.length < SPARE) this.spareBytes.push(bytes)
    if (this.spareOffsets.length < SPARE) this.spareOffsets.push(offsets)
  }

  private grow(old: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
    const cap = Math.max(need, old.length + (old.length >> 1), 1 << 16)
    const bytes = new Uint8Array(cap)
    bytes.set(old.subarray(0, this.fill))
    return bytes
  }
}
