/**
 * The LLM backend service: one interface — chat messages in, text out — with a layer per backend
 * (`OpenAiCompatible`, `InHouse`, `WebLlm`, `LlamaCpp`). Generators depend only on {@link Llm}.
 *
 * ```ts
 * const text = yield* Llm.complete({ messages: [{ role: "user", content: "Write a haiku" }], maxTokens: 64 })
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Stream } from "effect"
import type { LlmError } from "./Errors.ts"

/** @since 0.1.0 @category models */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

/**
 * A JSON Schema the output must follow. Backends that can constrain decoding use it (OpenAI
 * `response_format`, a llama.cpp grammar, web-llm's XGrammar); the output is validated either way.
 *
 * @since 0.1.0 @category models
 */
export interface JsonSchemaFormat {
  readonly name: string
  readonly schema: Record<string, unknown>
}

/** @since 0.1.0 @category models */
export interface Sampling {
  readonly maxTokens?: number | undefined
  readonly temperature?: number | undefined
  readonly topP?: number | undefined
  readonly seed?: number | undefined
  readonly stop?: ReadonlyArray<string> | undefined
}

/** @since 0.1.0 @category models */
export interface Request extends Sampling {
  readonly messages: ReadonlyArray<ChatMessage>
  readonly json?: JsonSchemaFormat | undefined
}

/** @since 0.1.0 @category models */
export interface Completion {
  readonly text: string
  readonly finishReason: string
  /** The model that answered (as the backend names it). */
  readonly model: string
  readonly promptTokens?: number | undefined
  readonly completionTokens?: number | undefined
}

/** @since 0.1.0 @category models */
export interface Backend {
  /** Backend kind and address, recorded in provenance (`openai-compatible http://…/v1`). */
  readonly name: string
  /** The model id recorded in provenance. */
  readonly model: string
  /** Whether the backend constrains decoding to a JSON schema. */
  readonly constrainsJson: boolean
  readonly complete: (request: Request) => Effect.Effect<Completion, LlmError>
  /** Text deltas as they are generated. */
  readonly stream: (request: Request) => Stream.Stream<string, LlmError>
}

/**
 * The backend service.
 *
 * @since 0.1.0 @category services
 */
export class Llm extends Context.Service<Llm, Backend>()("@pretrain/synthetic/Llm") {}

/**
 * One completion from the current backend.
 *
 * @since 0.1.0 @category accessors
 */
export const complete = (request: Request): Effect.Effect<Completion, LlmError, Llm> =>
  Effect.flatMap(Effect.service(Llm), (llm) => llm.complete(request))

/**
 * The text deltas of one completion from the current backend.
 *
 * @since 0.1.0 @category accessors
 */
export const stream = (request: Request): Stream.Stream<string, LlmError, Llm> =>
  Stream.unwrap(Effect.map(Effect.service(Llm), (llm) => llm.stream(request)))
