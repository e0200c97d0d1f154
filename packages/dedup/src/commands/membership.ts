/**
 * `pretrain membership build <dataset> --out IDX` and `pretrain membership query IDX <file|--text T>`.
 */
import * as fs from "node:fs"
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { DedupIOError, DedupOptionsError } from "../Errors.ts"
import * as Membership from "../Membership.ts"
import { modes } from "../Shingle.ts"

const opt = Option.getOrUndefined

const kib = (bytes: number) => bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`

/** @since 0.1.0 @category commands */
export const buildCommand = Command.make(
  "build",
  {
    dataset: Argument.String("dataset").pipe(Argument.withDescription("a Parquet, JSONL or Arrow file, directory or glob")),
    out: Flag.String("out").pipe(Flag.withDescription("index directory")),
    numPerm: Flag.Int("num-perm").pipe(Flag.withDescription("MinHash permutations (default 256)"), Flag.optional),
    ngram: Flag.Int("ngram").pipe(Flag.withDescription("shingle size (default 5)"), Flag.optional),
    shingle: Flag.Literals("shingle", modes).pipe(Flag.optional),
    sample: Flag.Int("sample").pipe(Flag.withDescription("keep shingles with hash % sample == 0 for snippet lookups (default 4; 0: none)"), Flag.optional),
    force: Flag.Boolean("force").pipe(Flag.withDescription("overwrite an existing index"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDefault(false))
  },
  (a) =>
    Commands.reportFailure(
      Membership.build(a.dataset, a.out, { numPerm: opt(a.numPerm), ngram: opt(a.ngram), shingle: opt(a.shingle), sample: opt(a.sample), force: a.force }).pipe(
        Effect.tap((r) =>
          Console.log(
            a.json
              ? Commands.toJson(r)
              : `membership index: ${r.documents} documents, ${r.postings} snippet postings, ${kib(r.bytes)} (${(r.bytes / Math.max(1, r.documents)).toFixed(0)} bytes per document), built in ${r.seconds.toFixed(2)} s\n  ${r.dir}`
          )
        )
      )
    )
).pipe(Command.withDescription("Build a membership index of a dataset (exact files, near-duplicates, snippets)"))

/** @since 0.1.0 @category commands */
export const queryCommand = Command.make(
  "query",
  {
    index: Argument.String("index").pipe(Argument.withDescription("index directory")),
    file: Argument.String("file").pipe(Argument.withDescription("a file to look up"), Argument.optional),
    text: Flag.String("text").pipe(Flag.withDescription("a snippet to look up"), Flag.optional),
    threshold: Flag.Finite("threshold").pipe(Flag.withDescription("Jaccard threshold for near-duplicates (default 0.7)"), Flag.optional),
    containment: Flag.Finite("containment").pipe(Flag.withDescription("fraction of a snippet a document must contain (default 0.8)"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDefault(false))
  },
  (a) =>
    Commands.reportFailure(
      Effect.gen(function*() {
        const file = opt(a.file)
        const text = opt(a.text) ?? (file === undefined ? undefined : yield* Effect.try({
          try: () => fs.readFileSync(file, "utf8"),
          catch: (cause) => new DedupIOError({ file, cause })
        }))
        if (text === undefined) return yield* new DedupOptionsError({ option: "text", reason: "give a file or --text" })
        const loadStarted = performance.now()
        const index = yield* Membership.load(a.index)
        const loadMs = performance.now() - loadStarted
        const result = index.query(text, { threshold: opt(a.threshold), containment: opt(a.containment) })
        const found = result.exact.length + result.near.length + result.snippet.length > 0
        if (a.json) return yield* Console.log(Commands.toJson({ found, loadMs, indexBytes: index.bytes, ...result }))
        const list = (title: string, ms: ReadonlyArray<Membership.Match>, score: (m: Membership.Match) => string) =>
          ms.length === 0 ? [] : [title, ...ms.map((m) => `  ${m.repo_name ?? "?"} ${m.path ?? "?"} (doc ${m.doc}${score(m)})`)]
        yield* Console.log([
          found ? "found in the dataset" : "not found in the dataset",
          ...list("exact copies:", result.exact, () => ""),
          ...list("near-duplicates:", result.near, (m) => `, Jaccard ~${m.score.toFixed(2)}`),
          ...list("containing the snippet:", result.snippet, (m) => `, ${(100 * m.score).toFixed(0)}% of ${result.sampledShingles} sampled shingles`),
          `query ${result.milliseconds.toFixed(2)} ms (index of ${index.documents} documents, ${kib(index.bytes)}, loaded in ${loadMs.toFixed(0)} ms)`
        ].join("\n"))
      })
    )
).pipe(Command.withDescription("Is a file or snippet in the indexed dataset? Exact copies, near-duplicates and containing documents"))

/** @since 0.1.0 @category commands */
export const membershipCommand = Command.make("membership").pipe(
  Command.withDescription("Membership index: build one over a dataset, query files and snippets against it"),
  Command.withSubcommands([buildCommand, queryCommand])
)
