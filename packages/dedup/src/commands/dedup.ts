/**
 * `pretrain dedup <input> --out <dir> [--mode exact|minhash] [--threshold 0.7] [--num-perm 256]
 * [--ngram 5] [--clusters FILE] [--rejects DIR] ...`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Dedup from "../Dedup.ts"
import * as MultiStage from "../MultiStage.ts"
import type { Options as NearOptions } from "../NearDedup.ts"
import { modes } from "../Shingle.ts"
import { rules } from "../Survivor.ts"

const opt = Option.getOrUndefined

interface MultiArgs {
  readonly input: string
  readonly out: string
  readonly mode: "exact" | "minhash"
  readonly tasks: Option.Option<number>
  readonly work: Option.Option<string>
  readonly ranges: Option.Option<number>
  readonly clusterTasks: Option.Option<number>
  readonly workers: Option.Option<number>
  readonly format: "parquet" | "jsonl" | "arrow"
  readonly force: boolean
  readonly json: boolean
  readonly normalizeWhitespace: boolean
  readonly survivor: Option.Option<"stack-v2" | "first">
  readonly threshold: Option.Option<number>
  readonly numPerm: Option.Option<number>
  readonly ngram: Option.Option<number>
  readonly shingle: Option.Option<"bigcode" | "datatrove" | "char">
  readonly seed: Option.Option<number>
  readonly bands: Option.Option<number>
  readonly rows: Option.Option<number>
  readonly verify: Option.Option<boolean>
  readonly index: Option.Option<string>
}

/** The MinHash flags as options; `verify` is `verifyByDefault` without `--verify` / `--no-verify`. */
const minhashOptions = (
  a: Pick<MultiArgs, "threshold" | "numPerm" | "ngram" | "shingle" | "seed" | "bands" | "rows" | "verify">,
  verifyByDefault: boolean
): NearOptions => ({
  threshold: opt(a.threshold),
  numPerm: opt(a.numPerm),
  ngram: opt(a.ngram),
  shingle: opt(a.shingle),
  seed: opt(a.seed),
  bands: opt(a.bands),
  rows: opt(a.rows),
  verify: opt(a.verify) ?? verifyByDefault
})

/** `--tasks N`: the multi-stage mode; prints the filter stage's counts. */
const multiStage = (a: MultiArgs) =>
  MultiStage.run({
    input: a.input,
    out: a.out,
    work: opt(a.work) ?? `${a.out.replace(/[/\\]+$/, "")}-work`,
    format: a.format,
    mode: a.mode,
    tasks: opt(a.tasks),
    ranges: opt(a.ranges),
    clusterTasks: opt(a.clusterTasks),
    survivor: opt(a.survivor),
    index: opt(a.index),
    exact: { normalizeWhitespace: a.normalizeWhitespace },
    // the multi-stage mode has no exact-Jaccard check: only an explicit --verify is an error there
    minhash: minhashOptions(a, false)
  }, { workers: opt(a.workers), force: a.force }).pipe(
    Effect.tap((result) => {
      const filter = result.stages.find((s) => s.stage === "filter")!.stats
      const removed = filter.docsIn - filter.docsOut
      const summary = { mode: a.mode, stages: result.stages.map((s) => s.stage), documents: filter.docsIn, kept: filter.docsOut, removed, fractionRemoved: filter.docsIn === 0 ? 0 : removed / filter.docsIn, out: a.out }
      return Console.log(a.json ? Commands.toJson(summary) : `${a.mode} dedup (multi-stage): ${filter.docsIn} documents, ${filter.docsOut} kept, ${removed} removed (${(100 * summary.fractionRemoved).toFixed(2)}%)\n  kept: ${a.out}`)
    })
  )

/** @since 0.1.0 @category commands */
export const dedupCommand = Command.make(
  "dedup",
  {
    input: Argument.String("input").pipe(Argument.withDescription("a Parquet, JSONL or Arrow file, directory or glob")),
    out: Flag.String("out").pipe(Flag.withDescription("output directory for the kept documents")),
    mode: Flag.Literals("mode", ["exact", "minhash"]).pipe(Flag.withDefault("minhash" as const)),
    threshold: Flag.Finite("threshold").pipe(Flag.withDescription("Jaccard threshold (default 0.7)"), Flag.optional),
    numPerm: Flag.Int("num-perm").pipe(Flag.withDescription("MinHash permutations (default 256)"), Flag.optional),
    ngram: Flag.Int("ngram").pipe(Flag.withDescription("shingle size (default 5)"), Flag.optional),
    shingle: Flag.Literals("shingle", modes).pipe(Flag.withDescription("bigcode (default), datatrove or char"), Flag.optional),
    seed: Flag.Int("seed").pipe(Flag.withDescription("permutation seed (default 42)"), Flag.optional),
    bands: Flag.Int("bands").pipe(Flag.withDescription("LSH bands (default: optimal for the threshold); with --rows"), Flag.optional),
    rows: Flag.Int("rows").pipe(Flag.withDescription("rows per band; with --bands"), Flag.optional),
    verify: Flag.Boolean("verify").pipe(
      Flag.withDescription(
        "check the exact Jaccard of candidate pairs (default in the one-machine minhash mode: precision and recall >= 0.95 at 0.7; " +
          "holds 4 bytes per distinct shingle); --no-verify: LSH only, memory near the signature size, the same clusters as --tasks"
      ),
      Flag.optional
    ),
    normalizeWhitespace: Flag.Boolean("normalize-whitespace").pipe(
      Flag.withDescription("exact mode: hash content with whitespace runs collapsed"),
      Flag.withDefault(false)
    ),
    survivor: Flag.Literals("survivor", rules).pipe(Flag.withDescription("stack-v2 (default) or first"), Flag.optional),
    clusters: Flag.String("clusters").pipe(Flag.withDescription("clusters file (default <out>/clusters.jsonl)"), Flag.optional),
    rejects: Flag.String("rejects").pipe(Flag.withDescription("directory for the removed documents (default <out>/rejects)"), Flag.optional),
    format: Flag.Literals("format", ["parquet", "jsonl", "arrow"]).pipe(Flag.withDefault("parquet" as const)),
    tasks: Flag.Int("tasks").pipe(
      Flag.withDescription("multi-stage mode for data larger than memory: input shards (signature and filter tasks)"),
      Flag.optional
    ),
    work: Flag.String("work").pipe(Flag.withDescription("multi-stage: directory for intermediate files (default <out>-work)"), Flag.optional),
    ranges: Flag.Int("ranges").pipe(Flag.withDescription("multi-stage: hash ranges per band (default 2)"), Flag.optional),
    clusterTasks: Flag.Int("cluster-tasks").pipe(Flag.withDescription("multi-stage: clustering partitions, the tasks of each clustering round (default 4)"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("multi-stage: worker threads (default one per core)"), Flag.optional),
    index: Flag.String("index").pipe(
      Flag.withDescription("incremental: remove clusters already in this membership index (of an existing dataset)"),
      Flag.optional
    ),
    force: Flag.Boolean("force").pipe(Flag.withDescription("redo a completed run, overwrite the clusters file"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the summary as JSON"), Flag.withDefault(false))
  },
  (a) =>
    Commands.reportFailure(
      Option.isSome(a.tasks) ? Effect.asVoid(multiStage(a)) : Effect.asVoid(Dedup.run({
        input: a.input,
        out: a.out,
        mode: a.mode,
        exact: { normalizeWhitespace: a.normalizeWhitespace },
        minhash: minhashOptions(a, true),
        survivor: opt(a.survivor),
        clusters: opt(a.clusters),
        rejects: opt(a.rejects),
        format: a.format,
        force: a.force,
        index: opt(a.index)
      }).pipe(Effect.tap((summary) => Console.log(a.json ? Commands.toJson(summary) : Dedup.format(summary)))))
    )
).pipe(Command.withDescription("Remove exact or near-duplicate documents (MinHash-LSH), writing cluster ids, sizes and a clusters file"))
