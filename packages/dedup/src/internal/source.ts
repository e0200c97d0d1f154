/**
 * `Input.source`, resolved when read rather than when built, so a stage may read a directory that
 * an earlier stage of the same pipeline has not written yet.
 */
import { type Doc, Input, InputNotFound, type Source } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"

export const lazySource = (input: string | ReadonlyArray<string>, format: Input.Format | undefined): Source.Source<Doc> => ({
  name: "input",
  read: (shard) =>
    Stream.unwrap(Effect.try({
      try: () => Input.source(input, { format }).read(shard),
      catch: (e) => e instanceof InputNotFound ? e : new InputNotFound({ path: String(input) })
    }))
})
