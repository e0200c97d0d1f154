/**
 * @pretrain/dataflow: Doc records, sources and sinks (Parquet, JSONL, Arrow IPC, source trees,
 * node_modules), operators, multi-stage pipelines and the local executor.
 *
 * @since 0.1.0
 */
export * from "./Doc.ts"
export * from "./Errors.ts"
export * as Operator from "./Operator.ts"
export * as Pipeline from "./Pipeline.ts"
export * as Shard from "./Shard.ts"
export * as Sink from "./Sink.ts"
export * as Source from "./Source.ts"
export * as Stats from "./Stats.ts"
