/**
 * A formatted training example as a list of parts: plain text, or a special (sentinel) token.
 * Keeping sentinels apart from text means a file whose content contains the literal string
 * `<file_sep>` is encoded as text, never as the sentinel, and FIM can be undone unambiguously.
 *
 * ```ts
 * const parts = [Example.special("<repo_name>"), "acme/app", Example.special("<file_sep>"), "a.py\nx = 1\n"]
 * Example.render(parts)         // "<repo_name>acme/app<file_sep>a.py\nx = 1\n"
 * const encoder = Example.encoder(tokenizer, "tokenizer.json")
 * encoder.decode(encoder.encode(parts))  // the same text
 * ```
 *
 * @since 0.1.0
 */
import type { Tokenizer } from "@pretrain/tokenizer"
import { MissingSpecialToken } from "./Errors.ts"
import { U32Buffer } from "./internal/buffer.ts"

/** A special token in an example. @since 0.1.0 @category models */
export interface Special {
  readonly _tag: "Special"
  readonly token: string
}

/** Text or a special token. @since 0.1.0 @category models */
export type Part = string | Special

const specials = new Map<string, Special>()

/**
 * The (shared) part for a special token.
 *
 * @since 0.1.0 @category constructors
 */
export const special = (token: string): Special => {
  let s = specials.get(token)
  if (s === undefined) {
    s = { _tag: "Special", token }
    specials.set(token, s)
  }
  return s
}

/** @since 0.1.0 @category guards */
export const isSpecial = (part: Part): part is Special => typeof part !== "string"

/**
 * The example as one string, special tokens written as their text.
 *
 * @since 0.1.0 @category utils
 */
export const render = (parts: ReadonlyArray<Part>): string => {
  let out = ""
  for (const p of parts) out += typeof p === "string" ? p : p.token
  return out
}

/**
 * Ids of the special tokens `tokens` in `tokenizer`, or {@link MissingSpecialToken} (thrown) naming
 * every missing one.
 *
 * @since 0.1.0 @category utils
 */
export const requireTokens = (
  tokenizer: Tokenizer,
  file: string,
  tokens: ReadonlyArray<string>,
  neededFor: string
): Map<string, number> => {
  const ids = new Map<string, number>()
  const missing: Array<string> = []
  for (const t of tokens) {
    const id = tokenizer.tokenToId(t)
    if (id === undefined) missing.push(t)
    else ids.set(t, id)
  }
  if (missing.length > 0) throw new MissingSpecialToken({ file, tokens: missing, neededFor })
  return ids
}

/**
 * Encodes examples: text parts with the tokenizer (special-token strings in text stay text), special
 * parts as their ids. Decoding ids gives back the rendered example.
 *
 * @since 0.1.0 @category models
 */
export class Encoder {
  private readonly ids = new Map<string, number>()
  private readonly tokenOf = new Map<number, string>()
  readonly tokenizer: Tokenizer
  readonly file: string
  constructor(tokenizer: Tokenizer, file: string) {
    this.tokenizer = tokenizer
    this.file = file
  }

  /** The id of a special token (checked once, cached); throws {@link MissingSpecialToken}. */
  idOf(token: string, neededFor = "this example"): number {
    let id = this.ids.get(token)
    if (id === undefined) {
      id = requireTokens(this.tokenizer, this.file, [token], neededFor).get(token)!
      this.ids.set(token, id)
      this.tokenOf.set(id, token)
    }
    return id
  }

  /** Check that every token exists, up front (throws {@link MissingSpecialToken} naming all missing). */
  require(tokens: ReadonlyArray<string>, neededFor: string): void {
    const found = requireTokens(this.tokenizer, this.file, tokens, neededFor)
    for (const [t, id] of found) {
      this.ids.set(t, id)
      this.tokenOf.set(id, t)
    }
  }

  /** Append the ids of `parts` to `out`; returns the number of ids appended. */
  encodeInto(parts: ReadonlyArray<Part>, out: U32Buffer): number {
    const start = out.length
    for (const p of parts) {
      if (typeof p === "string") {
        if (p.length > 0) out.append(this.tokenizer.encode(p, { special: false }))
      } else out.push(this.idOf(p.token))
    }
    return out.length - start
  }

  /** The ids of `parts`. */
  encode(parts: ReadonlyArray<Part>): Uint32Array {
    const out = new U32Buffer(256)
    this.encodeInto(parts, out)
    return out.view().slice()
  }

  /** The text of `ids` (special tokens as their text). */
  decode(ids: ArrayLike<number>): string {
    return this.tokenizer.decode(ids)
  }

  /**
   * Split ids back into parts: every id of a special token this encoder has used becomes a
   * {@link Special}, runs of other ids are decoded to text.
   */
  toParts(ids: ArrayLike<number>): Array<Part> {
    const parts: Array<Part> = []
    let start = 0
    const flush = (end: number) => {
      if (end > start) parts.push(this.tokenizer.decode(Array.prototype.slice.call(ids, start, end) as Array<number>))
    }
    for (let i = 0; i < ids.length; i++) {
      const token = this.tokenOf.get(ids[i]!)
      if (token === undefined) continue
      flush(i)
      parts.push(special(token))
      start = i + 1
    }
    flush(ids.length)
    return parts
  }
}

/**
 * An {@link Encoder} for `tokenizer` (`file` is named in errors).
 *
 * @since 0.1.0 @category constructors
 */
export const encoder = (tokenizer: Tokenizer, file = "<tokenizer>"): Encoder => new Encoder(tokenizer, file)
