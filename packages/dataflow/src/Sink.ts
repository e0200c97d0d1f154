/**
 * A sink writes one task's documents into an output directory as deterministic part files.
 * Writes are atomic: each part is written under a temporary name and renamed when complete, so a
 * reader never sees half a file. The executor removes a task's parts before it reruns the task.
 *
 * @since 0.1.0
 */
import type { Effect, Stream } from "effect"
import type { Doc } from "./Doc.ts"
import type { OutputWriteError } from "./Errors.ts"
import type { Shard } from "./Shard.ts"

/** @since 0.1.0 @category models */
export interface Sink<A = Doc> {
  /** Short name (`parquet`, `jsonl`, `arrow`). */
  readonly name: string
  /** The output directory. */
  readonly dir: string
  /** Does this file name (no directory) belong to task `rank`'s output? Used to clean up before a rerun. */
  readonly ownsTaskFile: (fileName: string, rank: number) => boolean
  /** Does this file name (no directory) look like any output of this sink? Other files are foreign. */
  readonly ownsFile: (fileName: string) => boolean
  /**
   * Write the stream for task `shard.rank`; resolves to the final paths written, in order. The
   * directory is created when missing.
   */
  readonly write: <E, R>(docs: Stream.Stream<A, E, R>, shard: Shard) => Effect.Effect<ReadonlyArray<string>, E | OutputWriteError, R>
  /**
   * Stage barrier: runs once after every task of the stage has completed (also when every task was
   * skipped as already complete), before the stage's `stats.json` is written, over the whole output
   * directory `dir` (e.g. the Parquet sink gives all parts one schema). It must be idempotent and
   * crash-safe: each file it changes is replaced atomically, and a rerun after a crash during
   * finalize runs it again over whatever it left, with the same final result.
   *
   * @since 0.1.0
   */
  readonly finalize?: ((dir: string) => Effect.Effect<void, OutputWriteError>) | undefined
}

/**
 * The part name for task `rank`, part `seq`: `part-00003-0000.parquet`. Zero-padded so names sort in
 * task order.
 *
 * @since 0.1.0 @category utils
 */
export const partName = (rank: number, seq: number, extension: string): string =>
  `part-${String(rank).padStart(5, "0")}-${String(seq).padStart(4, "0")}.${extension}`

/**
 * Matchers for {@link partName} files of one extension (e.g. `parquet`, `jsonl.gz`).
 *
 * @since 0.1.0 @category utils
 */
export const partMatchers = (extension: string) => {
  const escaped = extension.replace(/[.]/g, "\\.")
  const any = new RegExp(`^part-(\\d{5})-\\d{4}\\.${escaped}$`)
  return {
    ownsFile: (name: string) => any.test(name),
    ownsTaskFile: (name: string, rank: number) => {
      const m = any.exec(name)
      return m !== null && Number(m[1]) === rank
    }
  }
}
