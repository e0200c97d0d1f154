/**
 * zstd streams of several frames. A zstd file may hold many frames one after another (`cat a.zst
 * b.zst`, `pzstd`, writers that compress piece by piece, as the rejects writer does) and is read as
 * their concatenation; Node's zstd decoders stop at the end of the first frame and drop the rest
 * silently. {@link FrameCutter} finds where each frame ends from the format's headers alone (RFC
 * 8878: frame header, block headers, checksum; skippable frames), without decoding, so each frame
 * can go to a decoder of its own.
 */
import { Readable } from "node:stream"
import * as zlib from "node:zlib"

const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

/** A zstd byte stream the cutter cannot follow. */
export class ZstdFormatError extends Error {}

/**
 * Finds the ends of zstd frames in bytes fed in order. {@link feed} reads one chunk up to the end of
 * the current frame at most and says where that is.
 */
export class FrameCutter {
  /** Bytes of the element being read (magic, header, block header, ...). */
  private readonly head = Buffer.alloc(16)
  private have = 0
  /** What the next bytes are, and how many of them. */
  private state: "magic" | "skippableSize" | "descriptor" | "header" | "blockHeader" | "skip" = "magic"
  private need = 4
  private afterSkip: "blockHeader" | "checksum" | "frameEnd" = "frameEnd"
  private checksum = false
  /** Offset in the whole stream, for errors. */
  private offset = 0

  /** At the start of a frame (nothing of a frame read yet). */
  get atFrameStart(): boolean {
    return this.state === "magic" && this.have === 0
  }

  /**
   * Read `chunk` from `from` until the current frame ends: the offset just past the frame's last
   * byte in `chunk`, or -1 when the frame goes on past the chunk.
   */
  feed(chunk: Uint8Array, from = 0): number {
    let at = from
    // (a skip of 0 bytes ends where it starts, also at the end of a chunk)
    while (at < chunk.length || (this.state === "skip" && this.need === 0)) {
      if (this.state === "skip") {
        const n = Math.min(this.need, chunk.length - at)
        at += n
        this.offset += n
        this.need -= n
        if (this.need > 0) return -1
        if (this.afterSkip === "frameEnd") return this.frameEnd(at)
        if (this.afterSkip === "checksum") {
          this.afterSkip = "frameEnd"
          if (this.checksum) {
            this.need = 4
            continue
          }
          return this.frameEnd(at)
        }
        this.expect("blockHeader", 3)
        continue
      }
      const n = Math.min(this.need - this.have, chunk.length - at)
      this.head.set(chunk.subarray(at, at + n), this.have)
      this.have += n
      at += n
      this.offset += n
      if (this.have < this.need) return -1
      this.element()
    }
    return -1
  }

  private frameEnd(at: number): number {
    this.expect("magic", 4)
    return at
  }

  private expect(state: FrameCutter["state"], need: number): void {
    this.state = state
    this.need = need
    this.have = 0
  }

  private skip(bytes: number, then: FrameCutter["afterSkip"]): void {
    this.state = "skip"
    this.need = bytes
    this.have = 0
    this.afterSkip = then
  }

  /** The element in `head` is complete: decide what follows. */
  private element(): void {
    const h = this.head
    switch (this.state) {
      case "magic": {
        const magic = h.readUInt32LE(0)
        if (magic === ZSTD_MAGIC) return this.expect("descriptor", 1)
        if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) return this.expect("skippableSize", 4)
        throw new ZstdFormatError(`not a zstd frame at byte ${this.offset - 4}`)
      }
      case "skippableSize": {
        const size = h.readUInt32LE(0)
        return this.skip(size, "frameEnd")
      }
      case "descriptor": {
        const d = h[0]!
        const fcs = d >> 6
        const single = (d >> 5) & 1
        if ((d >> 3) & 1) throw new ZstdFormatError(`reserved bit set in the frame header at byte ${this.offset - 1}`)
        this.checksum = ((d >> 2) & 1) === 1
        const rest = (single ? 0 : 1) + [0, 1, 2, 4][d & 3]! + (fcs === 0 ? single : [0, 2, 4, 8][fcs]!)
        if (rest === 0) return this.expect("blockHeader", 3)
        return this.skip(rest, "blockHeader")
      }
      case "blockHeader": {
        const b = h[0]! | (h[1]! << 8) | (h[2]! << 16)
        const last = b & 1
        const type = (b >> 1) & 3
        const size = b >>> 3
        if (type === 3) throw new ZstdFormatError(`reserved block type at byte ${this.offset - 3}`)
        const content = type === 1 ? 1 : size
        return this.skip(content, last ? "checksum" : "blockHeader")
      }
      default:
        return
    }
  }
}

const options = { chunkSize: 1 << 16 }

/**
 * Decompress a whole zstd buffer, every frame of it.
 *
 * @throws ZstdFormatError, or zlib's error for a corrupt frame.
 */
export const decompressSync = (bytes: Uint8Array): Buffer => {
  const cutter = new FrameCutter()
  const parts: Array<Buffer> = []
  let start = 0
  while (start < bytes.length) {
    const end = cutter.feed(bytes, start)
    if (end < 0) throw new ZstdFormatError(`truncated zstd frame at byte ${start}`)
    const frame = bytes.subarray(start, end)
    if ((Buffer.from(frame.buffer, frame.byteOffset, 4).readUInt32LE(0)) === ZSTD_MAGIC) parts.push(zlib.zstdDecompressSync(frame))
    start = end
  }
  return Buffer.concat(parts)
}

/**
 * The decompressed bytes of a zstd stream of any number of frames, streaming: each frame goes to a
 * decoder of its own as its bytes arrive. Errors (a corrupt frame, a truncated stream, an error
 * of `raw`) end the returned stream with that error.
 */
export const decompressStream = (raw: AsyncIterable<Buffer>): Readable => Readable.from(frames(raw), { objectMode: false })

async function* frames(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const source = raw[Symbol.asyncIterator]()
  const cutter = new FrameCutter()
  let carry: Buffer | undefined
  let ended = false
  const next = async (): Promise<Buffer | undefined> => {
    if (carry !== undefined) {
      const c = carry
      carry = undefined
      return c
    }
    if (ended) return undefined
    const r = await source.next()
    if (r.done) {
      ended = true
      return undefined
    }
    return r.value
  }
  /** The compressed bytes of the current frame, ending where the cutter says it ends. */
  async function* frame(first: Buffer): AsyncGenerator<Buffer> {
    let chunk: Buffer | undefined = first
    while (chunk !== undefined) {
      const end = cutter.feed(chunk)
      if (end < 0) {
        yield chunk
        chunk = await next()
        continue
      }
      if (end > 0) yield chunk.subarray(0, end)
      if (end < chunk.length) carry = chunk.subarray(end)
      return
    }
  }
  try {
    for (let first = await next(); first !== undefined; first = await next()) {
      if (first.length === 0) continue
      const decoder = zlib.createZstdDecompress(options)
      const input = Readable.from(frame(first), { objectMode: false })
      input.on("error", (e) => decoder.destroy(e))
      input.pipe(decoder)
      for await (const out of decoder) yield out as Buffer
      if (!cutter.atFrameStart) throw new ZstdFormatError("truncated zstd stream: it ends inside a frame")
    }
  } finally {
    // close the file early when reading stops (an error, or a consumer that had enough)
    await source.return?.()
  }
}
