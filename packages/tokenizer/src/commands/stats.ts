/**
 * `pretrain tokenizer stats --tokenizer FILE <inputs...> [--json]`
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { Commands } from "@pretrain/dataflow"
import * as Compression from "../Compression.ts"
import * as Inputs from "../Inputs.ts"
import * as TokenizerFile from "../TokenizerFile.ts"
import { jsonFlag, tokenizerFlag } from "./shared.ts"

/** The lines `stats` prints. @since 0.1.0 @category utils */
export const formatSummary = (s: Compression.Summary): string =>
  [
    `documents        ${s.documents}`,
    `bytes            ${s.bytes}`,
    `characters       ${s.characters}`,
    `tokens           ${s.tokens}`,
    `bytes/token      ${s.bytesPerToken.toFixed(3)}`,
    `chars/token      ${s.charsPerToken.toFixed(3)}`,
    `unknown bytes    ${s.unknownBytes}`
  ].join("\n")

/** @since 0.1.0 @category commands */
export const stats = Command.make(
  "stats",
  {
    tokenizer: tokenizerFlag,
    inputs: Argument.String("inputs").pipe(
      Argument.withDescription("datasets (Parquet, JSONL, Arrow), directories of source files or text files"),
      Argument.variadic({ min: 1 })
    ),
    json: jsonFlag
  },
  (a) =>
    Commands.reportFailure(Effect.gen(function*() {
      const tokenizer = yield* TokenizerFile.load(a.tokenizer)
      const summary = yield* Compression.measure(tokenizer, Inputs.documents(a.inputs))
      yield* Console.log(a.json ? Commands.toJson(summary) : formatSummary(summary))
    }))
).pipe(Command.withDescription("Bytes/token, chars/token, tokens and unknown bytes of a tokenizer on a corpus"))
