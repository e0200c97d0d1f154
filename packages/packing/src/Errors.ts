/**
 * Typed errors of the packing package. Each names the file (and position) it is about.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * The tokenizer lacks a special token the chosen layout, FIM or padding needs.
 *
 * @since 0.1.0 @category errors
 */
export class MissingSpecialToken extends Data.TaggedError("MissingSpecialToken")<{
  /** The tokenizer file. */
  readonly file: string
  /** The tokens that are missing. */
  readonly tokens: ReadonlyArray<string>
  /** What needs them (`layout starcoder2`, `FIM`, `padding`). */
  readonly neededFor: string
}> {
  override get message(): string {
    return `${this.file}: the tokenizer has no ${this.tokens.join(", ")} token${this.tokens.length > 1 ? "s" : ""} (needed for ${this.neededFor}); ` +
      `use a tokenizer trained with them (the starcoder2 special preset has StarCoder2's and the FIM tokens, starcoder has StarCoder1's) or another layout`
  }
}

/**
 * An option is out of range or inconsistent.
 *
 * @since 0.1.0 @category errors
 */
export class PackOptionsError extends Data.TaggedError("PackOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `invalid option ${this.option}: ${this.reason}`
  }
}

/**
 * A token dataset file (Megatron `.bin`/`.idx`, a Parquet part, an intermediate partition) is
 * missing, truncated or malformed.
 *
 * @since 0.1.0 @category errors
 */
export class TokenDatasetError extends Data.TaggedError("TokenDatasetError")<{
  readonly file: string
  /** Where in the file: a byte offset, a line, a sequence index or a field. */
  readonly position?: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    return `${this.file}${this.position === undefined ? "" : ` (${this.position})`}: ${this.reason}`
  }
}

/**
 * The output directory holds a packed dataset (complete, `pack.json`, or interrupted,
 * `work/settings.json`) made with another tokenizer or other options than the run asks for, so
 * its token ids or sequences are not what this run would write.
 *
 * @since 0.1.0 @category errors
 */
export class SettingsChanged extends Data.TaggedError("SettingsChanged")<{
  /** The record the output was compared with: `<out>/pack.json` or `<out>/work/settings.json`. */
  readonly file: string
  /** Each differing setting: its name, the recorded value and the requested one. */
  readonly differences: ReadonlyArray<{ readonly setting: string; readonly recorded: string; readonly requested: string }>
}> {
  /** The differences as one line: `tokenizer sha256 1a2b… (a.json) → sha256 3c4d… (a.json), seqLen 512 → 256`. */
  get changes(): string {
    return this.differences.map((d) => `${d.setting} ${d.recorded} → ${d.requested}`).join(", ")
  }

  override get message(): string {
    return `${this.file}: the output was packed with other settings (${this.changes}); ` +
      `rerun with force (--force) to redo it, or with ifChanged "redo" (--if-changed redo) to redo it whenever the settings change`
  }
}
