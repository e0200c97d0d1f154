/**
 * Reads one JSONL file (plain, gzip or zstd) as batches of Docs, streaming with bounded memory.
 * Plain async generator, no Effect: the JSONL source wraps it.
 */
import type { Doc } from "../../Doc.ts"
import { InputReadError } from "../../Errors.ts"
import { openDecompressed, sniffCompression } from "./compress.ts"
import { LineSplitter, type LineRejectReason, parseLine, type TooLong } from "./decode.ts"

/** Options of {@link readJsonlFile}. */
export interface JsonlReadOptions {
  /** Most Docs per emitted batch (default 1000). */
  readonly batchSize?: number | undefined
  /** A batch is also emitted once its content reaches this many UTF-16 units (default 8 Mi). */
  readonly batchChars?: number | undefined
  /** Longer lines are skipped and rejected as `line-too-long` (default 256 MiB). */
  readonly maxLineBytes?: number | undefined
}

/** A line that did not become a Doc: its raw text (for over-long lines, the first 1 KiB), why, and where. */
export interface LineRejection {
  readonly raw: string
  readonly reason: LineRejectReason
  readonly file: string
  /** 1-based line number. */
  readonly line: number
}

/**
 * Batches of Docs of one file, in file order. Malformed lines go to `onReject` and reading continues;
 * unreadable, corrupt or truncated (compressed) files throw {@link InputReadError}.
 */
export async function* readJsonlFile(
  file: string,
  options: JsonlReadOptions,
  onReject: (rejection: LineRejection) => void
): AsyncGenerator<Array<Doc>, void, undefined> {
  const batchSize = options.batchSize ?? 1000
  const batchChars = options.batchChars ?? 8 * 1024 * 1024
  let lineNo = 0
  let input
  try {
    input = openDecompressed(file, sniffCompression(file))
  } catch (cause) {
    throw new InputReadError({ file, cause })
  }
  const splitter = new LineSplitter(options.maxLineBytes ?? 256 * 1024 * 1024)
  const lines: Array<string | TooLong> = []
  let batch: Array<Doc> = []
  let chars = 0
  const ready: Array<Array<Doc>> = []
  const take = (): void => {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      lineNo++
      if (typeof line !== "string") {
        onReject({ raw: line.head, reason: "line-too-long", file, line: lineNo })
        continue
      }
      const parsed = parseLine(line)
      if (parsed === undefined) continue
      if (typeof parsed === "string") {
        onReject({ raw: line, reason: parsed, file, line: lineNo })
        continue
      }
      batch.push(parsed)
      chars += parsed.content.length
      if (batch.length >= batchSize || chars >= batchChars) {
        ready.push(batch)
        batch = []
        chars = 0
      }
    }
    lines.length = 0
  }
  try {
    for await (const chunk of input) {
      splitter.push(chunk as Buffer, lines)
      take()
      for (let i = 0; i < ready.length; i++) yield ready[i]!
      ready.length = 0
    }
  } catch (cause) {
    input.destroy()
    throw new InputReadError({ file, position: `after line ${lineNo}`, cause })
  }
  splitter.end(lines)
  take()
  for (let i = 0; i < ready.length; i++) yield ready[i]!
  if (batch.length > 0) yield batch
}
