/**
 * Decoding of JSON Lines: splitting bytes into lines (across chunk boundaries, CRLF, a last line
 * without newline, UTF-8 sequences split between chunks) and parsing one line into a Doc.
 * Plain, synchronous, no Effect.
 */
import type { Doc } from "../../Doc.ts"

/** Why a line did not become a Doc. */
export type LineRejectReason = "malformed-json" | "not-an-object" | "missing-content" | "line-too-long"

/** Result of {@link parseLine}: a Doc, `undefined` for a blank line, or the reason it was rejected. */
export type ParsedLine = Doc | undefined | LineRejectReason

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown

const INTEGER = /^-?\d+$/

/** Reviver turning integers beyond Number's safe range into bigint, from their source text. */
const bigintReviver: Reviver = (_key, value, context) =>
  typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) &&
    context?.source !== undefined && INTEGER.test(context.source)
    ? BigInt(context.source)
    : value

const parseWithBigints = JSON.parse as (text: string, reviver: Reviver) => unknown

/**
 * Parse one line (without its line break). Blank lines give `undefined`. A line that is not JSON, not
 * a JSON object, or has no string `content` gives the reject reason. Top-level integers beyond
 * `Number.MAX_SAFE_INTEGER` are read exactly, as `bigint`.
 */
export const parseLine = (line: string): ParsedLine => {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return isBlank(line) ? undefined : "malformed-json"
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not-an-object"
  const record = value as Record<string, unknown>
  if (typeof record.content !== "string") return "missing-content"
  for (const key in record) {
    const v = record[key]
    if (typeof v === "number" && !Number.isSafeInteger(v) && Number.isInteger(v)) {
      return parseWithBigints(line, bigintReviver) as Doc
    }
  }
  return record as Doc
}

const isBlank = (line: string): boolean => {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a && c !== 0xfeff) return false
  }
  return true
}

const EMPTY = Buffer.alloc(0)

/**
 * Splits a byte stream into lines. Feed chunks in order with {@link LineSplitter.push}, then call
 * {@link LineSplitter.end}. A line break is `\n`; a `\r` before it is dropped. Bytes are decoded only
 * once a whole line is known, so UTF-8 sequences split between chunks decode correctly. A line longer
 * than `maxLineBytes` is not buffered: it comes out as `{ tooLong: true, head }` with its first bytes.
 */
export class LineSplitter {
  private parts: Array<Buffer> = []
  private partBytes = 0
  private skipping = false
  private head = ""
  private first = true
  readonly maxLineBytes: number

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes
  }

  /**
   * Split a chunk; complete lines are appended to `out` (strings, or a {@link TooLong} marker for an
   * over-long line).
   */
  push(chunk: Uint8Array, out: Array<string | TooLong>): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let start = 0
    for (;;) {
      const nl = buf.indexOf(0x0a, start)
      if (nl === -1) break
      this.emit(buf, start, nl, out)
      start = nl + 1
    }
    if (start < buf.length) this.keep(buf.subarray(start))
  }

  /** The last line when the input does not end with a line break. */
  end(out: Array<string | TooLong>): void {
    if (this.partBytes > 0 || this.skipping) this.emit(EMPTY, 0, 0, out)
  }

  private keep(rest: Buffer): void {
    if (this.skipping) return
    if (this.partBytes + rest.length > this.maxLineBytes) {
      this.startSkipping(rest)
      return
    }
    // copy: the chunk's memory may be reused by the producer
    this.parts.push(Buffer.from(rest))
    this.partBytes += rest.length
  }

  private startSkipping(rest: Buffer): void {
    const all = this.parts.length > 0 ? Buffer.concat([...this.parts, rest]) : rest
    this.head = all.toString("utf8", 0, Math.min(all.length, 1024))
    this.parts = []
    this.partBytes = 0
    this.skipping = true
  }

  private emit(buf: Buffer, start: number, end: number, out: Array<string | TooLong>): void {
    if (this.skipping) {
      out.push({ tooLong: true, head: this.head })
      this.skipping = false
      this.head = ""
      this.first = false
      return
    }
    let line: Buffer
    let from = start
    let to = end
    if (this.partBytes > 0) {
      if (this.partBytes + (end - start) > this.maxLineBytes) {
        this.startSkipping(buf.subarray(start, end))
        this.emit(buf, 0, 0, out)
        return
      }
      this.parts.push(buf.subarray(start, end))
      line = Buffer.concat(this.parts, this.partBytes + (end - start))
      this.parts = []
      this.partBytes = 0
      from = 0
      to = line.length
    } else {
      if (end - start > this.maxLineBytes) {
        this.startSkipping(buf.subarray(start, end))
        this.emit(buf, 0, 0, out)
        return
      }
      line = buf
    }
    if (to > from && line[to - 1] === 0x0d) to--
    if (this.first) {
      this.first = false
      // UTF-8 byte order mark
      if (to - from >= 3 && line[from] === 0xef && line[from + 1] === 0xbb && line[from + 2] === 0xbf) from += 3
    }
    out.push(line.toString("utf8", from, to))
  }
}

/** An over-long line that was skipped, with its first (up to 1 KiB) bytes. */
export interface TooLong {
  readonly tooLong: true
  readonly head: string
}
