/**
 * Loading a tokenizer.json as an Effect. `Tokenizer` itself is plain synchronous TypeScript
 * (`Tokenizer.fromFileSync`, `Tokenizer.fromString`), so that the encoder, the trainer and the
 * worker threads load without the Effect runtime; this module is the Effect edge.
 *
 * ```ts
 * const tokenizer = yield* TokenizerFile.load("tokenizer.json")
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { TokenizerFileError, UnsupportedTokenizer } from "./Errors.ts"
import { Tokenizer } from "./Tokenizer.ts"

/**
 * Read a tokenizer.json file; fails with {@link TokenizerFileError} or {@link UnsupportedTokenizer}.
 *
 * @since 0.1.0 @category constructors
 */
export const load = (file: string): Effect.Effect<Tokenizer, TokenizerFileError | UnsupportedTokenizer> =>
  Effect.try({
    try: () => Tokenizer.fromFileSync(file),
    catch: (e) => e instanceof TokenizerFileError || e instanceof UnsupportedTokenizer ? e : new TokenizerFileError({ file, reason: String(e) })
  })
