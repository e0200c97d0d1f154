/**
 * The skeletons the file-based sources and sinks share: a source that reads its task's contiguous
 * block of the sorted input files one file after the other (Arrow, JSONL), and a sink that writes a
 * task's records through a parts writer, removing its work when the write fails (Arrow, JSONL,
 * Parquet).
 */
import { Effect, Exit, Stream } from "effect"
import type { Doc } from "../Doc.ts"
import { InputReadError, OutputWriteError } from "../Errors.ts"
import * as Shard from "../Shard.ts"
import { partMatchers, type Sink } from "../Sink.ts"
import type { Source } from "../Source.ts"
import { type Rejection, Telemetry } from "../Stats.ts"
import { resolveInputs } from "./inputs.ts"

/** Reads one file as non-empty batches of Docs, reporting the records it skips to `onReject`. */
export type ReadFile<R> = (file: string, onReject: (rejection: R) => void) => AsyncIterable<Array<Doc>>

/**
 * A source over the files of `input` with one of `extensions`: task `rank` of `world` reads a
 * contiguous block of the sorted files ({@link Shard.pick}), each through `readFile`; what it rejects
 * goes to the task's rejects as `toRejection` makes it. A failure other than an
 * {@link InputReadError} becomes one naming the file.
 */
export const filesSource = <R>(
  name: string,
  input: string | ReadonlyArray<string>,
  extensions: ReadonlyArray<string>,
  readFile: ReadFile<R>,
  toRejection: (rejection: R) => Rejection
): Source<Doc> => ({
  name,
  read: (shard) =>
    Stream.unwrap(Effect.gen(function*() {
      const files = Shard.pick(yield* resolveInputs(input, extensions), shard)
      const stats = yield* Effect.service(Telemetry)
      const onReject = (r: R) => stats.reject(toRejection(r))
      return Stream.fromIterable(files).pipe(
        Stream.flatMap((file) =>
          Stream.suspend(() =>
            Stream.fromAsyncIterable(
              // every batch the reader yields is non-empty
              readFile(file, onReject) as AsyncIterable<readonly [Doc, ...Array<Doc>]>,
              (cause) => cause instanceof InputReadError ? cause : new InputReadError({ file, cause })
            )
          )
        ),
        Stream.flattenArray
      )
    }))
})

/** A writer of one task's parts (`part-<rank>-<seq>.<extension>`); `write` and `finish` may be async. */
export interface PartsWriter {
  /** The part being written (for error messages). */
  readonly currentFile: string
  write(records: ReadonlyArray<unknown>): void | Promise<void>
  /** Commit the last part; the final paths, in order. */
  finish(): ReadonlyArray<string> | Promise<ReadonlyArray<string>>
  /** Remove the part in progress and the parts already committed. */
  abort(): void
}

/** Run a writer call; a throw or a rejected promise becomes an {@link OutputWriteError} naming the current part. */
const attempt = <A>(writer: PartsWriter, f: () => A | Promise<A>): Effect.Effect<A, OutputWriteError> => {
  const fail = (cause: unknown) => new OutputWriteError({ file: writer.currentFile, cause })
  return Effect.flatMap(
    Effect.try({ try: f, catch: fail }),
    (result) => result instanceof Promise ? Effect.tryPromise({ try: () => result as Promise<A>, catch: fail }) : Effect.succeed(result as A)
  )
}

/**
 * A sink writing each task's records through the writer `open(rank)` makes, as parts of `dir` with
 * the given extension: the records in stream chunks, then `finish`; when the write fails or is
 * interrupted, the writer is aborted.
 */
export const partsSink = <A>(
  name: string,
  dir: string,
  extension: string,
  open: (rank: number) => PartsWriter,
  finalize?: Sink<A>["finalize"]
): Sink<A> => {
  const matchers = partMatchers(extension)
  const sink: Sink<A> = {
    name,
    dir,
    ownsFile: matchers.ownsFile,
    ownsTaskFile: matchers.ownsTaskFile,
    write: <E, R>(docs: Stream.Stream<A, E, R>, shard: Shard.Shard) =>
      Effect.acquireUseRelease(
        Effect.sync(() => open(shard.rank)),
        (writer) =>
          Stream.runForEachArray(docs, (chunk) => attempt(writer, () => writer.write(chunk))).pipe(
            Effect.andThen(attempt(writer, () => writer.finish()))
          ),
        (writer, exit) => Exit.isSuccess(exit) ? Effect.void : Effect.sync(() => writer.abort())
      )
  }
  return finalize === undefined ? sink : { ...sink, finalize }
}
