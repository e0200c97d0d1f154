/**
 * Documents from command-line style inputs: a dataset (Parquet, JSONL, Arrow file, directory or
 * glob, as `@pretrain/dataflow`'s `Input` reads it), a directory of source files (each file one
 * document, read as `SourceTree` does) or a plain text file (the whole file one document).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { Effect, Stream } from "effect"
import { Input, type Source, SourceTree, Shard } from "@pretrain/dataflow"
import { TokenizerInputError } from "./Errors.ts"

const datasetFile = /\.(parquet|jsonl|jsonl\.gz|jsonl\.zst|ndjson|arrow|arrows|ipc|feather)$/i

/**
 * The whole input as a stream of document texts, inputs in the given order.
 *
 * @since 0.1.0 @category constructors
 */
export const documents = (inputs: ReadonlyArray<string>): Stream.Stream<string, TokenizerInputError | Source.SourceError> =>
  Stream.flatMap(Stream.fromIterable(inputs), (input) => one(input), { concurrency: 1 })

const one = (input: string): Stream.Stream<string, TokenizerInputError | Source.SourceError> =>
  Stream.unwrap(Effect.try({
    try: () => {
      const stat = fs.statSync(input, { throwIfNoEntry: false })
      if (stat === undefined && !/[*?[\]{}]/.test(input)) throw new TokenizerInputError({ file: input, reason: "no such file or directory" })
      if (stat?.isFile() && !datasetFile.test(input)) {
        return Stream.make(fs.readFileSync(input, "utf8"))
      }
      if (stat?.isDirectory()) {
        let dataset = true
        try {
          Input.detectFormat(input)
        } catch {
          dataset = false
        }
        if (!dataset) return Stream.map(SourceTree.source(input, { git: false }).read(Shard.whole), (d) => d.content)
      }
      return Stream.map(Input.source(input).read(Shard.whole), (d) => d.content)
    },
    catch: (e) => e instanceof TokenizerInputError ? e : new TokenizerInputError({ file: input, reason: e instanceof Error ? e.message : String(e) })
  }))
