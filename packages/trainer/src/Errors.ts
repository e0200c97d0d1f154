/**
 * Typed errors of the trainer: bad configuration, data, checkpoints; each names the file and the
 * position (field, tensor, line) at fault.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** @since 0.1.0 @category errors */
export class TrainerError extends Data.TaggedError("TrainerError")<{
  readonly file: string
  readonly position?: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    return `${this.file}${this.position === undefined ? "" : ` (${this.position})`}: ${this.reason}`
  }
}
