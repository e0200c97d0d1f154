/**
 * Typed errors of the dedup package; each names the file and position it is about.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** Options that cannot work together (threshold out of range, bands x rows above numPerm, ...). @since 0.1.0 */
export class DedupOptionsError extends Data.TaggedError("DedupOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message() {
    return `invalid option ${this.option}: ${this.reason}`
  }
}

/** A file the run would write exists already and was not written by it. @since 0.1.0 */
export class OutputExists extends Data.TaggedError("OutputExists")<{
  readonly file: string
}> {
  override get message() {
    return `${this.file} exists already; remove it or pass --force`
  }
}

/** A spill, edge or index file that fails its checks (truncated, bad checksum, unsorted records). @since 0.1.0 */
export class CorruptFile extends Data.TaggedError("CorruptFile")<{
  readonly file: string
  /** Byte offset or record number where the problem was found. */
  readonly position: string
  readonly reason: string
}> {
  override get message() {
    return `corrupt file ${this.file} at ${this.position}: ${this.reason}`
  }
}

/** Reading or writing one of this package's files failed. @since 0.1.0 */
export class DedupIOError extends Data.TaggedError("DedupIOError")<{
  readonly file: string
  readonly cause: unknown
}> {
  override get message() {
    return `cannot access ${this.file}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}
