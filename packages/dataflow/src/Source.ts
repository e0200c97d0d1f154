/**
 * A source reads documents for one task. Every source is streaming (bounded memory whatever the
 * input size) and shardable: `read(shard)` yields only the units (files, then Parquet row groups)
 * that task `shard.rank` of `shard.world` owns.
 *
 * @since 0.1.0
 */
import type { Stream } from "effect"
import type { Doc } from "./Doc.ts"
import type { InputNotFound, InputReadError, ParquetReadError } from "./Errors.ts"
import type { Shard } from "./Shard.ts"

/** Errors any source may fail with. @since 0.1.0 @category models */
export type SourceError = InputNotFound | InputReadError | ParquetReadError

/** @since 0.1.0 @category models */
export interface Source<A = Doc> {
  /** Short name used in stats and rejects (`parquet`, `jsonl`, `arrow`, `source-tree`, `node-modules`). */
  readonly name: string
  /** Documents of one shard, in a deterministic order. */
  readonly read: (shard: Shard) => Stream.Stream<A, SourceError>
}
