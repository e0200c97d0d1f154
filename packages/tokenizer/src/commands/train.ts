/**
 * `pretrain tokenizer train <inputs...> --vocab-size N [--preset starcoder|cl100k-code]
 *  [--digits individual|groups|none] [--special starcoder|starcoder2|none] [--special-token T]...
 *  [--min-frequency N] [--max-token-length N] [--max-pieces N] [--workers N] --out tokenizer.json [--force]`
 */
import * as fs from "node:fs"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Commands } from "@pretrain/dataflow"
import { TokenizerInputError } from "../Errors.ts"
import * as Inputs from "../Inputs.ts"
import * as ParallelTrain from "../ParallelTrain.ts"
import * as SpecialTokens from "../SpecialTokens.ts"
import type { TrainStats } from "../Trainer.ts"
import { jsonFlag } from "./shared.ts"

/** The lines `train` prints. @since 0.1.0 @category utils */
export const formatTrainStats = (stats: TrainStats, seconds: number, out: string): string =>
  [
    `documents        ${stats.documents}`,
    `characters       ${stats.characters}`,
    `distinct pieces  ${stats.distinctPieces}`,
    `pruned pieces    ${stats.pruned.pieces} (${stats.pruned.occurrences} occurrences, counts <= ${stats.pruned.maxCount})`,
    `merges           ${stats.merges}`,
    `vocab size       ${stats.vocabSize}`,
    `time             ${seconds.toFixed(2)} s`,
    `written          ${out}`
  ].join("\n")

/** @since 0.1.0 @category commands */
export const train = Command.make(
  "train",
  {
    inputs: Argument.String("inputs").pipe(
      Argument.withDescription("datasets (Parquet, JSONL, Arrow), directories of source files or text files (one document each)"),
      Argument.variadic({ min: 1 })
    ),
    vocabSize: Flag.Int("vocab-size").pipe(Flag.withDescription("vocabulary size, special tokens and the 256 bytes included")),
    preset: Flag.Literals("preset", ["starcoder", "cl100k-code"]).pipe(Flag.withDefault("starcoder")),
    digits: Flag.Literals("digits", ["individual", "groups", "none"]).pipe(Flag.withDefault("individual")),
    special: Flag.Literals("special", ["starcoder", "starcoder2", "none"]).pipe(
      Flag.withDescription("special-token preset (default: <|endoftext|> only)"),
      Flag.optional
    ),
    specialToken: Flag.String("special-token").pipe(Flag.withDescription("an extra special token (repeatable)"), Flag.atLeast(0)),
    minFrequency: Flag.Int("min-frequency").pipe(Flag.withDefault(0)),
    maxTokenLength: Flag.Int("max-token-length").pipe(Flag.withDescription("longest token in bytes"), Flag.optional),
    maxPieces: Flag.Int("max-pieces").pipe(Flag.withDescription("cap on distinct pieces held while counting (default 4000000)"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("counting threads (default one per core; 0: this thread); the result does not depend on it"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("tokenizer.json to write")),
    force: Flag.Boolean("force").pipe(Flag.withDescription("overwrite an existing --out file"), Flag.withDefault(false)),
    json: jsonFlag
  },
  (a) =>
    Commands.reportFailure(Effect.gen(function*() {
      if (!a.force && fs.existsSync(a.out)) {
        return yield* Effect.fail(new TokenizerInputError({ file: a.out, reason: "already exists (use --force to overwrite)" }))
      }
      const preset = Option.getOrUndefined(a.special)
      const special = [
        ...(preset === undefined ? ["<|endoftext|>"] : preset === "none" ? [] : SpecialTokens.resolve(preset)),
        ...a.specialToken
      ]
      const start = performance.now()
      const result = yield* ParallelTrain.train(Inputs.documents(a.inputs), {
        vocabSize: a.vocabSize,
        preset: a.preset,
        digits: a.digits,
        special,
        minFrequency: a.minFrequency,
        maxTokenLength: Option.getOrUndefined(a.maxTokenLength),
        maxPieces: Option.getOrUndefined(a.maxPieces),
        workers: Option.getOrUndefined(a.workers)
      })
      yield* Effect.try({
        try: () => result.tokenizer.saveSync(a.out),
        catch: (e) => new TokenizerInputError({ file: a.out, reason: `cannot write: ${e instanceof Error ? e.message : String(e)}` })
      })
      const seconds = (performance.now() - start) / 1000
      yield* Console.log(a.json ? Commands.toJson({ ...result.stats, seconds, out: a.out }) : formatTrainStats(result.stats, seconds, a.out))
    }))
).pipe(Command.withDescription("Train a byte-level BPE tokenizer on whole documents and write tokenizer.json"))
