/**
 * `pretrain pack <input> --tokenizer tokenizer.json --seq-len 2048 --out <dir>
 * [--format parquet|megatron] [--layout starcoder2|starcoder1] [--fim-rate 0.5]
 * [--fim-spm-rate 0.5] [--packing concat|best-fit] [--seed N] [--tasks N] [--partitions N]
 * [--workers N] [--force] [--if-changed fail|redo] [--keep-work] [--json]`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Logger, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Pack from "../Pack.ts"

const opt = Option.getOrUndefined

/** @since 0.1.0 @category commands */
export const pack = Command.make(
  "pack",
  {
    input: Argument.String("input").pipe(Argument.withDescription("a Parquet, JSONL or Arrow file, directory or glob (content, repo_name, path)")),
    tokenizer: Flag.String("tokenizer").pipe(Flag.withDescription("tokenizer.json")),
    seqLen: Flag.Int("seq-len").pipe(Flag.withDescription("sequence length L")),
    out: Flag.String("out").pipe(Flag.withDescription("output directory of the packed dataset")),
    format: Flag.Literals("format", ["parquet", "megatron"]).pipe(
      Flag.withDescription("Parquet (input_ids, boundaries) or Megatron-LM .bin/.idx"),
      Flag.withDefault("parquet" as const)
    ),
    layout: Flag.Literals("layout", ["starcoder2", "starcoder1"]).pipe(
      Flag.withDescription("repository examples (StarCoder2) or one example per file (StarCoder1)"),
      Flag.withDefault("starcoder2" as const)
    ),
    fimRate: Flag.Finite("fim-rate").pipe(Flag.withDescription("FIM probability per file chunk / document (default 0.5)"), Flag.optional),
    fimSpmRate: Flag.Finite("fim-spm-rate").pipe(Flag.withDescription("SPM share of FIM (default 0.5)"), Flag.optional),
    packing: Flag.Literals("packing", ["best-fit", "concat"]).pipe(
      Flag.withDescription("best-fit (no document shorter than L split, padding) or concat-and-chunk"),
      Flag.withDefault("best-fit" as const)
    ),
    seed: Flag.Int("seed").pipe(Flag.withDescription("seed of every random choice (default 0)"), Flag.optional),
    tasks: Flag.Int("tasks").pipe(Flag.withDescription("tasks reading the input (default 4)"), Flag.optional),
    partitions: Flag.Int("partitions").pipe(Flag.withDescription("repository-hash partitions packed in parallel (default 16)"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("worker threads (default one per core); outputs do not depend on it"), Flag.optional),
    force: Flag.Boolean("force").pipe(Flag.withDescription("redo a completed run"), Flag.withDefault(false)),
    ifChanged: Flag.Literals("if-changed", ["fail", "redo"]).pipe(
      Flag.withDescription("when --out holds a dataset packed with another tokenizer or other options: fail (default) or redo it"),
      Flag.withDefault("fail" as const)
    ),
    keepWork: Flag.Boolean("keep-work").pipe(Flag.withDescription("keep <out>/work (partitions and shards)"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the summary as JSON"), Flag.withDefault(false))
  },
  (a) =>
    Commands.reportFailure(
      Pack.run({
        input: a.input,
        tokenizer: a.tokenizer,
        out: a.out,
        seqLen: a.seqLen,
        format: a.format,
        layout: a.layout,
        packing: a.packing,
        fimRate: opt(a.fimRate),
        fimSpmRate: opt(a.fimSpmRate),
        seed: opt(a.seed),
        tasks: opt(a.tasks),
        partitions: opt(a.partitions)
      }, { workers: opt(a.workers), force: a.force, ifChanged: a.ifChanged, keepWork: a.keepWork }).pipe(
        // log lines (a redo's warning) on stderr: stdout is the summary, JSON with --json
        Effect.provideService(Logger.LogToStderr, true),
        Effect.tap((summary) => Console.log(a.json ? Commands.toJson(summary) : Pack.summarize(summary)))
      )
    )
).pipe(Command.withDescription("Format (StarCoder2/StarCoder1, FIM), tokenize and pack a dataset into fixed-length sequences"))
