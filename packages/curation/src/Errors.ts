/**
 * Typed errors of the curation package, each naming the file and the position of the bad input.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A curation config file that cannot be used: `path` is the JSON path of the bad field.
 *
 * @since 0.1.0 @category errors
 */
export class CurateConfigError extends Data.TaggedError("CurateConfigError")<{
  readonly file: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.file}: ${this.path === "" ? "" : `at ${this.path}: `}${this.reason}`
  }
}

/**
 * A benchmark JSONL file that cannot be used (missing, malformed line, missing field).
 *
 * @since 0.1.0 @category errors
 */
export class BenchmarkLoadError extends Data.TaggedError("BenchmarkLoadError")<{
  readonly file: string
  readonly line?: number | undefined
  readonly field?: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    return `${this.file}${this.line === undefined ? "" : `:${this.line}`}${this.field === undefined ? "" : ` (field ${this.field})`}: ${this.reason}`
  }
}

/**
 * An opt-out list that cannot be read, or a line in it that is not `owner` or `owner/name`.
 *
 * @since 0.1.0 @category errors
 */
export class OptOutError extends Data.TaggedError("OptOutError")<{
  readonly file: string
  readonly line?: number | undefined
  readonly reason: string
}> {
  override get message(): string {
    return `${this.file}${this.line === undefined ? "" : `:${this.line}`}: ${this.reason}`
  }
}
