/**
 * Writes one task's records as Arrow IPC files (`part-<rank>-<seq>.arrow`), atomically. Records are
 * grouped into record batches of a fixed number of rows (or content size), so the output depends
 * only on the records, never on how the stream was chunked. The schema is inferred from the first
 * batch of each file; a batch whose values do not fit it (a new column, another type) starts a new
 * file, as does reaching `maxFileBytes`.
 */
import { AsyncByteQueue, RecordBatchFileWriter, type Schema } from "apache-arrow"
import * as path from "node:path"
import { AtomicFile } from "../atomic.ts"
import { partName } from "../../Sink.ts"
import { recordsToBatch } from "./build.ts"
import { type Column, fitsColumns, inferColumns, toSchema } from "./schema.ts"

/** Options of {@link ArrowPartsWriter}. */
export interface ArrowWriterOptions {
  /** Rows per record batch (default 10 000). */
  readonly batchRows?: number | undefined
  /** A record batch is also closed once its `content` reaches this many UTF-16 units (default 32 Mi). */
  readonly batchChars?: number | undefined
  /** Start a new file once a file reaches this many bytes (checked after each record batch). */
  readonly maxFileBytes?: number | undefined
}

/** An AsyncByteQueue that hands every chunk straight to a file instead of queueing it. */
class FileQueue extends AsyncByteQueue {
  readonly out: AtomicFile
  constructor(out: AtomicFile) {
    super()
    this.out = out
  }
  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.out.write(value)
  }
}

interface OpenPart {
  readonly file: AtomicFile
  readonly writer: RecordBatchFileWriter
  readonly columns: ReadonlyArray<Column>
  readonly schema: Schema
}

/** Writer of one task's Arrow IPC parts. Call `write` per chunk, then `finish`; `abort` on failure. */
export class ArrowPartsWriter {
  readonly dir: string
  readonly rank: number
  readonly paths: Array<string> = []
  private readonly batchRows: number
  private readonly batchChars: number
  private readonly maxFileBytes: number | undefined
  private seq = 0
  private part: OpenPart | undefined = undefined
  private pending: Array<Record<string, unknown>> = []
  private pendingChars = 0

  constructor(dir: string, rank: number, options: ArrowWriterOptions = {}) {
    this.dir = dir
    this.rank = rank
    this.batchRows = options.batchRows ?? 10_000
    this.batchChars = options.batchChars ?? 32 * 1024 * 1024
    this.maxFileBytes = options.maxFileBytes
  }

  /** The file being written (or the next one), for error messages. */
  get currentFile(): string {
    return this.part?.file.file ?? path.join(this.dir, partName(this.rank, this.seq, "arrow"))
  }

  /** Add records; full record batches are written at once. */
  write(records: ReadonlyArray<unknown>): void {
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as Record<string, unknown>
      this.pending.push(record)
      const content = record.content
      if (typeof content === "string") this.pendingChars += content.length
      if (this.pending.length >= this.batchRows || this.pendingChars >= this.batchChars) this.flush()
    }
  }

  /** Write the last record batch and close the last file; returns every file written, in order. */
  finish(): ReadonlyArray<string> {
    this.flush()
    this.closePart()
    return this.paths
  }

  /** Remove the temporary file in progress. */
  abort(): void {
    this.part?.file.abort()
    this.part = undefined
  }

  private flush(): void {
    const records = this.pending
    if (records.length === 0) return
    this.pending = []
    this.pendingChars = 0
    if (this.part !== undefined && !fitsColumns(records, this.part.columns)) this.closePart()
    const part = this.part ?? this.openPart(records)
    part.writer.write(recordsToBatch(records, part.columns, part.schema))
    if (this.maxFileBytes !== undefined && part.file.bytes >= this.maxFileBytes) this.closePart()
  }

  private openPart(records: ReadonlyArray<Record<string, unknown>>): OpenPart {
    const columns = inferColumns(records)
    const schema = toSchema(columns)
    const file = new AtomicFile(path.join(this.dir, partName(this.rank, this.seq, "arrow")))
    try {
      const writer = new RecordBatchFileWriter()
      writer.reset(new FileQueue(file) as never, schema)
      this.part = { file, writer, columns, schema }
      return this.part
    } catch (e) {
      file.abort()
      throw e
    }
  }

  private closePart(): void {
    const part = this.part
    if (part === undefined) return
    part.writer.finish()
    this.paths.push(part.file.commit())
    this.part = undefined
    this.seq++
  }
}
