/**
 * The web-llm backend (`@mlc-ai/web-llm`, an optional peer dependency imported on first use): a
 * model compiled by MLC runs on WebGPU in the browser — in the page or in a web worker — and in
 * Node where a WebGPU implementation provides an adapter. Requests map onto web-llm's
 * OpenAI-style `engine.chat.completions.create`; a JSON schema goes out as
 * `response_format: { type: "json_object", schema }` (XGrammar-constrained decoding).
 *
 * ```ts
 * // In a page: the engine runs in a worker (see examples/web-llm/).
 * const engine = await webllm.CreateWebWorkerMLCEngine(new Worker(new URL("./worker.js", import.meta.url), { type: "module" }), "Qwen2.5-Coder-0.5B-Instruct-q4f16_1-MLC")
 * const layer = WebLlm.layer({ modelId: "Qwen2.5-Coder-0.5B-Instruct-q4f16_1-MLC", engine })
 * // Or let the layer create an in-page engine: WebLlm.layer({ modelId })
 * ```
 *
 * Without WebGPU the layer fails with {@link BackendUnavailable} before downloading anything.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Stream } from "effect"
import { BackendUnavailable, LlmError } from "./Errors.ts"
import { importOptional } from "./internal/optional.ts"
import { type Backend, type Completion, Llm, type Request } from "./Llm.ts"

/** The request web-llm's `chat.completions.create` takes (the fields used here). @since 0.1.0 @category models */
export interface WebLlmRequest {
  readonly messages: Array<{ role: string; content: string }>
  readonly stream: boolean
  readonly stream_options?: { include_usage: boolean }
  readonly max_tokens?: number
  readonly temperature?: number
  readonly top_p?: number
  readonly seed?: number
  readonly stop?: Array<string>
  readonly response_format?: { type: "json_object"; schema: string }
}

/** What web-llm answers: a completion, or chunks when streaming. @since 0.1.0 @category models */
export interface WebLlmResponse {
  readonly model?: string
  readonly choices: ReadonlyArray<{ readonly message?: { readonly content?: string | null }; readonly finish_reason?: string | null }>
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number }
}
/** @since 0.1.0 @category models */
export interface WebLlmChunk {
  readonly choices: ReadonlyArray<{ readonly delta?: { readonly content?: string | null } }>
}

/** The part of an `MLCEngineInterface` this backend uses. @since 0.1.0 @category models */
export interface WebLlmEngine {
  readonly chat: {
    readonly completions: {
      create(request: WebLlmRequest): Promise<WebLlmResponse | AsyncIterable<WebLlmChunk>>
    }
  }
}

/** The web-llm module's engine constructor. @since 0.1.0 @category models */
export interface WebLlmModule {
  CreateMLCEngine(modelId: string, config?: { initProgressCallback?: (report: { text: string }) => void; appConfig?: unknown }): Promise<WebLlmEngine>
}

/** Minimal WebGPU entry point. @since 0.1.0 @category models */
export interface GpuLike {
  requestAdapter(): Promise<unknown>
}

/** @since 0.1.0 @category models */
export interface Options {
  /** An MLC model id (`Qwen2.5-Coder-0.5B-Instruct-q4f16_1-MLC`, see web-llm's `prebuiltAppConfig`). */
  readonly modelId: string
  /** An engine made by the caller (`CreateWebWorkerMLCEngine`, a service-worker engine, ...). */
  readonly engine?: WebLlmEngine | undefined
  /** The WebGPU object (default `navigator.gpu`; in Node, e.g. `create([])` of the `webgpu` package). */
  readonly gpu?: GpuLike | undefined
  /** Passed to `CreateMLCEngine`. */
  readonly appConfig?: unknown
  readonly onProgress?: ((text: string) => void) | undefined
}

/**
 * web-llm's request for a request.
 *
 * @since 0.1.0 @category mapping
 */
export const toWebLlmRequest = (request: Request, stream: boolean): WebLlmRequest => ({
  messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
  ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
  ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  ...(request.topP === undefined ? {} : { top_p: request.topP }),
  ...(request.seed === undefined ? {} : { seed: request.seed }),
  ...(request.stop === undefined || request.stop.length === 0 ? {} : { stop: [...request.stop] }),
  ...(request.json === undefined ? {} : { response_format: { type: "json_object" as const, schema: JSON.stringify(request.json.schema) } })
})

const isIterable = (u: unknown): u is AsyncIterable<WebLlmChunk> => typeof u === "object" && u !== null && Symbol.asyncIterator in u

/** Fails unless a WebGPU adapter is there. */
const requireAdapter = (backend: string, gpu: GpuLike | undefined): Effect.Effect<void, BackendUnavailable> => {
  const found = gpu ?? (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu
  if (found === undefined) {
    const where = typeof process !== "undefined" && process.versions?.node !== undefined
      ? "Node has no navigator.gpu; pass `gpu` (e.g. create([]) from the `webgpu` package)"
      : "this browser has no navigator.gpu"
    return Effect.fail(new BackendUnavailable({ backend, reason: `WebGPU is not available: ${where}` }))
  }
  return Effect.tryPromise({
    try: () => found.requestAdapter(),
    catch: (e) => new BackendUnavailable({ backend, reason: `requestAdapter() failed: ${String(e)}` })
  }).pipe(Effect.flatMap((adapter) => adapter === null || adapter === undefined ? Effect.fail(new BackendUnavailable({ backend, reason: "WebGPU is not available: requestAdapter() returned null" })) : Effect.void))
}

/**
 * A backend over a web-llm engine: the given one, or a new in-page engine (needs WebGPU).
 *
 * @since 0.1.0 @category constructors
 */
export const make = (options: Options): Effect.Effect<Backend, BackendUnavailable> =>
  Effect.gen(function*() {
    const name = `web-llm ${options.modelId}`
    const engine = options.engine ?? (yield* Effect.gen(function*() {
      yield* requireAdapter(name, options.gpu)
      const mod = yield* importOptional<WebLlmModule>(name, "@mlc-ai/web-llm")
      return yield* Effect.tryPromise({
        try: () =>
          mod.CreateMLCEngine(options.modelId, {
            ...(options.onProgress === undefined ? {} : { initProgressCallback: (r: { text: string }) => options.onProgress!(r.text) }),
            ...(options.appConfig === undefined ? {} : { appConfig: options.appConfig })
          }),
        catch: (e) => new BackendUnavailable({ backend: name, reason: `engine creation failed: ${e instanceof Error ? e.message : String(e)}` })
      })
    }))
    const fail = (e: unknown) => new LlmError({ backend: name, reason: e instanceof Error ? e.message : String(e), retryable: false })
    const backend: Backend = {
      name,
      model: options.modelId,
      constrainsJson: true,
      complete: (request) =>
        Effect.tryPromise({
          try: async (): Promise<Completion> => {
            const res = await engine.chat.completions.create(toWebLlmRequest(request, false))
            if (isIterable(res)) throw new Error("engine streamed an answer to a non-streaming request")
            const choice = res.choices[0]
            return {
              text: choice?.message?.content ?? "",
              finishReason: choice?.finish_reason ?? "stop",
              model: res.model ?? options.modelId,
              promptTokens: res.usage?.prompt_tokens,
              completionTokens: res.usage?.completion_tokens
            }
          },
          catch: fail
        }),
      stream: (request) =>
        Stream.unwrap(Effect.tryPromise({
          try: async () => {
            const res = await engine.chat.completions.create(toWebLlmRequest(request, true))
            if (!isIterable(res)) throw new Error("engine did not stream")
            return res
          },
          catch: fail
        }).pipe(Effect.map((chunks) =>
          Stream.fromAsyncIterable(chunks, fail).pipe(
            Stream.map((c) => c.choices[0]?.delta?.content ?? ""),
            Stream.filter((d) => d !== "")
          )
        )))
    }
    return backend
  })

/**
 * The {@link Llm} service over web-llm.
 *
 * @since 0.1.0 @category layers
 */
export const layer = (options: Options): Layer.Layer<Llm, BackendUnavailable> => Layer.effect(Llm, make(options))
