/**
 * Arrow IPC sources and sinks, and conversions between Doc batches and apache-arrow RecordBatches
 * for columnar hot loops.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Arrow, Shard } from "@pretrain/dataflow"
 *
 * const docs = Arrow.source("data/in").read(Shard.whole)
 * const paths = await Effect.runPromise(Arrow.sink("data/out").write(docs, Shard.whole))
 * ```
 *
 * Reading: IPC file format (`.arrow`, `.feather` v2, `.ipc`) and stream format (`.arrows`), one record
 * batch at a time through a file handle (bounded memory). Values become plain JS values (see
 * {@link recordBatchToRecords}): 64-bit integers are numbers when safe and `bigint` beyond, timestamps
 * `Date`, lists arrays, nulls `null`. Rows without a string `content` are reported to the task's
 * rejects (`missing-content`, operator `arrow`, with the file) and skipped. A file that cannot be
 * decoded fails with {@link InputReadError} naming the file and record batch.
 *
 * Writing: IPC file format, `part-<rank>-<seq>.arrow`, atomic; the schema is inferred from the
 * records (see {@link inferSchema} for the rules: strings, int64, float64, bool, list<utf8>,
 * timestamp[ms, UTC], and JSON text for anything else).
 *
 * @since 0.1.0
 */
import type { RecordBatch, Table } from "apache-arrow"
import type { Doc } from "./Doc.ts"
import { ArrowPartsWriter, type ArrowWriterOptions } from "./internal/arrow/writer.ts"
import { type ArrowReadOptions, readArrowFile, type RowRejection } from "./internal/arrow/reader.ts"
import { recordBatchToRecords } from "./internal/arrow/rows.ts"
import { filesSource, partsSink } from "./internal/files.ts"
import type { Sink } from "./Sink.ts"
import type { Source } from "./Source.ts"

export { docsToRecordBatch, recordsToBatch } from "./internal/arrow/build.ts"
export { type ArrowReadOptions, readArrowFile, readRecordBatches, type RowRejection } from "./internal/arrow/reader.ts"
export { recordBatchToRecords, toPlain, vectorToArray } from "./internal/arrow/rows.ts"
export {
  arrowType,
  type Column,
  type ColumnKind,
  ENCODING_KEY,
  fitsColumns,
  inferColumns,
  inferSchema,
  kindOf,
  mergeKinds,
  toSchema
} from "./internal/arrow/schema.ts"
export { ArrowPartsWriter, type ArrowWriterOptions } from "./internal/arrow/writer.ts"

/**
 * File name endings the source picks up in a directory or glob (explicitly named files are read
 * whatever their name).
 *
 * @since 0.1.0 @category constants
 */
export const extensions: ReadonlyArray<string> = [".arrow", ".arrows", ".feather", ".ipc"]

/** The operator name used in stats and rejects for rows the Arrow source rejects. @since 0.1.0 @category constants */
export const operatorName = "arrow"

/**
 * Rows of a RecordBatch or Table as Docs (rows without a string `content` included as they are).
 *
 * @since 0.1.0 @category conversions
 */
export const recordBatchToDocs = (batch: RecordBatch | Table): Array<Doc> => recordBatchToRecords(batch) as Array<Doc>

/** @since 0.1.0 @category models */
export interface SourceOptions extends ArrowReadOptions {}

/**
 * Read Arrow IPC files (a file, a directory, a glob, or a list of them) as Docs. Task `rank` of `world`
 * reads a contiguous block of the sorted files; each file is read record batch by record batch and
 * emitted in chunks of up to `batchSize` (default 1000) Docs.
 *
 * @since 0.1.0 @category constructors
 */
export const source = (input: string | ReadonlyArray<string>, options: SourceOptions = {}): Source<Doc> =>
  filesSource<RowRejection>(
    "arrow",
    input,
    extensions,
    (file, onReject) => readArrowFile(file, options, onReject),
    (r) => ({ record: r.record, reason: "missing-content", operator: operatorName, file: r.file })
  )

/** @since 0.1.0 @category models */
export interface SinkOptions extends ArrowWriterOptions {}

/**
 * Write Docs (or any records) as Arrow IPC files `part-<rank>-<seq>.arrow` in `dir`, each written
 * atomically (temporary name, then rename). A task with no records writes no file. Output bytes
 * depend only on the records (record batches have a fixed row count), not on stream chunking.
 *
 * @since 0.1.0 @category constructors
 */
export const sink = <A = Doc>(dir: string, options: SinkOptions = {}): Sink<A> =>
  partsSink("arrow", dir, "arrow", (rank) => new ArrowPartsWriter(dir, rank, options))
