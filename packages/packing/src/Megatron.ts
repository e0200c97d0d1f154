/**
 * The Megatron-LM indexed dataset (`NVIDIA/Megatron-LM megatron/core/datasets/indexed_dataset.py`),
 * which Megatron-LM, nanotron and datatrove read: `<prefix>.bin` holds the token ids of every
 * sequence back to back (no header); `<prefix>.idx` holds, little-endian,
 *
 * 1. magic `MMIDIDX\x00\x00` (9 bytes), version (u64 = 1), dtype code (u8: 1 uint8, 2 int8,
 *    3 int16, 4 int32, 5 int64, 6 float64, 7 float32, 8 uint16);
 * 2. sequence count S (u64) and document-index count D (u64);
 * 3. sequence lengths (S × int32), sequence byte offsets into `.bin` (S × int64), and the document
 *    index (D × int64: 0, then the running sequence count after each document).
 *
 * Here every sequence is its own document. Tokens are uint16 when the vocabulary has fewer than
 * 65,500 ids (Megatron's rule), int32 otherwise. The writer streams the `.bin` through a buffer
 * and writes both files under temporary names, renamed on `close`.
 *
 * ```ts
 * const w = Megatron.writer("out/data", Megatron.dtypeFor(tokenizer.vocabSize))
 * w.add(ids)
 * w.close()
 * const r = Megatron.reader("out/data")
 * r.size          // sequences
 * r.read(0)       // Int32Array of the first sequence's ids
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { TokenDatasetError } from "./Errors.ts"
import { I32Buffer } from "./internal/buffer.ts"

/** @since 0.1.0 @category models */
export type DType = "uint8" | "int8" | "int16" | "int32" | "uint16"

const codes: Record<DType, number> = { uint8: 1, int8: 2, int16: 3, int32: 4, uint16: 8 }
const sizes: Record<DType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, uint16: 2 }
const byCode = new Map<number, DType>(Object.entries(codes).map(([k, v]) => [v, k as DType]))

/** `MMIDIDX\x00\x00`. @since 0.1.0 @category constants */
export const MAGIC = new Uint8Array([0x4d, 0x4d, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00])
const HEADER = 9 + 8 + 1 + 8 + 8

/**
 * Token type for a vocabulary: uint16 below 65,500 ids, else int32.
 *
 * @since 0.1.0 @category utils
 */
export const dtypeFor = (vocabSize: number): DType => vocabSize < 65_500 ? "uint16" : "int32"

/** @since 0.1.0 @category utils */
export const binPath = (prefix: string): string => `${prefix}.bin`
/** @since 0.1.0 @category utils */
export const idxPath = (prefix: string): string => `${prefix}.idx`

const tmpName = (file: string) => path.join(path.dirname(file), `.tmp-${process.pid}-0-${path.basename(file)}`)

/**
 * Streaming writer of one indexed dataset.
 *
 * @since 0.1.0 @category writing
 */
export class Writer {
  readonly itemSize: number
  private readonly fd: number
  private readonly buffer: Buffer
  private used = 0
  private readonly lengths = new I32Buffer()
  private tokens = 0
  private closed = false
  private readonly binTmp: string
  private readonly idxTmp: string

  readonly prefix: string
  readonly dtype: DType

  constructor(prefix: string, dtype: DType) {
    this.prefix = prefix
    this.dtype = dtype
    this.itemSize = sizes[dtype]
    fs.mkdirSync(path.dirname(prefix), { recursive: true })
    this.binTmp = tmpName(binPath(prefix))
    this.idxTmp = tmpName(idxPath(prefix))
    this.fd = fs.openSync(this.binTmp, "w")
    this.buffer = aligned(1 << 20)
  }

  /** Sequences written so far. */
  get size(): number {
    return this.lengths.length
  }

  /** Append one sequence. Ids must fit the dtype. */
  add(ids: ArrayLike<number>): void {
    const bytes = ids.length * this.itemSize
    if (this.used + bytes > this.buffer.length) this.flush()
    if (bytes > this.buffer.length) {
      // one very long sequence: write it directly
      const big = aligned(bytes)
      this.encode(ids, big, 0)
      fs.writeSync(this.fd, big)
    } else {
      this.encode(ids, this.buffer, this.used)
      this.used += bytes
    }
    this.lengths.push(ids.length)
    this.tokens += ids.length
  }

  /** Append a sequence already encoded in this dtype (raw little-endian bytes). */
  addRaw(bytes: Uint8Array, length: number): void {
    if (this.used + bytes.length > this.buffer.length) this.flush()
    if (bytes.length > this.buffer.length) fs.writeSync(this.fd, bytes)
    else {
      this.buffer.set(bytes, this.used)
      this.used += bytes.length
    }
    this.lengths.push(length)
    this.tokens += length
  }

  private encode(ids: ArrayLike<number>, out: Buffer, at: number): void {
    // `out` starts 8-byte aligned and `at` is a multiple of the item size, so typed views work
    // (little-endian machines; Node's supported platforms all are)
    switch (this.dtype) {
      case "uint16":
        new Uint16Array(out.buffer, out.byteOffset + at, ids.length).set(ids)
        break
      case "int32":
        new Int32Array(out.buffer, out.byteOffset + at, ids.length).set(ids)
        break
      case "int16":
        for (let i = 0; i < ids.length; i++) out.writeInt16LE(ids[i]!, at + 2 * i)
        break
      case "uint8":
        for (let i = 0; i < ids.length; i++) out[at + i] = ids[i]!
        break
      case "int8":
        for (let i = 0; i < ids.length; i++) out.writeInt8(ids[i]!, at + i)
        break
    }
  }

  private flush(): void {
    if (this.used > 0) fs.writeSync(this.fd, this.buffer, 0, this.used)
    this.used = 0
  }

  /** Write the index and move both files into place. Returns sequences and tokens written. */
  close(): { readonly sequences: number; readonly tokens: number } {
    if (this.closed) return { sequences: this.size, tokens: this.tokens }
    this.closed = true
    this.flush()
    fs.closeSync(this.fd)
    fs.writeFileSync(this.idxTmp, encodeIndex(this.dtype, this.lengths.view()))
    fs.renameSync(this.binTmp, binPath(this.prefix))
    fs.renameSync(this.idxTmp, idxPath(this.prefix))
    return { sequences: this.size, tokens: this.tokens }
  }

  /** Give up: close and delete the temporary files. */
  abort(): void {
    if (this.closed) return
    this.closed = true
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
    fs.rmSync(this.binTmp, { force: true })
    fs.rmSync(this.idxTmp, { force: true })
  }
}

/** A Buffer over its own ArrayBuffer (offset 0, so aligned for any typed view). */
const aligned = (bytes: number): Buffer => Buffer.from(new ArrayBuffer(bytes))

/** The `.idx` bytes for sequences of `lengths`, one document per sequence. */
const encodeIndex = (dtype: DType, lengths: Int32Array): Buffer => {
  const s = lengths.length
  const out = Buffer.alloc(HEADER + 4 * s + 8 * s + 8 * (s + 1))
  out.set(MAGIC, 0)
  out.writeBigUInt64LE(1n, 9)
  out.writeUInt8(codes[dtype], 17)
  out.writeBigUInt64LE(BigInt(s), 18)
  out.writeBigUInt64LE(BigInt(s + 1), 26)
  let o = HEADER
  for (let i = 0; i < s; i++, o += 4) out.writeInt32LE(lengths[i]!, o)
  let pointer = 0
  const size = sizes[dtype]
  for (let i = 0; i < s; i++, o += 8) {
    out.writeBigInt64LE(BigInt(pointer), o)
    pointer += lengths[i]! * size
  }
  for (let i = 0; i <= s; i++, o += 8) out.writeBigInt64LE(BigInt(i), o)
  return out
}

/**
 * Open a writer for `<prefix>.bin` / `<prefix>.idx`.
 *
 * @since 0.1.0 @category writing
 */
export const writer = (prefix: string, dtype: DType): Writer => new Writer(prefix, dtype)

/**
 * Random-access reader of one indexed dataset. The index is read into memory; tokens are read from
 * `.bin` on demand.
 *
 * @since 0.1.0 @category reading
 */
export class Reader {
  readonly dtype: DType
  readonly itemSize: number
  /** Tokens per sequence. */
  readonly lengths: Int32Array
  /** Byte offset of each sequence in `.bin`. */
  readonly pointers: Float64Array
  /** Document index (D entries). */
  readonly documents: Float64Array
  private readonly fd: number
  private readonly binFile: string

  readonly prefix: string

  constructor(prefix: string) {
    this.prefix = prefix
    const idx = idxPath(prefix)
    this.binFile = binPath(prefix)
    const fail = (position: string, reason: string): never => {
      throw new TokenDatasetError({ file: idx, position, reason })
    }
    let bytes: Buffer
    try {
      bytes = fs.readFileSync(idx)
    } catch (e) {
      throw new TokenDatasetError({ file: idx, reason: `cannot read: ${e instanceof Error ? e.message : String(e)}` })
    }
    if (bytes.length < HEADER) fail("byte 0", `truncated header: ${bytes.length} bytes, need ${HEADER}`)
    for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail("byte 0", "not a Megatron index (magic MMIDIDX missing)")
    const version = bytes.readBigUInt64LE(9)
    if (version !== 1n) fail("byte 9", `unsupported version ${version}`)
    const code = bytes.readUInt8(17)
    const dtype = byCode.get(code)
    if (dtype === undefined) fail("byte 17", `unsupported dtype code ${code}`)
    this.dtype = dtype!
    this.itemSize = sizes[this.dtype]
    const s = Number(bytes.readBigUInt64LE(18))
    const d = Number(bytes.readBigUInt64LE(26))
    const need = HEADER + 4 * s + 8 * s + 8 * d
    if (bytes.length < need) fail(`byte ${bytes.length}`, `truncated: ${s} sequences and ${d} document entries need ${need} bytes, file has ${bytes.length}`)
    this.lengths = new Int32Array(s)
    this.pointers = new Float64Array(s)
    this.documents = new Float64Array(d)
    let o = HEADER
    for (let i = 0; i < s; i++, o += 4) this.lengths[i] = bytes.readInt32LE(o)
    for (let i = 0; i < s; i++, o += 8) this.pointers[i] = Number(bytes.readBigInt64LE(o))
    for (let i = 0; i < d; i++, o += 8) this.documents[i] = Number(bytes.readBigInt64LE(o))
    let binSize = 0
    try {
      binSize = fs.statSync(this.binFile).size
    } catch {
      throw new TokenDatasetError({ file: this.binFile, reason: "missing (the .idx has no .bin next to it)" })
    }
    if (s > 0) {
      const end = this.pointers[s - 1]! + this.lengths[s - 1]! * this.itemSize
      if (end > binSize) {
        throw new TokenDatasetError({ file: this.binFile, position: `sequence ${s - 1}`, reason: `truncated: the index needs ${end} bytes, file has ${binSize}` })
      }
    }
    this.fd = fs.openSync(this.binFile, "r")
  }

  /** Number of sequences. */
  get size(): number {
    return this.lengths.length
  }

  /** Raw bytes of sequence `i` (little-endian, this dtype). */
  readRaw(i: number, out?: Buffer): Buffer {
    this.checkIndex(i)
    const n = this.lengths[i]! * this.itemSize
    const buf = out !== undefined && out.length >= n ? out.subarray(0, n) : aligned(n)
    const got = fs.readSync(this.fd, buf, 0, n, this.pointers[i]!)
    if (got !== n) throw new TokenDatasetError({ file: this.binFile, position: `sequence ${i}`, reason: `short read: ${got} of ${n} bytes` })
    return buf
  }

  /** The ids of sequence `i`. */
  read(i: number): Int32Array {
    const raw = this.readRaw(i)
    const n = this.lengths[i]!
    const out = new Int32Array(n)
    switch (this.dtype) {
      case "uint16":
        out.set(new Uint16Array(raw.buffer, raw.byteOffset, n))
        break
      case "int32":
        out.set(new Int32Array(raw.buffer, raw.byteOffset, n))
        break
      case "int16":
        out.set(new Int16Array(raw.buffer, raw.byteOffset, n))
        break
      case "uint8":
        for (let k = 0; k < n; k++) out[k] = raw[k]!
        break
      case "int8":
        for (let k = 0; k < n; k++) out[k] = raw.readInt8(k)
        break
    }
    return out
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new TokenDatasetError({ file: idxPath(this.prefix), position: `sequence ${i}`, reason: `index out of range [0, ${this.size})` })
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
  }
}

/**
 * Open `<prefix>.idx` and `<prefix>.bin`; throws {@link TokenDatasetError} for a missing, truncated
 * or malformed file.
 *
 * @since 0.1.0 @category reading
 */
export const reader = (prefix: string): Reader => new Reader(prefix)

/**
 * Merge indexed datasets of one dtype into `outPrefix` by concatenation (sequences in input order);
 * returns sequences and tokens.
 *
 * @since 0.1.0 @category writing
 */
export const merge = (prefixes: ReadonlyArray<string>, outPrefix: string, dtype?: DType): { readonly sequences: number; readonly tokens: number } => {
  const readers = prefixes.map(reader)
  try {
    const type = dtype ?? readers[0]?.dtype ?? "uint16"
    for (const r of readers) {
      if (r.dtype !== type) throw new TokenDatasetError({ file: idxPath(r.prefix), position: "byte 17", reason: `dtype ${r.dtype} differs from ${type}` })
    }
    const w = writer(outPrefix, type)
    try {
      const scratch = aligned(1 << 16)
      for (const r of readers) for (let i = 0; i < r.size; i++) w.addRaw(r.readRaw(i, scratch), r.lengths[i]!)
      return w.close()
    } catch (e) {
      w.abort()
      throw e
    }
  } finally {
    for (const r of readers) r.close()
  }
}
