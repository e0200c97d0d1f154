/**
 * Typed errors of the dataflow package. Each names the file and, where it applies, the position
 * (row group, line) and field.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** An input path (file, directory or glob) that does not exist or matches nothing. @since 0.1.0 */
export class InputNotFound extends Data.TaggedError("InputNotFound")<{
  readonly path: string
}> {
  override get message() {
    return `input not found: ${this.path}`
  }
}

/** A Parquet file that cannot be decoded (truncated, corrupt, unsupported). @since 0.1.0 */
export class ParquetReadError extends Data.TaggedError("ParquetReadError")<{
  readonly file: string
  readonly rowGroup?: number | undefined
  readonly column?: string | undefined
  readonly cause: unknown
}> {
  override get message() {
    const where = [
      this.rowGroup === undefined ? undefined : `row group ${this.rowGroup}`,
      this.column === undefined ? undefined : `column ${this.column}`
    ].filter((x) => x !== undefined).join(", ")
    return `cannot read Parquet file ${this.file}${where ? ` (${where})` : ""}: ${describe(this.cause)}`
  }
}

/** An input file of another format that cannot be decoded as a whole (Arrow IPC, compressed JSONL). @since 0.1.0 */
export class InputReadError extends Data.TaggedError("InputReadError")<{
  readonly file: string
  readonly position?: string | undefined
  readonly cause: unknown
}> {
  override get message() {
    return `cannot read ${this.file}${this.position ? ` at ${this.position}` : ""}: ${describe(this.cause)}`
  }
}

/** Writing an output failed. @since 0.1.0 */
export class OutputWriteError extends Data.TaggedError("OutputWriteError")<{
  readonly file: string
  readonly cause: unknown
}> {
  override get message() {
    return `cannot write ${this.file}: ${describe(this.cause)}`
  }
}

/** The output directory holds files this project did not write: nothing is overwritten. @since 0.1.0 */
export class OutputNotEmpty extends Data.TaggedError("OutputNotEmpty")<{
  readonly dir: string
  readonly foreign: ReadonlyArray<string>
}> {
  override get message() {
    const shown = this.foreign.slice(0, 5).join(", ")
    return `output directory ${this.dir} holds files that were not written by this pipeline (${shown}${
      this.foreign.length > 5 ? ", ..." : ""
    }); choose an empty directory or remove them`
  }
}

/** A pipeline module that cannot be loaded or does not export a pipeline. @since 0.1.0 */
export class PipelineDefinitionError extends Data.TaggedError("PipelineDefinitionError")<{
  readonly module: string
  readonly reason: string
}> {
  override get message() {
    return `pipeline ${this.module}: ${this.reason}`
  }
}

/** One or more tasks of a stage failed; completed tasks keep their outputs and a rerun resumes. @since 0.1.0 */
export class StageFailed extends Data.TaggedError("StageFailed")<{
  readonly stage: string
  readonly failures: ReadonlyArray<{ readonly task: number; readonly message: string }>
}> {
  override get message() {
    const first = this.failures[0]
    return `stage ${this.stage}: ${this.failures.length} task(s) failed; task ${first?.task}: ${first?.message}` +
      `\nrerun the same command to resume: completed tasks are skipped`
  }
}

/** Turn an unknown cause into one readable line. @since 0.1.0 */
export const describe = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : JSON.stringify(cause)
