/**
 * Writes one task's records as JSONL part files (`part-<rank>-<seq>.jsonl[.gz|.zst]`), atomically,
 * rolling to a new part when `maxFileBytes` would be exceeded. Plain Promise-based class; the JSONL
 * sink wraps it in Effect.
 */
import * as path from "node:path"
import { AtomicFile } from "../atomic.ts"
import { partName } from "../../Sink.ts"
import { type Compression, compressionExtension, StreamingCompressor } from "./compress.ts"
import { encodeLine } from "./encode.ts"

/** Options of {@link JsonlPartsWriter}. */
export interface JsonlWriterOptions {
  readonly compression: Compression
  /** Compression level (gzip 1-9, default 6; zstd 1-22, default 3). */
  readonly level?: number | undefined
  /**
   * Start a new part before a line that would take the current part beyond this many bytes of
   * uncompressed JSONL (a single longer line gets a part of its own). Unlimited when undefined.
   */
  readonly maxFileBytes?: number | undefined
}

/** Uncompressed bytes handed to the compressor at once: fixed, so output never depends on chunking. */
const BLOCK = 1 << 20

/** The file name extension of JSONL parts with this compression (`jsonl`, `jsonl.gz`, `jsonl.zst`). */
export const jsonlExtension = (compression: Compression): string => `jsonl${compressionExtension(compression)}`

/** Writer of one task's JSONL parts. Call `write` per chunk, then `finish`; `abort` on failure. */
export class JsonlPartsWriter {
  readonly dir: string
  readonly rank: number
  readonly options: JsonlWriterOptions
  /** Final paths of the parts committed so far. */
  readonly paths: Array<string> = []
  private readonly extension: string
  private seq = 0
  private file: AtomicFile | undefined = undefined
  private compressor: StreamingCompressor | undefined = undefined
  /** Uncompressed bytes in the current part. */
  private partBytes = 0
  private pending: Array<Buffer> = []
  private pendingBytes = 0

  constructor(dir: string, rank: number, options: JsonlWriterOptions) {
    this.dir = dir
    this.rank = rank
    this.options = options
    this.extension = jsonlExtension(options.compression)
  }

  /** The part being written (or the next one), for error messages. */
  get currentFile(): string {
    return this.file?.file ?? path.join(this.dir, partName(this.rank, this.seq, this.extension))
  }

  /** Encode and write one chunk of records. */
  async write(records: ReadonlyArray<unknown>): Promise<void> {
    const max = this.options.maxFileBytes
    if (max === undefined) {
      let text = ""
      for (let i = 0; i < records.length; i++) text += encodeLine(records[i])
      const bytes = Buffer.from(text, "utf8")
      this.partBytes += bytes.length
      return this.append(bytes)
    }
    let text = ""
    let textBytes = 0
    for (let i = 0; i < records.length; i++) {
      const line = encodeLine(records[i])
      const n = Buffer.byteLength(line, "utf8")
      if (this.partBytes + textBytes > 0 && this.partBytes + textBytes + n > max) {
        if (textBytes > 0) await this.append(Buffer.from(text, "utf8"))
        await this.closePart()
        text = ""
        textBytes = 0
      }
      text += line
      textBytes += n
    }
    if (textBytes > 0) {
      this.partBytes += textBytes
      await this.append(Buffer.from(text, "utf8"))
    }
  }

  /** Commit the last part; resolves to every part written, in order. */
  async finish(): Promise<ReadonlyArray<string>> {
    await this.closePart()
    return this.paths
  }

  /** Remove the temporary file of the part in progress. */
  abort(): void {
    this.compressor?.destroy()
    this.compressor = undefined
    this.file?.abort()
    this.file = undefined
  }

  private open(): AtomicFile {
    if (this.file !== undefined) return this.file
    const file = new AtomicFile(path.join(this.dir, partName(this.rank, this.seq, this.extension)))
    this.file = file
    if (this.options.compression !== "none") {
      this.compressor = new StreamingCompressor(this.options.compression, this.options.level, (b) => file.write(b))
    }
    return file
  }

  private async append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return
    const file = this.open()
    if (this.compressor === undefined) {
      file.write(bytes)
      return
    }
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    while (this.pendingBytes >= BLOCK) {
      const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
      await this.compressor.write(all.subarray(0, BLOCK))
      const rest = all.subarray(BLOCK)
      this.pending = rest.length > 0 ? [rest] : []
      this.pendingBytes = rest.length
    }
  }

  private async closePart(): Promise<void> {
    const file = this.file
    if (file === undefined) return
    if (this.compressor !== undefined) {
      if (this.pendingBytes > 0) await this.compressor.write(Buffer.concat(this.pending, this.pendingBytes))
      this.pending = []
      this.pendingBytes = 0
      await this.compressor.end()
      this.compressor = undefined
    }
    this.paths.push(file.commit())
    this.file = undefined
    this.partBytes = 0
    this.seq++
  }
}
