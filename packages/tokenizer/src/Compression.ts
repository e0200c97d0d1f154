/**
 * How well a tokenizer compresses a corpus: bytes per token (UTF-8), characters per token (code
 * points, as BigCode's notebook counts them), total tokens, and bytes the vocabulary has no token
 * for (always 0 for tokenizers this package trains).
 *
 * ```ts
 * const acc = Compression.empty()
 * Compression.add(acc, tokenizer, "def f(x):\n    return x\n")
 * Compression.summary(acc).bytesPerToken
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { Tokenizer } from "./Tokenizer.ts"

/** @since 0.1.0 @category models */
export interface Accumulator {
  documents: number
  bytes: number
  characters: number
  tokens: number
  unknownBytes: number
}

/** @since 0.1.0 @category models */
export interface Summary extends Accumulator {
  readonly bytesPerToken: number
  readonly charsPerToken: number
}

/** @since 0.1.0 @category constructors */
export const empty = (): Accumulator => ({ documents: 0, bytes: 0, characters: 0, tokens: 0, unknownBytes: 0 })

const codePoints = (text: string): number => {
  let n = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/**
 * Add one document (special tokens written in it are plain text here).
 *
 * @since 0.1.0 @category utils
 */
export const add = (acc: Accumulator, tokenizer: Tokenizer, text: string): void => {
  const before = tokenizer.unknownBytes
  acc.tokens += tokenizer.count(text, { special: false })
  acc.unknownBytes += tokenizer.unknownBytes - before
  acc.documents++
  acc.bytes += Buffer.byteLength(text, "utf8")
  acc.characters += codePoints(text)
}

/** @since 0.1.0 @category utils */
export const summary = (acc: Accumulator): Summary => ({
  ...acc,
  bytesPerToken: acc.tokens === 0 ? 0 : acc.bytes / acc.tokens,
  charsPerToken: acc.tokens === 0 ? 0 : acc.characters / acc.tokens
})

/**
 * Measure a tokenizer over a stream of document texts.
 *
 * @since 0.1.0 @category utils
 */
export const measure = <E, R>(tokenizer: Tokenizer, texts: Stream.Stream<string, E, R>): Effect.Effect<Summary, E, R> =>
  Effect.suspend(() => {
    const acc = empty()
    return Stream.runForEach(texts, (t) => Effect.sync(() => add(acc, tokenizer, t))).pipe(Effect.map(() => summary(acc)))
  })
