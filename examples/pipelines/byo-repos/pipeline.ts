/**
 * Bring your own repositories: a folder of git checkouts becomes a dataset, each checkout one
 * repository (`repo_name` = its folder name, only git-tracked files), then exact and near
 * duplicates are removed across all of them.
 *
 * ```sh
 * REPOS=~/src OUT=out/my-repos npx pretrain run examples/pipelines/byo-repos/pipeline.ts
 * ```
 *
 * Stages: `ingest` (REPOS -> OUT/ingest), `exact-dedup`, `near-dedup` (OUT/near-dedup is the result).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Dedup } from "@pretrain/dedup"
import { type Doc, Operator, Parquet, Pipeline, type Source, SourceTree } from "@pretrain/dataflow"
import { Stream } from "effect"

/** Where to read and write; each defaults to an environment variable (`REPOS`, `OUT`). */
export type ByoReposParams = {
  /** A folder whose subfolders are checkouts (git repositories, or plain folders). */
  readonly repos?: string
  readonly out?: string
  readonly tasks?: number
}

/** The checkouts under `root`: every non-hidden subfolder, sorted by name. */
export const checkouts = (root: string): ReadonlyArray<string> =>
  fs.readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => path.join(root, e.name))
    .sort()

/**
 * One source over many checkouts: each task reads its share of every checkout's files, so the
 * work is spread evenly however unequal the repositories are.
 */
export const checkoutsSource = (root: string): Source.Source<Doc> => ({
  name: "checkouts",
  read: (shard) =>
    Stream.fromIterable(checkouts(root)).pipe(
      Stream.flatMap((dir) => SourceTree.source(dir, { repoName: path.basename(dir) }).read(shard), { concurrency: 1 })
    )
})

/** The pipeline: ingest every checkout, then exact and near dedup across all of them. */
export const byoRepos = (params: ByoReposParams = {}): Pipeline.Pipeline => {
  const repos = path.resolve(params.repos ?? process.env.REPOS ?? ".")
  const out = path.resolve(params.out ?? process.env.OUT ?? "out/byo-repos")
  const ingest = path.join(out, "ingest")
  const exact = path.join(out, "exact-dedup")
  return Pipeline.make("byo-repos", [
    Pipeline.stage({
      name: "ingest",
      tasks: params.tasks ?? 2,
      source: checkoutsSource(repos),
      // StarCoder's basic filter: minified or generated files have very long lines
      steps: (docs) => docs.pipe(Operator.filter("max-line-length", (doc) => doc.content.split("\n").every((l) => l.length <= 1000) || "max-line-length")),
      sink: Parquet.sink(ingest)
    }),
    Dedup.stage({ name: "exact-dedup", mode: "exact", input: ingest, inputFormat: "parquet", out: exact }),
    Dedup.stage({ name: "near-dedup", mode: "minhash", input: exact, inputFormat: "parquet", out: path.join(out, "near-dedup"), minhash: { verify: true } })
  ])
}

export default byoRepos
