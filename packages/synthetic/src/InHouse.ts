/**
 * The in-house backend: a model trained with `@pretrain/trainer`, run in this process. Chat
 * messages are rendered with the trainer's chat template (ChatML when the tokenizer has its tokens,
 * plain `### User:` turns otherwise), then generated with `Generate`. Generation runs on this
 * thread, one request at a time.
 *
 * ```ts
 * const layer = InHouse.layer({ checkpoint: "runs/tiny-coder" })
 * ```
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import type { Tokenizer } from "@pretrain/tokenizer"
import { ChatTemplate, Generate, Inference, type LanguageModel } from "@pretrain/trainer"
import { Effect, Layer, Semaphore, Stream } from "effect"
import { BackendUnavailable, LlmError } from "./Errors.ts"
import { type Backend, Llm, type Request } from "./Llm.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** A checkpoint or run directory (read with `Inference.loadForInference`). */
  readonly checkpoint?: string | undefined
  /** Or a loaded model and its tokenizer. */
  readonly model?: LanguageModel | undefined
  readonly tokenizer?: Tokenizer | undefined
  /** Name recorded in provenance (default: the checkpoint directory's name, or `in-house`). */
  readonly modelName?: string | undefined
  /** Cut prompts that do not fit the context instead of failing (default true). */
  readonly truncatePrompts?: boolean | undefined
}

/**
 * The prompt and `Generate` options of a request.
 *
 * @since 0.1.0 @category mapping
 */
export const toGenerate = (request: Request, tokenizer: Tokenizer, truncate: boolean): { readonly prompt: string; readonly options: Generate.GenerateOptions } => {
  const rendered = ChatTemplate.render(request.messages, tokenizer)
  return {
    prompt: rendered.prompt,
    options: {
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      topP: request.topP,
      seed: request.seed,
      stop: [...rendered.stop, ...(request.stop ?? [])],
      truncate
    }
  }
}

const failed = (backend: string) => (e: unknown): LlmError =>
  new LlmError({ backend, reason: e instanceof Error ? e.message : String(e), retryable: false })

/**
 * An in-process backend over a loaded model, or a checkpoint it loads.
 *
 * @since 0.1.0 @category constructors
 */
export const make = (options: Options): Effect.Effect<Backend, BackendUnavailable> =>
  Effect.gen(function*() {
    const loaded = options.model !== undefined && options.tokenizer !== undefined
      ? { model: options.model, tokenizer: options.tokenizer }
      : options.checkpoint !== undefined
      ? yield* Effect.try({
        try: () => Inference.loadForInference(options.checkpoint!),
        catch: (e) => new BackendUnavailable({ backend: `in-house ${options.checkpoint}`, reason: e instanceof Error ? e.message : String(e) })
      })
      : yield* Effect.fail(new BackendUnavailable({ backend: "in-house", reason: "give a checkpoint directory, or a model and its tokenizer" }))
    const { model, tokenizer } = loaded
    const modelName = options.modelName ?? (options.checkpoint === undefined ? "in-house" : path.basename(path.resolve(options.checkpoint)))
    const name = `in-house ${modelName}`
    const truncate = options.truncatePrompts ?? true
    const one = Semaphore.makeUnsafe(1)
    const backend: Backend = {
      name,
      model: modelName,
      constrainsJson: false,
      complete: (request) =>
        one.withPermits(1)(Effect.try({
          try: () => {
            const { prompt, options: o } = toGenerate(request, tokenizer, truncate)
            const out = Generate.generate(model, tokenizer, prompt, o)
            return {
              text: out.text,
              finishReason: out.finishReason,
              model: modelName,
              promptTokens: out.usage.promptTokens,
              completionTokens: out.usage.completionTokens
            }
          },
          catch: failed(name)
        })),
      stream: (request) => {
        const { prompt, options: o } = toGenerate(request, tokenizer, truncate)
        return Generate.stream(model, tokenizer, prompt, o).pipe(Stream.mapError(failed(name)))
      }
    }
    return backend
  })

/**
 * The {@link Llm} service over an in-house model.
 *
 * @since 0.1.0 @category layers
 */
export const layer = (options: Options): Layer.Layer<Llm, BackendUnavailable> => Layer.effect(Llm, make(options))
