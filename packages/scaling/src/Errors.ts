/**
 * Typed errors of the scaling package: unreadable or malformed run files (naming the file, line
 * and column) and plans that cannot be made (naming the input at fault).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A runs file that cannot be read at all.
 *
 * @since 0.1.0 @category errors
 */
export class RunsReadError extends Data.TaggedError("RunsReadError")<{
  readonly file: string
  readonly cause: unknown
}> {
  override get message() {
    return `cannot read runs file ${this.file}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * A malformed runs file: a missing column, or a value that is not a positive number, at a line
 * (CSV, 1-based, the header is line 1) or an index (JSON).
 *
 * @since 0.1.0 @category errors
 */
export class RunsParseError extends Data.TaggedError("RunsParseError")<{
  readonly file: string
  /** `line 7` for CSV, `runs[3]` for JSON. */
  readonly position: string
  readonly column?: string | undefined
  readonly reason: string
}> {
  override get message() {
    return `${this.file}, ${this.position}${this.column === undefined ? "" : `, column ${this.column}`}: ${this.reason}`
  }
}

/**
 * A plan that cannot be made from its inputs (no budget, a loss below the irreducible term, a
 * target out of reach with the unique data given).
 *
 * @since 0.1.0 @category errors
 */
export class PlanError extends Data.TaggedError("PlanError")<{
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}

/**
 * An output file that already exists; nothing is overwritten without `--force`.
 *
 * @since 0.1.0 @category errors
 */
export class OutputExists extends Data.TaggedError("OutputExists")<{
  readonly file: string
}> {
  override get message() {
    return `${this.file} exists; pass --force to overwrite it`
  }
}

/**
 * An output file that cannot be written.
 *
 * @since 0.1.0 @category errors
 */
export class OutputWriteError extends Data.TaggedError("OutputWriteError")<{
  readonly file: string
  readonly cause: unknown
}> {
  override get message() {
    return `cannot write ${this.file}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * Runs that admit no fit: fewer than six (five constants), or a value that is not a positive
 * number (naming the run).
 *
 * @since 0.1.0 @category errors
 */
export class FitError extends Data.TaggedError("FitError")<{
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}
