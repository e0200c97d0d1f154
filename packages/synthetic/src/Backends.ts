/**
 * A backend layer from a one-string spec, as the CLI's `--backend` takes it:
 *
 * - `http://HOST:PORT/v1` (or `https://…`): an OpenAI-compatible server;
 * - `inhouse:DIR`: a checkpoint or run directory of `@pretrain/trainer`, run in this process;
 * - `gguf:FILE`: a GGUF model through node-llama-cpp (optional peer dependency).
 *
 * ```ts
 * Effect.provide(program, Backends.fromSpec("http://127.0.0.1:8080/v1", { concurrency: 8 }))
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import type { BackendUnavailable, LlmError } from "./Errors.ts"
import { OptionError } from "./Errors.ts"
import * as InHouse from "./InHouse.ts"
import * as LlamaCpp from "./LlamaCpp.ts"
import { Llm } from "./Llm.ts"
import * as OpenAiCompatible from "./OpenAiCompatible.ts"

/** @since 0.1.0 @category models */
export interface Options {
  readonly model?: string | undefined
  readonly concurrency?: number | undefined
  readonly apiKey?: string | undefined
  readonly timeoutMs?: number | undefined
  readonly requestsPerSecond?: number | undefined
}

/**
 * The layer for a backend spec.
 *
 * @since 0.1.0 @category layers
 */
export const fromSpec = (spec: string, options: Options = {}): Layer.Layer<Llm, LlmError | OptionError | BackendUnavailable> => {
  if (/^https?:\/\//.test(spec)) {
    return OpenAiCompatible.layer({
      baseUrl: spec,
      model: options.model,
      concurrency: options.concurrency,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
      requestsPerSecond: options.requestsPerSecond
    })
  }
  if (spec.startsWith("inhouse:")) return InHouse.layer({ checkpoint: spec.slice("inhouse:".length), modelName: options.model })
  if (spec.startsWith("gguf:")) return LlamaCpp.layer({ modelPath: spec.slice("gguf:".length), sequences: options.concurrency })
  const error = new OptionError({ option: "backend", reason: `expected http(s)://HOST/v1, inhouse:DIR or gguf:FILE, got ${JSON.stringify(spec)}` })
  return Layer.effect(Llm, Effect.fail(error))
}
