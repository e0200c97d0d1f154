/**
 * The OpenAI-compatible HTTP backend: llama.cpp's server, Ollama, vLLM, TGI, LM Studio and
 * `pretrain serve` all answer `POST {baseUrl}/chat/completions`. Built on `fetch`, with a timeout
 * per attempt, retries with jittered exponential backoff on transient failures (connection errors,
 * timeouts, 408/409/429/5xx), a concurrency bound, an optional requests-per-second limit, and
 * streaming (server-sent events).
 *
 * Structured output goes out as OpenAI's `response_format: { type: "json_schema", json_schema }`
 * (which vLLM, llama.cpp's server, Ollama and LM Studio honour). With `structured: "auto"` (the
 * default) a server that answers 400 naming `response_format` is asked again without it, and from
 * then on only the prompt asks for JSON; the output is validated either way (`Structured`).
 *
 * ```ts
 * const program = Llm.complete({ messages: [{ role: "user", content: "hi" }], maxTokens: 16 })
 * await Effect.runPromise(program.pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: "http://127.0.0.1:8080/v1" }))))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schedule, Stream } from "effect"
import { LlmError, OptionError } from "./Errors.ts"
import { limiter } from "./internal/limits.ts"
import { sseData } from "./internal/sse.ts"
import { type Backend, type Completion, Llm, type Request } from "./Llm.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** The API base, ending in `/v1` (`http://127.0.0.1:8000/v1`). */
  readonly baseUrl: string
  /** Model id sent as `model` (default: the first of `GET /models`). */
  readonly model?: string | undefined
  /** Sent as a bearer token (default: none). */
  readonly apiKey?: string | undefined
  /** Milliseconds one attempt may take (default 120 000). */
  readonly timeoutMs?: number | undefined
  /** Retries after a transient failure (default 3). */
  readonly retries?: number | undefined
  /** First backoff delay in milliseconds, doubled per retry, jittered (default 250). */
  readonly backoffMs?: number | undefined
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number | undefined
  /** Most requests started per second (default: unlimited). */
  readonly requestsPerSecond?: number | undefined
  /** How to ask for JSON: `response_format`, `none` (prompt only), `auto` (default; see the module doc). */
  readonly structured?: "response_format" | "none" | "auto" | undefined
  /** Extra fields merged into every request body (`{ top_k: 40 }`, `{ grammar: "…" }` for llama.cpp). */
  readonly extraBody?: Record<string, unknown> | undefined
  /** A `fetch` of your own (default: the global one). */
  readonly fetch?: typeof fetch | undefined
}

/** Statuses worth retrying. */
const RETRY_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504])

/**
 * The chat-completions request body for a request.
 *
 * @since 0.1.0 @category mapping
 */
export const chatBody = (request: Request, model: string, options: { readonly stream: boolean; readonly responseFormat: boolean }): Record<string, unknown> => {
  const body: Record<string, unknown> = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    stream: options.stream
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.seed !== undefined) body.seed = request.seed
  if (request.stop !== undefined && request.stop.length > 0) body.stop = [...request.stop]
  if (options.responseFormat && request.json !== undefined) {
    body.response_format = { type: "json_schema", json_schema: { name: request.json.name, schema: request.json.schema, strict: true } }
  }
  return body
}

interface ErrorJson {
  readonly error?: { readonly message?: string; readonly param?: string | null; readonly code?: string | null }
}

const httpError = (backend: string, status: number, text: string): LlmError => {
  let message = text.slice(0, 500)
  let param: string | undefined
  try {
    const json = JSON.parse(text) as ErrorJson
    if (json.error?.message !== undefined) message = json.error.message
    if (typeof json.error?.param === "string") param = json.error.param
  } catch {
    // not JSON: keep the text
  }
  return new LlmError({ backend, reason: message, status, param, retryable: RETRY_STATUSES.has(status) })
}

const transportError = (backend: string) => (cause: unknown): LlmError =>
  cause instanceof LlmError
    ? cause
    : new LlmError({ backend, reason: `request failed: ${cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message) : String(cause)}`, retryable: true })

const isRecord = (u: unknown): u is Record<string, any> => typeof u === "object" && u !== null

/**
 * A backend for an OpenAI-compatible server (checks the options; asks `GET /models` for the model
 * id when none is given).
 *
 * @since 0.1.0 @category constructors
 */
export const make = Effect.fn("OpenAiCompatible.make")(function*(options: Options) {
  const base = options.baseUrl.replace(/\/+$/, "")
  if (!/^https?:\/\//.test(base)) return yield* Effect.fail(new OptionError({ option: "baseUrl", reason: `must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}` }))
  const name = `openai-compatible ${base}`
  const doFetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 120_000
  const retries = options.retries ?? 3
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`
  const guard = limiter(options.concurrency ?? 4, options.requestsPerSecond)
  let responseFormat = (options.structured ?? "auto") !== "none"
  const fallBack = options.structured === undefined || options.structured === "auto"

  /** One attempt: POST, check the status, hand the response to `read`. */
  const attempt = <A>(path: string, body: unknown, read: (res: Response) => Promise<A>): Effect.Effect<A, LlmError> =>
    Effect.tryPromise({
      try: async (signal) => {
        const res = await doFetch(`${base}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers,
          body: body === undefined ? null : JSON.stringify(body),
          signal
        })
        if (!res.ok) throw httpError(name, res.status, await res.text())
        return read(res)
      },
      catch: transportError(name)
    }).pipe(
      Effect.timeoutOrElse({
        duration: timeoutMs,
        orElse: () => Effect.fail(new LlmError({ backend: name, reason: `no answer within ${timeoutMs} ms`, retryable: true }))
      })
    )

  const withRetries = <A>(effect: Effect.Effect<A, LlmError>): Effect.Effect<A, LlmError> =>
    Effect.retry(guard(effect), {
      schedule: Schedule.exponential(options.backoffMs ?? 250).pipe(Schedule.jittered),
      times: retries,
      while: (e: LlmError) => e.retryable
    })

  const model = options.model ?? (yield* withRetries(attempt("/models", undefined, async (res) => {
    const json = await res.json() as { data?: Array<{ id?: string }> }
    const id = json.data?.[0]?.id
    if (typeof id !== "string") throw new LlmError({ backend: name, reason: "GET /models listed no model; pass a model id", retryable: false })
    return id
  })))

  /** Sends with `response_format` when on; on a 400 naming it (auto mode), turns it off and resends. */
  const send = <A>(request: Request, stream: boolean, read: (res: Response) => Promise<A>): Effect.Effect<A, LlmError> => {
    const once = Effect.suspend(() => attempt("/chat/completions", { ...chatBody(request, model, { stream, responseFormat }), ...options.extraBody }, read))
    const sent = withRetries(once)
    if (!fallBack || request.json === undefined) return sent
    return Effect.catchIf(
      sent,
      (e) => e.status === 400 && (e.param === "response_format" || /response_format/.test(e.reason)),
      () =>
        Effect.suspend(() => {
          responseFormat = false
          return withRetries(once)
        })
    )
  }

  const readCompletion = async (res: Response): Promise<Completion> => {
    const json: unknown = await res.json()
    const choice = isRecord(json) && Array.isArray(json.choices) ? json.choices[0] : undefined
    const content = isRecord(choice) && isRecord(choice.message) ? choice.message.content : undefined
    if (typeof content !== "string") throw new LlmError({ backend: name, reason: "answer has no choices[0].message.content", retryable: false })
    const usage = isRecord(json) && isRecord(json.usage) ? json.usage : {}
    return {
      text: content,
      finishReason: String(choice.finish_reason ?? "stop"),
      model: typeof (json as any).model === "string" ? (json as any).model : model,
      promptTokens: typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : undefined,
      completionTokens: typeof usage.completion_tokens === "number" ? usage.completion_tokens : undefined
    }
  }

  const backend: Backend = {
    name,
    model,
    get constrainsJson() {
      return responseFormat
    },
    complete: (request) => send(request, false, readCompletion),
    stream: (request) =>
      Stream.unwrap(Effect.map(send(request, true, async (res) => res), (res) => {
        if (res.body === null) return Stream.fail(new LlmError({ backend: name, reason: "streamed answer has no body", retryable: false }))
        const deltas = async function*() {
          for await (const data of sseData(res.body as unknown as AsyncIterable<Uint8Array>)) {
            const json: unknown = JSON.parse(data)
            if (isRecord(json) && isRecord(json.error)) throw new LlmError({ backend: name, reason: String(json.error.message ?? "error event"), retryable: false })
            const choice = isRecord(json) && Array.isArray(json.choices) ? json.choices[0] : undefined
            const delta = isRecord(choice) && isRecord(choice.delta) ? choice.delta.content : undefined
            if (typeof delta === "string" && delta !== "") yield delta
          }
        }
        return Stream.fromAsyncIterable(deltas(), transportError(name))
      }))
  }
  return backend
})

/**
 * The {@link Llm} service over an OpenAI-compatible server.
 *
 * @since 0.1.0 @category layers
 */
export const layer = (options: Options): Layer.Layer<Llm, LlmError | OptionError> => Layer.effect(Llm, make(options))
