/**
 * What sampling, generation and serving need from a model: its vocabulary size, its context length
 * and sessions that hold a KV cache. The trained transformer implements it (`loadForInference`);
 * so can any other next-token predictor (a lookup table in tests, a remote backend).
 *
 * ```ts
 * const session = model.session()
 * let logits = session.feed(promptIds) // logits for the token after the prompt
 * logits = session.feed([nextId])       // and after one more token
 * ```
 *
 * @since 0.1.0
 */

/**
 * A next-token predictor over `vocabSize` ids, attending to at most `contextLength` tokens.
 *
 * @since 0.1.0 @category models
 */
export interface LanguageModel {
  /** Number of logits per position (the tokenizer's ids are below it). */
  readonly vocabSize: number
  /** Most tokens a session can hold. */
  readonly contextLength: number
  /** A generation session with an empty KV cache. */
  session(): GenerationSession
}

/**
 * One sequence being generated: the tokens fed so far live in the session's KV cache.
 *
 * @since 0.1.0 @category models
 */
export interface GenerationSession {
  /** Appends tokens (the prompt, then each sampled token) to the KV cache and returns the logits for the next token (a view valid until the next call). */
  feed(tokens: ArrayLike<number>): Float32Array
  /** Tokens in the cache so far. */
  readonly length: number
}
