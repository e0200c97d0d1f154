/**
 * The input contract shared by every subcommand and by pipelines that accept "any dataset": a
 * Parquet file, directory or glob, a JSONL file (plain, .gz, .zst) or directory, or Arrow IPC
 * files. The format comes from the file extensions; `format` overrides it.
 *
 * ```ts
 * const docs = Input.source("data/stack-shards")      // every *.parquet under the folder
 * const out = Input.sink("data/out", "parquet")
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as Arrow from "./Arrow.ts"
import type { Doc } from "./Doc.ts"
import { InputNotFound } from "./Errors.ts"
import { resolveInputsSync } from "./internal/inputs.ts"
import * as Jsonl from "./Jsonl.ts"
import * as Parquet from "./Parquet.ts"
import type { Sink } from "./Sink.ts"
import type { Source } from "./Source.ts"

/** @since 0.1.0 @category models */
export type Format = "parquet" | "jsonl" | "arrow"

/** @since 0.1.0 @category models */
export const formats: ReadonlyArray<Format> = ["parquet", "jsonl", "arrow"]

const extensionsOf: Record<Format, ReadonlyArray<string>> = {
  parquet: [".parquet"],
  jsonl: Jsonl.extensions,
  arrow: Arrow.extensions
}

/**
 * The format of an input path: from its extension, or for a directory or glob from the files it
 * holds (Parquet first, then JSONL, then Arrow). Throws {@link InputNotFound} when nothing matches.
 *
 * @since 0.1.0 @category utils
 */
export const detectFormat = (input: string | ReadonlyArray<string>): Format => {
  const first = typeof input === "string" ? input : input[0]
  if (first === undefined) throw new InputNotFound({ path: "(no input)" })
  for (const format of formats) {
    if (extensionsOf[format].some((ext) => first.endsWith(ext))) return format
  }
  if (!/[*?[\]{}]/.test(first) && !fs.existsSync(first)) throw new InputNotFound({ path: first })
  for (const format of formats) {
    try {
      resolveInputsSync(input, extensionsOf[format])
      return format
    } catch {
      // try the next format
    }
  }
  throw new InputNotFound({ path: first })
}

/** @since 0.1.0 @category models */
export interface SourceOptions {
  readonly format?: Format | undefined
  /** Parquet column projection (`content` is always read). */
  readonly columns?: ReadonlyArray<string> | undefined
}

/**
 * A source over any supported dataset.
 *
 * @since 0.1.0 @category constructors
 */
export const source = (input: string | ReadonlyArray<string>, options: SourceOptions = {}): Source<Doc> => {
  const format = options.format ?? detectFormat(input)
  switch (format) {
    case "parquet":
      return Parquet.source(input, options.columns === undefined ? {} : { columns: [...new Set(["content", ...options.columns])] })
    case "jsonl":
      return Jsonl.source(input)
    case "arrow":
      return Arrow.source(input)
  }
}

/**
 * A sink of the given format (Parquet with ZSTD by default).
 *
 * @since 0.1.0 @category constructors
 */
export const sink = <A = Doc>(dir: string, format: Format = "parquet"): Sink<A> => {
  switch (format) {
    case "parquet":
      return Parquet.sink<A>(dir)
    case "jsonl":
      return Jsonl.sink<A>(dir)
    case "arrow":
      return Arrow.sink<A>(dir)
  }
}
