/**
 * Compression for JSONL files: detection by magic bytes, streaming decompression, and a streaming
 * compressor with fixed settings (so identical input gives identical bytes).
 */
import * as fs from "node:fs"
import { pipeline, type Readable } from "node:stream"
import * as zlib from "node:zlib"
import { decompressStream } from "../zstdFrames.ts"

/** Compression of a JSONL file. */
export type Compression = "none" | "gzip" | "zstd"

/** File name extension (after `.jsonl`) for a compression. */
export const compressionExtension = (compression: Compression): string =>
  compression === "gzip" ? ".gz" : compression === "zstd" ? ".zst" : ""

/** The compression of a file from its first bytes (gzip `1f 8b`, zstd `28 b5 2f fd`), else `none`. */
export const sniffCompression = (file: string): Compression => {
  const fd = fs.openSync(file, "r")
  try {
    const head = Buffer.alloc(4)
    const n = fs.readSync(fd, head, 0, 4, 0)
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip"
    if (n >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "zstd"
    return "none"
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * The decompressed bytes of a file as a Node stream (async iterable). Read errors and corrupt or
 * truncated compressed data surface as errors of the returned stream.
 */
export const openDecompressed = (file: string, compression: Compression, highWaterMark = 1 << 20): Readable => {
  const raw = fs.createReadStream(file, { highWaterMark })
  if (compression === "none") return raw
  // zstd: every frame of the file, each through a decoder of its own (Node's stops after the first)
  if (compression === "zstd") return decompressStream(raw)
  const decoder = zlib.createGunzip({ chunkSize: 1 << 16 })
  // pipeline destroys both streams with the first error, so iterating `decoder` sees read errors too
  pipeline(raw, decoder, () => {})
  return decoder
}

/** Fixed compressor settings: gzip level 6; zstd level 3 with a content checksum, single-threaded. */
const createCompressor = (compression: "gzip" | "zstd", level: number | undefined): zlib.Gzip | zlib.ZstdCompress =>
  compression === "gzip"
    ? zlib.createGzip({ level: level ?? 6, chunkSize: 1 << 16 })
    : zlib.createZstdCompress({
      chunkSize: 1 << 16,
      params: {
        [zlib.constants.ZSTD_c_compressionLevel]: level ?? 3,
        [zlib.constants.ZSTD_c_checksumFlag]: 1
      }
    })

/**
 * A streaming compressor whose output goes to `sink` (synchronously, as it is produced). Input is
 * fed in whatever pieces the caller has; the output bytes depend only on the input bytes.
 */
export class StreamingCompressor {
  private readonly z: zlib.Gzip | zlib.ZstdCompress
  private failure: unknown = undefined
  private ended = false

  constructor(compression: "gzip" | "zstd", level: number | undefined, sink: (bytes: Buffer) => void) {
    this.z = createCompressor(compression, level)
    this.z.on("data", (bytes: Buffer) => {
      if (this.failure !== undefined) return
      try {
        sink(bytes)
      } catch (e) {
        this.failure = e
      }
    })
    this.z.on("error", (e) => {
      this.failure ??= e
    })
  }

  /** Compress `bytes`; resolves once they are processed and their output handed to the sink. */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.z.write(bytes, (err) => {
        const e = this.failure ?? err
        if (e) reject(e)
        else resolve()
      })
    })
  }

  /** Finish the stream; resolves once every output byte went to the sink. */
  end(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure)
      this.ended = true
      this.z.once("end", () => (this.failure !== undefined ? reject(this.failure) : resolve()))
      this.z.once("error", reject)
      this.z.end()
    })
  }

  /** Drop the compressor (after a failure or interruption). */
  destroy(): void {
    if (!this.ended) this.z.destroy()
  }
}
