/**
 * `pretrain inspect <file|dir> [--json]`
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Inspect from "../Inspect.ts"
import { jsonFlag, reportFailure, toJson } from "./shared.ts"

/** @since 0.1.0 @category commands */
export const inspectCommand = Command.make(
  "inspect",
  {
    input: Argument.String("input").pipe(Argument.withDescription("a Parquet, JSONL or Arrow file, directory or glob")),
    samples: Flag.Int("samples").pipe(Flag.withDescription("sample rows to show (default 3)"), Flag.optional),
    json: jsonFlag
  },
  ({ input, json, samples }) =>
    reportFailure(
      Inspect.inspect(input, { samples: Option.getOrUndefined(samples) }).pipe(
        Effect.tap((report) => Console.log(json ? toJson(report) : Inspect.format(report)))
      )
    )
).pipe(Command.withDescription("Schema, rows, bytes, per-column summary and sample rows of a dataset"))
