/**
 * stack-mini: a miniature Stack built from this workspace's node_modules (real code from hundreds of
 * real packages, present on every machine after `npm ci`). Each later package adds its stage here,
 * so the demo grows into the whole StarCoder data pipeline.
 *
 * Run it with `pretrain run examples/pipelines/stack-mini/pipeline.ts`, or `npm run demo`.
 */
import * as path from "node:path"
import { NodeModules, Parquet, Pipeline } from "@pretrain/dataflow"
import { Demo as Dedup } from "@pretrain/dedup"

const workspace = path.resolve(import.meta.dirname, "../../..")

export interface StackMiniParams {
  /** The node_modules tree to read (default: this workspace's). */
  readonly nodeModules?: string
  /** Where every stage writes its output (default: examples/out/stack-mini). */
  readonly out?: string
  readonly tasks?: number
}

/** Where the stages write. */
export const outDir = (params: StackMiniParams = {}) => params.out ?? path.join(workspace, "examples/out/stack-mini")

export const stackMini = (params: StackMiniParams = {}) => {
  const out = outDir(params)
  const ingest = path.join(out, "ingest")
  return Pipeline.make("stack-mini", [
    Pipeline.stage({
      name: "ingest",
      tasks: params.tasks ?? 8,
      source: NodeModules.source(params.nodeModules ?? path.join(workspace, "node_modules")),
      sink: Parquet.sink(ingest)
    }),
    // exact, then near-duplicate removal (MinHash-LSH, 5-grams, 256 permutations, Jaccard 0.7)
    ...Dedup.stages({ input: ingest, out })
  ])
}

export default stackMini
