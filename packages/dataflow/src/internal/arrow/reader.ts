/**
 * Reads one Arrow IPC file (file format, with or without footer, or stream format) record batch by
 * record batch, as batches of Docs. Plain async generator; the Arrow source wraps it.
 */
import { type RecordBatch, RecordBatchReader } from "apache-arrow"
import * as fsp from "node:fs/promises"
import type { Doc } from "../../Doc.ts"
import { InputReadError } from "../../Errors.ts"
import { recordBatchToRecords } from "./rows.ts"

/** Options of {@link readArrowFile}. */
export interface ArrowReadOptions {
  /** Split record batches into Doc batches of at most this many rows (default 1000). */
  readonly batchSize?: number | undefined
}

/** A row that did not become a Doc because it has no string `content`. */
export interface RowRejection {
  readonly record: Record<string, unknown>
  readonly file: string
  /** 0-based record batch index and row within it. */
  readonly batch: number
  readonly row: number
}

/** The record batches of an Arrow IPC file, read lazily through a file handle. */
export async function* readRecordBatches(file: string): AsyncGenerator<RecordBatch, void, undefined> {
  const handle = await fsp.open(file, "r")
  try {
    const reader = await (await RecordBatchReader.from(handle)).open()
    // an empty or schema-less input is not an Arrow IPC file (a valid file with no rows has a schema)
    if (reader.schema == null) throw new Error("not an Arrow IPC file or stream: no schema")
    for await (const batch of reader) yield batch
  } finally {
    await handle.close().catch(() => {})
  }
}

/**
 * Batches of Docs of one Arrow IPC file. Rows whose `content` is not a string go to `onReject`; a
 * file that cannot be decoded throws {@link InputReadError} naming it and the record batch.
 */
export async function* readArrowFile(
  file: string,
  options: ArrowReadOptions,
  onReject: (rejection: RowRejection) => void
): AsyncGenerator<Array<Doc>, void, undefined> {
  const batchSize = options.batchSize ?? 1000
  let index = 0
  const batches = readRecordBatches(file)
  for (;;) {
    let next: IteratorResult<RecordBatch, void>
    let rows: Array<Record<string, unknown>>
    try {
      next = await batches.next()
      if (next.done) return
      rows = recordBatchToRecords(next.value)
    } catch (cause) {
      await batches.return().catch(() => {})
      throw new InputReadError({ file, position: `record batch ${index}`, cause })
    }
    let out: Array<Doc> = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      if (typeof row.content !== "string") {
        onReject({ record: row, file, batch: index, row: i })
        continue
      }
      out.push(row as Doc)
      if (out.length >= batchSize) {
        yield out
        out = []
      }
    }
    if (out.length > 0) yield out
    index++
  }
}
