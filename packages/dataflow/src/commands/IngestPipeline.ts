/**
 * The pipeline behind `pretrain ingest`: one stage reading a source tree, a git repository or a
 * node_modules tree and writing Parquet (or JSONL). Exported as a function of its parameters so
 * every worker thread can rebuild it.
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import * as Input from "../Input.ts"
import * as NodeModules from "../NodeModules.ts"
import * as Pipeline from "../Pipeline.ts"
import * as SourceTree from "../SourceTree.ts"

/** @since 0.1.0 @category models */
export interface IngestParams {
  readonly input: string
  readonly out: string
  readonly format?: "parquet" | "jsonl" | undefined
  /** `node-modules` reads each installed package as a repository; `tree` a directory or git repository. */
  readonly kind?: "node-modules" | "tree" | undefined
  readonly tasks?: number | undefined
}

/** Which reader an input path gets when `kind` is not given. @since 0.1.0 */
export const kindOf = (input: string): "node-modules" | "tree" =>
  path.basename(path.resolve(input)) === "node_modules" ? "node-modules" : "tree"

/** Default task count: enough shards for the workers to balance uneven repositories. @since 0.1.0 */
export const defaultTasks = 8

/** @since 0.1.0 @category constructors */
export const ingestPipeline = (params: IngestParams): Pipeline.Pipeline => {
  const kind = params.kind ?? kindOf(params.input)
  return Pipeline.make("ingest", [
    Pipeline.stage({
      name: "ingest",
      tasks: params.tasks ?? defaultTasks,
      source: kind === "node-modules" ? NodeModules.source(params.input) : SourceTree.source(params.input),
      sink: Input.sink(params.out, params.format ?? "parquet")
    })
  ])
}

export default ingestPipeline
