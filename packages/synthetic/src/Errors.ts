/**
 * Typed errors of the synthetic-data package.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A backend request failed: transport, HTTP status, timeout, or the model itself. `retryable` tells
 * whether trying again may help (timeouts, connection errors, 408/409/429 and 5xx statuses).
 *
 * @since 0.1.0 @category errors
 */
export class LlmError extends Data.TaggedError("LlmError")<{
  readonly backend: string
  readonly reason: string
  readonly status?: number | undefined
  /** The request field an HTTP 400 names (`param` of OpenAI's error JSON). */
  readonly param?: string | undefined
  readonly retryable: boolean
}> {
  override get message() {
    return `${this.backend}: ${this.reason}${this.status === undefined ? "" : ` (HTTP ${this.status})`}`
  }
}

/**
 * A backend cannot run here: an optional peer dependency is not installed, no WebGPU adapter, a
 * model file missing.
 *
 * @since 0.1.0 @category errors
 */
export class BackendUnavailable extends Data.TaggedError("BackendUnavailable")<{
  readonly backend: string
  readonly reason: string
}> {
  override get message() {
    return `${this.backend} is unavailable: ${this.reason}`
  }
}

/**
 * Structured output that stayed invalid after every attempt; `reason` is the last validation
 * failure, `attempts` how many generations were tried.
 *
 * @since 0.1.0 @category errors
 */
export class InvalidOutput extends Data.TaggedError("InvalidOutput")<{
  readonly reason: string
  readonly attempts: number
  readonly lastText: string
}> {
  override get message() {
    return `invalid output after ${this.attempts} attempt(s): ${this.reason}`
  }
}

/**
 * A seed input that cannot be read: names the file and, for JSONL, the line and field.
 *
 * @since 0.1.0 @category errors
 */
export class SeedError extends Data.TaggedError("SeedError")<{
  readonly file: string
  readonly line?: number | undefined
  readonly field?: string | undefined
  readonly reason: string
}> {
  override get message() {
    const at = this.line === undefined ? "" : `:${this.line}`
    const field = this.field === undefined ? "" : ` (field ${this.field})`
    return `${this.file}${at}${field}: ${this.reason}`
  }
}

/**
 * The output directory or a record in it cannot be read or written.
 *
 * @since 0.1.0 @category errors
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly file: string
  readonly line?: number | undefined
  readonly reason: string
}> {
  override get message() {
    return `${this.file}${this.line === undefined ? "" : `:${this.line}`}: ${this.reason}`
  }
}

/**
 * Bad options for a backend, generator or run (names the option).
 *
 * @since 0.1.0 @category errors
 */
export class OptionError extends Data.TaggedError("OptionError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message() {
    return `${this.option}: ${this.reason}`
  }
}
