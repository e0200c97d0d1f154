/**
 * Text generation over a {@link LanguageModel} and a byte-level BPE `Tokenizer`: encode the prompt
 * (plain text, token ids, or a fill-in-the-middle pair), sample token after token, and stop at a
 * special token, at a stop sequence, after `maxTokens` or when the context is full.
 *
 * ```ts
 * const out = Generate.generate(model, tokenizer, "def add(a, b):\n", { maxTokens: 64, temperature: 0, stop: ["\ndef "] })
 * out.text          // the completion, without the stop sequence
 * out.finishReason  // "stop" | "length"
 *
 * for await (const delta of Generate.start(model, tokenizer, { prefix: "def f(", suffix: "\n    return y\n" })) {
 *   process.stdout.write(delta)
 * }
 * ```
 *
 * - **Stop sequences** match the decoded text, across token boundaries; the text from the stop on is
 *   not returned. While streaming, a tail that could still become a stop sequence is held back until
 *   it can no longer match.
 * - **Streaming** yields text deltas that never split a UTF-8 character: bytes of an incomplete
 *   character wait for the token that completes them.
 * - **Special tokens** (every added token marked special, `<|endoftext|>` among them) end generation
 *   with finish reason `stop`, unless `stopTokens` says otherwise.
 * - **Padded vocabularies**: ids at or above the tokenizer's vocabulary size are never sampled.
 * - **Context**: a prompt must leave room for one token (else {@link GenerationError}
 *   `context_length_exceeded`, or with `truncate` the prompt is cut); `maxTokens` is cut to what the
 *   context has left, and reaching it ends with finish reason `length`.
 * - **FIM** prompts `{ prefix, suffix }` become `<fim_prefix>prefix<fim_suffix>suffix<fim_middle>`
 *   (StarCoder's prefix-suffix-middle order); the completion is the middle.
 *
 * @since 0.1.0
 */
import { Data, Effect, Stream } from "effect"
import type { Tokenizer } from "@pretrain/tokenizer"
import type { LanguageModel } from "./LanguageModel.ts"
import { Sampler, SamplerOptionsError, type SamplerOptions } from "./Sampler.ts"

/**
 * A fill-in-the-middle request: generate the text between `prefix` and `suffix`.
 *
 * @since 0.1.0 @category models
 */
export interface FimPrompt {
  readonly prefix: string
  readonly suffix: string
}

/**
 * Text (special tokens written in it are recognised, as `Tokenizer.encode` does), token ids, or FIM.
 *
 * @since 0.1.0 @category models
 */
export type Prompt = string | ArrayLike<number> | FimPrompt

/** @since 0.1.0 @category models */
export interface GenerateOptions extends SamplerOptions {
  /** Most tokens to generate (default and upper bound: what the context has left after the prompt). */
  readonly maxTokens?: number | undefined
  /** Stop sequences on the decoded text (empty strings are ignored). */
  readonly stop?: string | ReadonlyArray<string> | undefined
  /** Token ids that end generation (default: every special token of the tokenizer). */
  readonly stopTokens?: ReadonlyArray<number> | undefined
  /**
   * Cut a prompt that is too long instead of failing (see {@link encodePrompt}), leaving room for
   * `maxTokens`, up to half the context (default `false`).
   */
  readonly truncate?: boolean | undefined
}

/**
 * Why generation ended: `stop` (a special token or a stop sequence), `length` (`maxTokens` or the
 * context length).
 *
 * @since 0.1.0 @category models
 */
export type FinishReason = "stop" | "length"

/** @since 0.1.0 @category models */
export interface Usage {
  readonly promptTokens: number
  /** Every token sampled, the one that ended generation included. */
  readonly completionTokens: number
  readonly totalTokens: number
}

/** @since 0.1.0 @category models */
export interface Completion {
  readonly text: string
  readonly finishReason: FinishReason
  readonly usage: Usage
  /** The sampled ids, in order. */
  readonly tokens: Uint32Array
}

/**
 * A prompt or option generation cannot run with. `code` is OpenAI's error code where one exists.
 *
 * @since 0.1.0 @category errors
 */
export class GenerationError extends Data.TaggedError("GenerationError")<{
  readonly code: "context_length_exceeded" | "fim_unsupported" | "invalid_prompt" | "invalid_option"
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}

/**
 * The model (or the tokenizer) threw while generating.
 *
 * @since 0.1.0 @category errors
 */
export class ModelFailure extends Data.TaggedError("ModelFailure")<{
  readonly reason: string
}> {
  override get message() {
    return `generation failed: ${this.reason}`
  }
}

/** The sentinel names for FIM, StarCoder's first, then SantaCoder's. */
const FIM_NAMES = [
  ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"],
  ["<fim-prefix>", "<fim-suffix>", "<fim-middle>"]
] as const

/**
 * The ids of the FIM sentinels `[prefix, suffix, middle]`, or `undefined` if the tokenizer lacks them.
 *
 * @since 0.1.0 @category utils
 */
export const fimTokens = (tokenizer: Tokenizer): readonly [number, number, number] | undefined => {
  for (const names of FIM_NAMES) {
    const ids = names.map((n) => tokenizer.tokenToId(n))
    if (ids.every((id) => id !== undefined)) return ids as unknown as readonly [number, number, number]
  }
  return undefined
}

/**
 * The token ids of a prompt, at most `budget` of them (default: all). An empty prompt becomes
 * `<|endoftext|>` (the model needs one token to predict from). Over the budget, a text or id
 * prompt keeps its last tokens; a FIM prompt keeps the end of the prefix and the start of the
 * suffix, each side getting at least half of the room when it needs it (the text next to the
 * cursor matters most). Throws {@link GenerationError} for ids out of the vocabulary and for FIM
 * with a tokenizer that has no FIM tokens.
 *
 * @since 0.1.0 @category utils
 */
export const encodePrompt = (tokenizer: Tokenizer, prompt: Prompt, vocabSize: number, budget = Infinity): Uint32Array => {
  let ids: Uint32Array
  if (typeof prompt === "string") ids = keepLast(tokenizer.encode(prompt), budget)
  else if (isFim(prompt)) {
    const fim = fimTokens(tokenizer)
    if (fim === undefined) {
      throw new GenerationError({ code: "fim_unsupported", reason: "the tokenizer has no <fim_prefix>, <fim_suffix> and <fim_middle> tokens" })
    }
    let prefix = tokenizer.encode(prompt.prefix)
    let suffix = tokenizer.encode(prompt.suffix)
    const room = Math.max(0, budget - 3)
    if (prefix.length + suffix.length > room) {
      const keepSuffix = Math.min(suffix.length, Math.max(Math.floor(room / 2), room - prefix.length))
      suffix = suffix.subarray(0, keepSuffix)
      prefix = keepLast(prefix, room - keepSuffix)
    }
    ids = new Uint32Array(prefix.length + suffix.length + 3)
    ids[0] = fim[0]
    ids.set(prefix, 1)
    ids[prefix.length + 1] = fim[1]
    ids.set(suffix, prefix.length + 2)
    ids[ids.length - 1] = fim[2]
  } else {
    ids = keepLast(Uint32Array.from(prompt), budget)
    for (let i = 0; i < prompt.length; i++) {
      const id = prompt[i]!
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
        throw new GenerationError({ code: "invalid_prompt", reason: `prompt token ${i} is ${id}, not an id below the vocabulary size ${vocabSize}` })
      }
    }
  }
  if (ids.length > 0) return ids
  const eos = tokenizer.tokenToId("<|endoftext|>")
  if (eos === undefined) throw new GenerationError({ code: "invalid_prompt", reason: "the prompt is empty and the tokenizer has no <|endoftext|> to start from" })
  return Uint32Array.of(eos)
}

const keepLast = (ids: Uint32Array, budget: number): Uint32Array => ids.length > budget ? ids.subarray(ids.length - Math.max(0, budget)) : ids

const isFim = (prompt: Prompt): prompt is FimPrompt =>
  typeof prompt === "object" && typeof (prompt as FimPrompt).prefix === "string" && typeof (prompt as FimPrompt).suffix === "string"

/** Per tokenizer, the bytes of each id, filled on first use. */
const tokenBytes = new WeakMap<Tokenizer, Array<Uint8Array | undefined>>()

const bytesOf = (tokenizer: Tokenizer, table: Array<Uint8Array | undefined>, id: number): Uint8Array => {
  let bytes = table[id]
  if (bytes === undefined) {
    bytes = tokenizer.decodeToBytes([id])
    table[id] = bytes
  }
  return bytes
}

/** Length of the longest suffix of `text[from..]` that is a proper prefix of one of `stops`. */
const heldBack = (text: string, from: number, stops: ReadonlyArray<string>): number => {
  let held = 0
  for (const stop of stops) {
    const most = Math.min(stop.length - 1, text.length - from)
    for (let k = most; k > held; k--) {
      let j = 0
      const start = text.length - k
      while (j < k && text.charCodeAt(start + j) === stop.charCodeAt(j)) j++
      if (j === k) {
        held = k
        break
      }
    }
  }
  return held
}

const STREAMING = { stream: true } as const

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * One generation, advanced a token at a time by {@link Generation.step}, or iterated (synchronously,
 * or asynchronously with a turn of the event loop between tokens) for its text deltas. After the
 * last delta, `finishReason`, `usage` and `text` describe the whole completion.
 *
 * @since 0.1.0 @category models
 */
export class Generation implements Iterable<string>, AsyncIterable<string> {
  readonly promptIds: Uint32Array
  readonly maxTokens: number
  private readonly tokenizer: Tokenizer
  private readonly model: LanguageModel
  private readonly sampler: Sampler
  /** Ids the tokenizer can decode and the model predicts. */
  private readonly candidates: number
  private readonly stops: ReadonlyArray<string>
  private readonly longestStop: number
  private readonly stopMask: Uint8Array
  private readonly bytes: Array<Uint8Array | undefined>
  private readonly utf8 = new TextDecoder("utf-8", { ignoreBOM: true })
  private readonly one = new Uint32Array(1)
  private readonly ids: Uint32Array
  private session: ReturnType<LanguageModel["session"]> | undefined = undefined
  private logits: Float32Array | undefined = undefined
  private count = 0
  private decoded = ""
  private emitted = 0
  private finish: FinishReason | undefined = undefined

  /** Throws {@link GenerationError} or `SamplerOptionsError` for a prompt or options it cannot run. */
  constructor(model: LanguageModel, tokenizer: Tokenizer, prompt: Prompt, options: GenerateOptions = {}) {
    this.model = model
    this.tokenizer = tokenizer
    this.sampler = new Sampler(model.vocabSize, options)
    this.candidates = Math.min(model.vocabSize, tokenizer.vocabSize)
    const max = options.maxTokens
    if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
      throw new GenerationError({ code: "invalid_option", reason: `maxTokens must be an integer >= 1, got ${max}` })
    }
    const context = model.contextLength
    const budget = options.truncate === true ? context - Math.max(1, Math.min(max ?? 1, Math.floor(context / 2))) : Infinity
    this.promptIds = encodePrompt(tokenizer, prompt, model.vocabSize, budget)
    const room = context - this.promptIds.length
    if (room < 1) {
      throw new GenerationError({
        code: "context_length_exceeded",
        reason: `the prompt has ${this.promptIds.length} tokens; the model's context holds ${model.contextLength}, and one more token must fit`
      })
    }
    this.maxTokens = Math.min(max ?? room, room)
    this.ids = new Uint32Array(this.maxTokens)
    const stop = options.stop === undefined ? [] : typeof options.stop === "string" ? [options.stop] : options.stop
    this.stops = stop.filter((s) => s.length > 0)
    this.longestStop = this.stops.reduce((m, s) => Math.max(m, s.length), 0)
    this.stopMask = new Uint8Array(Math.max(model.vocabSize, tokenizer.vocabSize))
    const stopTokens = options.stopTokens ?? tokenizer.addedTokens.filter((t) => t.special).map((t) => t.id)
    for (const id of stopTokens) if (id >= 0 && id < this.stopMask.length) this.stopMask[id] = 1
    let bytes = tokenBytes.get(tokenizer)
    if (bytes === undefined) {
      bytes = []
      tokenBytes.set(tokenizer, bytes)
    }
    this.bytes = bytes
  }

  /** True once generation has ended. */
  get done(): boolean {
    return this.finish !== undefined
  }

  /** Why generation ended (`undefined` while it runs). */
  get finishReason(): FinishReason | undefined {
    return this.finish
  }

  /** The completion text decided so far (all of it once done). */
  get text(): string {
    return this.finish === undefined ? this.decoded.slice(0, this.emitted) : this.decoded
  }

  /** The ids sampled so far. */
  get tokens(): Uint32Array {
    return this.ids.subarray(0, this.count)
  }

  /** Prompt and completion token counts so far. */
  get usage(): Usage {
    const promptTokens = this.promptIds.length
    return { promptTokens, completionTokens: this.count, totalTokens: promptTokens + this.count }
  }

  /**
   * Sample one token and return the text that became final with it (often `""`: an incomplete
   * character, a possible stop sequence, or a stop token). Returns `""` once done.
   */
  step(): string {
    if (this.finish !== undefined) return ""
    if (this.session === undefined) {
      this.session = this.model.session()
      this.logits = this.session.feed(this.promptIds)
    }
    const id = this.sampler.sample(this.logits!, this.candidates)
    this.ids[this.count++] = id
    if (this.stopMask[id] === 1) return this.end("stop")
    const delta = this.append(this.utf8.decode(bytesOf(this.tokenizer, this.bytes, id), STREAMING))
    if (this.finish !== undefined) return delta
    if (this.count >= this.maxTokens) return delta + this.end("length")
    this.one[0] = id
    this.logits = this.session.feed(this.one)
    return delta
  }

  /** Run to the end and return the whole completion. */
  complete(): Completion {
    while (this.finish === undefined) this.step()
    return { text: this.decoded, finishReason: this.finish, usage: this.usage, tokens: this.tokens }
  }

  *[Symbol.iterator](): Iterator<string> {
    while (this.finish === undefined) {
      const delta = this.step()
      if (delta.length > 0) yield delta
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    while (this.finish === undefined) {
      await nextTurn()
      const delta = this.step()
      if (delta.length > 0) yield delta
    }
  }

  /** Add decoded text; end at a stop sequence; return what can be released. */
  private append(piece: string): string {
    if (piece.length === 0) return ""
    if (this.stops.length === 0) {
      this.decoded += piece
      this.emitted = this.decoded.length
      return piece
    }
    const from = Math.max(this.emitted, this.decoded.length - this.longestStop + 1)
    this.decoded += piece
    let at = -1
    for (const stop of this.stops) {
      const i = this.decoded.indexOf(stop, from)
      if (i >= 0 && (at < 0 || i < at)) at = i
    }
    if (at >= 0) {
      this.decoded = this.decoded.slice(0, at)
      this.finish = "stop"
      return this.release(this.decoded.length)
    }
    return this.release(this.decoded.length - heldBack(this.decoded, this.emitted, this.stops))
  }

  private release(upTo: number): string {
    const delta = this.decoded.slice(this.emitted, upTo)
    this.emitted = upTo
    return delta
  }

  /** End generation: flush incomplete bytes (as U+FFFD) and held-back text. */
  private end(reason: FinishReason): string {
    const delta = this.append(this.utf8.decode())
    if (this.finish !== undefined) return delta
    this.finish = reason
    return delta + this.release(this.decoded.length)
  }
}

/**
 * A generation, ready to step or iterate. Throws {@link GenerationError} or `SamplerOptionsError`.
 *
 * @since 0.1.0 @category constructors
 */
export const start = (model: LanguageModel, tokenizer: Tokenizer, prompt: Prompt, options?: GenerateOptions): Generation =>
  new Generation(model, tokenizer, prompt, options)

/**
 * Generate a whole completion synchronously. Throws {@link GenerationError} or `SamplerOptionsError`.
 *
 * @since 0.1.0 @category running
 */
export const generate = (model: LanguageModel, tokenizer: Tokenizer, prompt: Prompt, options?: GenerateOptions): Completion =>
  new Generation(model, tokenizer, prompt, options).complete()

/**
 * The text deltas of a generation as an Effect `Stream` (the async iteration of {@link start}).
 *
 * ```ts
 * Generate.stream(model, tokenizer, "def add(a, b):\n", { maxTokens: 32 }).pipe(Stream.runForEach((delta) => Console.log(delta)))
 * ```
 *
 * @since 0.1.0 @category running
 */
export const stream = (
  model: LanguageModel,
  tokenizer: Tokenizer,
  prompt: Prompt,
  options?: GenerateOptions
): Stream.Stream<string, GenerationError | SamplerOptionsError | ModelFailure> =>
  Stream.unwrap(
    Effect.try({
      try: () => start(model, tokenizer, prompt, options),
      catch: (e) => e instanceof GenerationError || e instanceof SamplerOptionsError ? e : failure(e)
    }).pipe(Effect.map((generation) => Stream.fromAsyncIterable(generation, failure)))
  )

const failure = (cause: unknown): ModelFailure => new ModelFailure({ reason: cause instanceof Error ? cause.message : String(cause) })
