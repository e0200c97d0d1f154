/**
 * `pretrain tokenizer encode --tokenizer FILE [--text STR | FILE] [--json]`
 */
import * as fs from "node:fs"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Commands } from "@pretrain/dataflow"
import { TokenizerInputError } from "../Errors.ts"
import * as TokenizerFile from "../TokenizerFile.ts"
import { jsonFlag, tokenizerFlag } from "./shared.ts"

/** @since 0.1.0 @category commands */
export const encode = Command.make(
  "encode",
  {
    tokenizer: tokenizerFlag,
    text: Flag.String("text").pipe(Flag.withDescription("the text to encode"), Flag.optional),
    file: Argument.String("file").pipe(Argument.withDescription("a text file to encode (whole file)"), Argument.optional),
    json: jsonFlag
  },
  (a) =>
    Commands.reportFailure(Effect.gen(function*() {
      const tokenizer = yield* TokenizerFile.load(a.tokenizer)
      const file = Option.getOrUndefined(a.file)
      const text = Option.isSome(a.text)
        ? a.text.value
        : file !== undefined
        ? yield* Effect.try({
          try: () => fs.readFileSync(file, "utf8"),
          catch: (e) => new TokenizerInputError({ file, reason: e instanceof Error ? e.message : String(e) })
        })
        : yield* Effect.fail(new TokenizerInputError({ file: "(none)", reason: "give --text STR or a FILE" }))
      const ids = tokenizer.encode(text)
      yield* Console.log(a.json ? JSON.stringify(Array.from(ids)) : Array.from(ids).join(" "))
    }))
).pipe(Command.withDescription("Print the token ids of a text (special tokens in the text are recognised)"))
