/**
 * Page codecs. Reading: ZSTD, GZIP and BROTLI through Node's native zlib (much faster than the
 * pure-JS decoders), SNAPPY through hysnappy (WASM), LZ4 and LZ4_RAW through hyparquet-compressors.
 * Writing: ZSTD (native, with a frame checksum so corruption is detected on read), SNAPPY
 * (hyparquet-writer), GZIP (native) or none.
 */
import * as zlib from "node:zlib"
import type { CompressionCodec, Compressors } from "hyparquet"
import { decompressLz4, decompressLz4Raw, decompressSnappy } from "hyparquet-compressors"
import { snappyCompress } from "hyparquet-writer/src/snappy.js"

const check = (out: Uint8Array, expected: number, codec: string): Uint8Array => {
  if (out.length !== expected) {
    throw new Error(`${codec} page decompressed to ${out.length} bytes, header says ${expected}`)
  }
  return out
}

/**
 * zlib options for an output of known size: one output chunk of that size (fewer copies than the
 * default 16 KiB chunks) and a hard limit, so a corrupt page cannot inflate without bound.
 */
const sized = (length: number) => ({ chunkSize: Math.max(length, 64), maxOutputLength: Math.max(length, 1) })

/** Decompressors for every codec hyparquet may meet; each checks the output length. */
export const decompressors: Compressors = {
  ZSTD: (input, length) => check(zlib.zstdDecompressSync(input, sized(length)), length, "ZSTD"),
  GZIP: (input, length) => check(zlib.gunzipSync(input, sized(length)), length, "GZIP"),
  BROTLI: (input, length) => check(zlib.brotliDecompressSync(input, sized(length)), length, "BROTLI"),
  SNAPPY: (input, length) => check(decompressSnappy(input, length), length, "SNAPPY"),
  LZ4: (input, length) => check(decompressLz4(input, length), length, "LZ4"),
  LZ4_RAW: (input, length) => check(decompressLz4Raw(input, length), length, "LZ4_RAW")
}

/** Codecs the sink writes. */
export type Codec = "zstd" | "snappy" | "gzip" | "uncompressed"

/** The Parquet name of a codec. */
export const parquetCodec = (codec: Codec): CompressionCodec =>
  codec === "zstd" ? "ZSTD" : codec === "snappy" ? "SNAPPY" : codec === "gzip" ? "GZIP" : "UNCOMPRESSED"

/** A page compressor: the result may share memory with nothing the caller reuses. */
export type Compress = (page: Uint8Array) => Uint8Array

/**
 * The compressor for a codec at a level (zstd 1-22, default 3; gzip 1-9, default 6). Settings are
 * fixed, so identical pages compress to identical bytes.
 */
export const compressor = (codec: Codec, level?: number): Compress => {
  switch (codec) {
    case "zstd": {
      const params = {
        [zlib.constants.ZSTD_c_compressionLevel]: level ?? 3,
        [zlib.constants.ZSTD_c_checksumFlag]: 1
      }
      // one output chunk about the size of the page: fewer copies than the default 16 KiB chunks
      return (page) => zlib.zstdCompressSync(page, { params, chunkSize: Math.max(page.length, 1024) })
    }
    case "gzip": {
      const options: zlib.ZlibOptions = { level: level ?? 6 }
      return (page) => zlib.gzipSync(page, options)
    }
    case "snappy":
      return (page) => snappyCompress(page)
    case "uncompressed":
      return (page) => Uint8Array.prototype.slice.call(page)
  }
}
