/**
 * @pretrain/dataflow: Doc records, sources and sinks (Parquet, JSONL, Arrow IPC, source trees,
 * node_modules), operators, multi-stage pipelines and the local executor.
 *
 * @since 0.1.0
 */
export * as Arrow from "./Arrow.ts"
export * from "./Doc.ts"
export * from "./Errors.ts"
export * as Jsonl from "./Jsonl.ts"
export * from "./Language.ts"
export * as NodeModules from "./NodeModules.ts"
export * as Operator from "./Operator.ts"
export * as Parquet from "./Parquet.ts"
export * as Pipeline from "./Pipeline.ts"
export * as Shard from "./Shard.ts"
export * as Sink from "./Sink.ts"
export * as Source from "./Source.ts"
export * as SourceTree from "./SourceTree.ts"
export * as StackColumns from "./StackColumns.ts"
export * as Stats from "./Stats.ts"
export * as LocalExecutor from "./executors/LocalExecutor.ts"
export * as Slurm from "./Slurm.ts"
export * as Progress from "./Progress.ts"
export * as Rejects from "./Rejects.ts"
export * from "./Run.ts"
export * as Input from "./Input.ts"
export * as Inspect from "./Inspect.ts"
export * as Commands from "./Commands.ts"
export * as CorpusSummary from "./CorpusSummary.ts"
