/**
 * cluster-dedup: ingest source trees, deduplicate them (multi-stage MinHash-LSH: signatures, bucket
 * merge, sharded clustering, filter), then keep files of a useful size. Every stage is a set of
 * independent tasks, so the same module runs on worker threads or on a Slurm cluster unchanged:
 *
 * ```sh
 * pretrain run examples/pipelines/cluster-dedup/pipeline.ts --params '{"input":"repos/","out":"out/cd"}'
 * pretrain run examples/pipelines/cluster-dedup/pipeline.ts --params '{"input":"repos/","out":"out/cd"}' \
 *   --executor slurm --run-dir runs/cd --partition cpu --mem 8G --time 01:00:00
 * pretrain jobs status runs/cd
 * ```
 */
import * as path from "node:path"
import { Operator, Parquet, Pipeline, SourceTree } from "@pretrain/dataflow"
import { MultiStage } from "@pretrain/dedup"

export interface ClusterDedupParams {
  /** A directory of source trees (each file becomes a document). */
  readonly input: string
  /** Where every stage writes (`ingest/`, `dedup-work/`, `dedup/`, `sized/`). */
  readonly out: string
  /** Tasks of every stage (default 8). */
  readonly tasks?: number
}

/** Files between 50 bytes and 200 kB survive the last stage. */
const sized = (content: string) => content.length >= 50 && content.length <= 200_000

export const clusterDedup = (params: ClusterDedupParams): Pipeline.Pipeline => {
  const tasks = params.tasks ?? 8
  const ingest = path.join(params.out, "ingest")
  const deduped = path.join(params.out, "dedup")
  const dedup = MultiStage.pipeline({
    input: ingest,
    work: path.join(params.out, "dedup-work"),
    out: deduped,
    mode: "minhash",
    tasks,
    clusterTasks: tasks
  })
  return Pipeline.make("cluster-dedup", [
    Pipeline.stage({ name: "ingest", tasks, source: SourceTree.source(params.input), sink: Parquet.sink(ingest) }),
    ...dedup.stages,
    Pipeline.stage({
      name: "sized",
      tasks,
      source: Parquet.source(deduped),
      steps: (docs) => docs.pipe(Operator.filter("size", (doc) => sized(doc.content))),
      sink: Parquet.sink(path.join(params.out, "sized"))
    })
  ])
}

export default clusterDedup
