/**
 * The OpenAI endpoints: `GET /v1/models`, `POST /v1/completions` and `POST /v1/chat/completions`,
 * answered in OpenAI's JSON shapes, streamed as server-sent events when `stream` is true.
 *
 * Every request's generations run in the server's {@link Queue}, one request at a time; choices
 * (`n`, several prompts) run one after another, and choice `j` of a request with a `seed` samples
 * with seed `seed + j`. A client that disconnects stops its generation at the next token.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import type * as http from "node:http"
import type { Tokenizer } from "@pretrain/tokenizer"
import { type FinishReason, type Generation, GenerationError, type Prompt, start } from "../Generate.ts"
import type { LanguageModel } from "../LanguageModel.ts"
import { SamplerOptionsError } from "../Sampler.ts"
import { badRequest, modelNotFound } from "./ApiError.ts"
import * as ChatTemplate from "./ChatTemplate.ts"
import { EventStream, sendJson } from "./Http.ts"
import type { Queue } from "./Queue.ts"
import * as Requests from "./Requests.ts"

/** What the endpoints serve. @since 0.1.0 @category models */
export interface ServingContext {
  readonly model: LanguageModel
  readonly tokenizer: Tokenizer
  readonly modelName: string
  /** Unix seconds, reported as the model's `created`. */
  readonly created: number
  readonly queue: Queue
  /** Cut prompts that do not fit the context instead of answering 400 (see `Generate.encodePrompt`). */
  readonly truncatePrompts: boolean
}

/** `max_tokens` of a completion when the request gives none (OpenAI's default). @since 0.1.0 @category constants */
export const DEFAULT_COMPLETION_TOKENS = 16

interface Choice {
  readonly index: number
  readonly prompt: number
  readonly generation: Generation
}

/** OpenAI's usage object. */
const usageOf = (choices: ReadonlyArray<Choice>) => {
  let prompt = 0
  let completion = 0
  choices.forEach((c, i) => {
    if (i === 0 || choices[i - 1]!.prompt !== c.prompt) prompt += c.generation.usage.promptTokens
    completion += c.generation.usage.completionTokens
  })
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

const checkModel = (ctx: ServingContext, model: string | undefined): void => {
  if (model !== undefined && model !== ctx.modelName) throw modelNotFound(model)
}

/** One generation per prompt and choice; a prompt or option the generator refuses is a 400. */
const prepare = (
  ctx: ServingContext,
  prompts: ReadonlyArray<Prompt>,
  params: Requests.SamplingParams,
  options: { readonly stop: ReadonlyArray<string>; readonly maxTokens: number | undefined; readonly promptParam: string }
): Array<Choice> => {
  const choices: Array<Choice> = []
  prompts.forEach((prompt, p) => {
    for (let i = 0; i < params.n; i++) {
      const index = choices.length
      try {
        const generation = start(ctx.model, ctx.tokenizer, prompt, {
          temperature: params.temperature,
          topP: params.topP,
          topK: params.topK,
          seed: params.seed === undefined ? undefined : params.seed + index,
          maxTokens: options.maxTokens,
          truncate: ctx.truncatePrompts,
          stop: [...params.stop, ...options.stop]
        })
        choices.push({ index, prompt: p, generation })
      } catch (e) {
        if (e instanceof GenerationError) {
          throw badRequest(e.reason, e.code === "fim_unsupported" ? "suffix" : options.promptParam, e.code === "invalid_option" ? "invalid_value" : e.code)
        }
        if (e instanceof SamplerOptionsError) throw badRequest(e.message, null)
        throw e
      }
    }
  })
  return choices
}

/** Run a generation to its end, a token per turn of the event loop; stop early when `gone`. */
const runToEnd = async (generation: Generation, gone: () => boolean): Promise<void> => {
  for await (const _ of generation) if (gone()) return
}

/**
 * Answers a request in the queue, unless its client is gone: streamed by `stream` over server-sent
 * events, or with the JSON of `whole()` once every choice has run to its end.
 */
const respond = (
  ctx: ServingContext,
  res: http.ServerResponse,
  choices: ReadonlyArray<Choice>,
  streamed: boolean,
  whole: () => object,
  stream: (events: EventStream) => Promise<void>
): Promise<void> =>
  ctx.queue.run(async () => {
    if (res.destroyed) return
    if (streamed) return stream(new EventStream(res))
    for (const c of choices) await runToEnd(c.generation, () => res.destroyed)
    if (!res.destroyed) sendJson(res, 200, whole())
  })

const newId = (prefix: string): string => `${prefix}-${randomUUID().replaceAll("-", "")}`
const now = (): number => Math.floor(Date.now() / 1000)
const finish = (g: Generation): FinishReason => g.finishReason ?? "length"

/**
 * `GET /v1/models`.
 *
 * @since 0.1.0 @category endpoints
 */
export const models = (ctx: ServingContext) => ({
  object: "list" as const,
  data: [model(ctx)]
})

/**
 * `GET /v1/models/{id}` (the one model); `context_length` and `vocab_size` are extensions.
 *
 * @since 0.1.0 @category endpoints
 */
export const model = (ctx: ServingContext) => ({
  id: ctx.modelName,
  object: "model" as const,
  created: ctx.created,
  owned_by: "pretrain",
  context_length: ctx.model.contextLength,
  vocab_size: ctx.model.vocabSize
})

/**
 * `POST /v1/completions`: text prompts (or token ids), FIM through `suffix`. `max_tokens` defaults
 * to 16 as in OpenAI's API.
 *
 * @since 0.1.0 @category endpoints
 */
export const completions = async (ctx: ServingContext, body: unknown, res: http.ServerResponse): Promise<void> => {
  const params = Requests.completion(body)
  checkModel(ctx, params.model)
  const prompts = params.prompts.map((p): Prompt => typeof p === "string" && params.suffix !== undefined ? { prefix: p, suffix: params.suffix } : p)
  const choices = prepare(ctx, prompts, params, { stop: [], maxTokens: params.maxTokens ?? DEFAULT_COMPLETION_TOKENS, promptParam: "prompt" })
  const id = newId("cmpl")
  const created = now()
  const head = { id, object: "text_completion" as const, created, model: ctx.modelName }
  await respond(ctx, res, choices, params.stream, () => ({
    ...head,
    choices: choices.map((c) => ({ text: c.generation.text, index: c.index, logprobs: null, finish_reason: finish(c.generation) })),
    usage: usageOf(choices)
  }), async (events) => {
    const usage = params.includeUsage ? { usage: null } : {}
    for (const c of choices) {
      for await (const text of c.generation) {
        if (events.closed) return
        await events.send({ ...head, choices: [{ text, index: c.index, logprobs: null, finish_reason: null }], ...usage })
      }
      await events.send({ ...head, choices: [{ text: "", index: c.index, logprobs: null, finish_reason: finish(c.generation) }], ...usage })
    }
    if (params.includeUsage) await events.send({ ...head, choices: [], usage: usageOf(choices) })
    events.done()
  })
}

/**
 * `POST /v1/chat/completions`: messages rendered by {@link ChatTemplate.render}. Without
 * `max_tokens` (or `max_completion_tokens`) the reply may fill the context.
 *
 * @since 0.1.0 @category endpoints
 */
export const chatCompletions = async (ctx: ServingContext, body: unknown, res: http.ServerResponse): Promise<void> => {
  const params = Requests.chat(body)
  checkModel(ctx, params.model)
  const rendered = ChatTemplate.render(params.messages, ctx.tokenizer)
  const choices = prepare(ctx, [rendered.prompt], params, { stop: rendered.stop, maxTokens: params.maxTokens, promptParam: "messages" })
  const id = newId("chatcmpl")
  const created = now()
  await respond(ctx, res, choices, params.stream, () => ({
    id,
    object: "chat.completion",
    created,
    model: ctx.modelName,
    choices: choices.map((c) => ({
      index: c.index,
      message: { role: "assistant", content: c.generation.text, refusal: null },
      logprobs: null,
      finish_reason: finish(c.generation)
    })),
    usage: usageOf(choices)
  }), async (events) => {
    const head = { id, object: "chat.completion.chunk" as const, created, model: ctx.modelName }
    const usage = params.includeUsage ? { usage: null } : {}
    const chunk = (index: number, delta: object, finishReason: FinishReason | null) => ({
      ...head,
      choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
      ...usage
    })
    for (const c of choices) {
      await events.send(chunk(c.index, { role: "assistant", content: "" }, null))
      for await (const content of c.generation) {
        if (events.closed) return
        await events.send(chunk(c.index, { content }, null))
      }
      await events.send(chunk(c.index, {}, finish(c.generation)))
    }
    if (params.includeUsage) await events.send({ ...head, choices: [], usage: usageOf(choices) })
    events.done()
  })
}
