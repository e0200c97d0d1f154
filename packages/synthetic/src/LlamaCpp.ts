/**
 * The node-llama-cpp backend (an optional peer dependency, imported on first use): a GGUF model
 * of the user's, run in this process by llama.cpp (CPU, Metal, CUDA or Vulkan). A JSON schema
 * becomes a grammar (`llama.createGrammarForJsonSchema`), so decoding follows it.
 *
 * ```ts
 * const layer = LlamaCpp.layer({ modelPath: "models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf" })
 * ```
 *
 * Each request gets a fresh chat session on a context sequence of its own: the system message
 * becomes the session's system prompt, earlier turns its chat history, the last user message the
 * prompt.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Layer, Queue, Semaphore, Stream } from "effect"
import { BackendUnavailable, LlmError } from "./Errors.ts"
import { importOptional } from "./internal/optional.ts"
import { type Backend, Llm, type Request } from "./Llm.ts"

/** A chat-history item as node-llama-cpp takes it. @since 0.1.0 @category models */
export type HistoryItem =
  | { readonly type: "system"; readonly text: string }
  | { readonly type: "user"; readonly text: string }
  | { readonly type: "model"; readonly response: Array<string> }

/** `session.prompt` options (the fields used here). @since 0.1.0 @category models */
export interface PromptOptions {
  maxTokens?: number
  temperature?: number
  topP?: number
  seed?: number
  customStopTriggers?: Array<string>
  grammar?: unknown
  onTextChunk?: (text: string) => void
}

/** The parts of node-llama-cpp this backend uses. @since 0.1.0 @category models */
export interface LlamaCppModule {
  getLlama(): Promise<{
    loadModel(options: { modelPath: string }): Promise<{
      createContext(options?: { sequences?: number; contextSize?: number }): Promise<{
        getSequence(): { dispose(): void }
      }>
    }>
    createGrammarForJsonSchema(schema: unknown): Promise<unknown>
  }>
  LlamaChatSession: new(options: { contextSequence: unknown; systemPrompt?: string }) => {
    setChatHistory(history: Array<HistoryItem>): void
    prompt(text: string, options?: PromptOptions): Promise<string>
    dispose(): void
  }
}

/** @since 0.1.0 @category models */
export interface Options {
  /** The GGUF file. */
  readonly modelPath: string
  /** Sequences (requests at once) of the context (default 1). */
  readonly sequences?: number | undefined
  readonly contextSize?: number | undefined
  /** The module (default: `import("node-llama-cpp")`). */
  readonly module?: LlamaCppModule | undefined
}

/** What a request becomes for a chat session. @since 0.1.0 @category models */
export interface LlamaCppPrompt {
  readonly systemPrompt: string | undefined
  readonly history: Array<HistoryItem>
  readonly prompt: string
  readonly options: PromptOptions
}

/**
 * The session setup and prompt options of a request (the JSON schema is handled apart, as a grammar).
 *
 * @since 0.1.0 @category mapping
 */
export const toLlamaCppPrompt = (request: Request): LlamaCppPrompt => {
  const messages = [...request.messages]
  const system = messages[0]?.role === "system" ? messages.shift()!.content : undefined
  const last = messages.pop()
  const prompt = last?.role === "user" ? last.content : ""
  if (last !== undefined && last.role !== "user") messages.push(last)
  const history: Array<HistoryItem> = []
  if (system !== undefined) history.push({ type: "system", text: system })
  for (const m of messages) {
    history.push(m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role === "system" ? "system" : "user", text: m.content } as HistoryItem)
  }
  const options: PromptOptions = {}
  if (request.maxTokens !== undefined) options.maxTokens = request.maxTokens
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.topP !== undefined) options.topP = request.topP
  if (request.seed !== undefined) options.seed = request.seed
  if (request.stop !== undefined && request.stop.length > 0) options.customStopTriggers = [...request.stop]
  return { systemPrompt: system, history, prompt, options }
}

/**
 * A backend over a GGUF model.
 *
 * @since 0.1.0 @category constructors
 */
export const make = (options: Options): Effect.Effect<Backend, BackendUnavailable> =>
  Effect.gen(function*() {
    const modelName = path.basename(options.modelPath)
    const name = `node-llama-cpp ${modelName}`
    if (options.module === undefined && !fs.existsSync(options.modelPath)) {
      return yield* Effect.fail(new BackendUnavailable({ backend: name, reason: `no GGUF file at ${options.modelPath}` }))
    }
    const mod = options.module ?? (yield* importOptional<LlamaCppModule>(name, "node-llama-cpp"))
    const sequences = Math.max(1, options.sequences ?? 1)
    const { llama, context } = yield* Effect.tryPromise({
      try: async () => {
        const llama = await mod.getLlama()
        const model = await llama.loadModel({ modelPath: options.modelPath })
        const context = await model.createContext({ sequences, ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }) })
        return { llama, context }
      },
      catch: (e) => new BackendUnavailable({ backend: name, reason: `cannot load the model: ${e instanceof Error ? e.message : String(e)}` })
    })
    const grammars = new Map<string, Promise<unknown>>()
    const grammarFor = (request: Request): Promise<unknown> | undefined => {
      if (request.json === undefined) return undefined
      const key = JSON.stringify(request.json.schema)
      let g = grammars.get(key)
      if (g === undefined) grammars.set(key, g = llama.createGrammarForJsonSchema(request.json.schema))
      return g
    }
    const slots = Semaphore.makeUnsafe(sequences)
    const run = (request: Request, onTextChunk?: (text: string) => void) =>
      slots.withPermits(1)(Effect.tryPromise({
        try: async () => {
          const p = toLlamaCppPrompt(request)
          const grammar = await grammarFor(request)
          const sequence = context.getSequence()
          const session = new mod.LlamaChatSession({ contextSequence: sequence, ...(p.systemPrompt === undefined ? {} : { systemPrompt: p.systemPrompt }) })
          try {
            if (p.history.length > (p.systemPrompt === undefined ? 0 : 1)) session.setChatHistory(p.history)
            return await session.prompt(p.prompt, {
              ...p.options,
              ...(grammar === undefined ? {} : { grammar }),
              ...(onTextChunk === undefined ? {} : { onTextChunk })
            })
          } finally {
            session.dispose()
            sequence.dispose()
          }
        },
        catch: (e) => new LlmError({ backend: name, reason: e instanceof Error ? e.message : String(e), retryable: false })
      }))
    const backend: Backend = {
      name,
      model: modelName,
      constrainsJson: true,
      complete: (request) => Effect.map(run(request), (text) => ({ text, finishReason: "stop", model: modelName })),
      stream: (request) =>
        Stream.callback<string, LlmError>((queue) =>
          run(request, (t) => {
            Queue.offerUnsafe(queue, t)
          }).pipe(Effect.andThen(Queue.end(queue)))
        )
    }
    return backend
  })

/**
 * The {@link Llm} service over node-llama-cpp.
 *
 * @since 0.1.0 @category layers
 */
export const layer = (options: Options): Layer.Layer<Llm, BackendUnavailable> => Layer.effect(Llm, make(options))
