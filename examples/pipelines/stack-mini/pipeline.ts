/**
 * stack-mini: a miniature Stack built from this workspace's node_modules (real code from hundreds of
 * real packages, present on every machine after `npm ci`). Each later package adds its stage here,
 * so the demo grows into the whole StarCoder data pipeline.
 *
 * Run it with `pretrain run examples/pipelines/stack-mini/pipeline.ts`, or `npm run demo`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Benchmark, Demo as Curation } from "@pretrain/curation"
import { NodeModules, Parquet, Pipeline } from "@pretrain/dataflow"
import { Demo as Dedup } from "@pretrain/dedup"

const workspace = path.resolve(import.meta.dirname, "../../..")

export interface StackMiniParams {
  /** The node_modules tree to read (default: this workspace's). */
  readonly nodeModules?: string
  /** Where every stage writes its output (default: examples/out/stack-mini). */
  readonly out?: string
  /** HumanEval (JSONL, optionally gzipped) to decontaminate against (default: ../shared/data/HumanEval.jsonl.gz when present). */
  readonly humanEval?: string
  readonly tasks?: number
}

/** The HumanEval copy kept beside the workspace (absent on other machines: decontamination is then skipped). */
export const defaultHumanEval = path.join(workspace, "../shared/data/HumanEval.jsonl.gz")

/** Where the stages write. */
export const outDir = (params: StackMiniParams = {}) => params.out ?? path.join(workspace, "examples/out/stack-mini")

export const stackMini = (params: StackMiniParams = {}) => {
  const out = outDir(params)
  const ingest = path.join(out, "ingest")
  const curated = path.join(out, "curate")
  const humanEval = params.humanEval ?? defaultHumanEval
  return Pipeline.make("stack-mini", [
    Pipeline.stage({
      name: "ingest",
      tasks: params.tasks ?? 8,
      source: NodeModules.source(params.nodeModules ?? path.join(workspace, "node_modules")),
      sink: Parquet.sink(ingest)
    }),
    // The Stack v2 / StarCoder2 filters, PII redaction and HumanEval decontamination
    Curation.curationStage({
      input: ingest,
      out: curated,
      config: fs.existsSync(humanEval) ? { decontamination: { benchmarks: [Benchmark.humanEval(humanEval)] } } : undefined
    }),
    // exact, then near-duplicate removal (MinHash-LSH, 5-grams, 256 permutations, Jaccard 0.7)
    ...Dedup.stages({ input: curated, out })
  ])
}

export default stackMini
