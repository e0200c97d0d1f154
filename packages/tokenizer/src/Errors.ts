/**
 * Typed errors of the tokenizer package. Each names the file and, where it applies, the position
 * (JSON path, line) of the problem. Only `effect/Data` is imported (a handful of small modules, not
 * the Effect runtime), so the pure modules that throw these errors stay light.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/** A tokenizer.json that cannot be read or parsed, or holds an invalid field. @since 0.1.0 @category errors */
export class TokenizerFileError extends Data.TaggedError("TokenizerFileError")<{
  readonly file: string
  /** JSON path of the offending field (`model.merges[12]`), or a parse position. */
  readonly position?: string | undefined
  readonly reason: string
}> {
  override get message() {
    return `invalid tokenizer file ${this.file}${this.position ? ` at ${this.position}` : ""}: ${this.reason}`
  }
}

/**
 * A tokenizer.json that is valid but uses a part this encoder does not implement (a normalizer, a
 * non-BPE model, BPE dropout, a pre-tokenizer other than Sequence/Digits/Split/ByteLevel, ...).
 *
 * @since 0.1.0 @category errors
 */
export class UnsupportedTokenizer extends Data.TaggedError("UnsupportedTokenizer")<{
  readonly file: string
  readonly position: string
  readonly feature: string
}> {
  override get message() {
    return `unsupported tokenizer ${this.file} at ${this.position}: ${this.feature} (only byte-level BPE is supported)`
  }
}

/** Invalid training options (vocab size smaller than the alphabet, unknown preset, ...). @since 0.1.0 @category errors */
export class TrainOptionsError extends Data.TaggedError("TrainOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message() {
    return `invalid training option ${this.option}: ${this.reason}`
  }
}

/** Reading a training or statistics input failed (names the file). @since 0.1.0 @category errors */
export class TokenizerInputError extends Data.TaggedError("TokenizerInputError")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `cannot read ${this.file}: ${this.reason}`
  }
}
