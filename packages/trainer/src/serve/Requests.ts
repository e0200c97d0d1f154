/**
 * Reading OpenAI request bodies into checked parameters. Every problem becomes a 400
 * {@link ApiError} naming the field (`param`), as OpenAI reports it. Unknown fields are ignored;
 * fields whose effect the server cannot honour (log probabilities, penalties, tools) are refused
 * rather than ignored.
 *
 * @since 0.1.0
 */
import { type ApiError, badRequest } from "./ApiError.ts"
import type { ChatMessage, ChatRole } from "./ChatTemplate.ts"

/** Sampling and length fields shared by both endpoints. @since 0.1.0 @category models */
export interface SamplingParams {
  /** The requested model name, if given. */
  readonly model: string | undefined
  readonly maxTokens: number | undefined
  readonly temperature: number
  readonly topP: number
  /** Extension (as vLLM and llama.cpp accept it): keep the k most likely tokens; 0 keeps all. */
  readonly topK: number
  readonly n: number
  readonly stop: ReadonlyArray<string>
  readonly seed: number | undefined
  readonly stream: boolean
  readonly includeUsage: boolean
}

/** `POST /v1/completions`. @since 0.1.0 @category models */
export interface CompletionParams extends SamplingParams {
  /** One entry per prompt: text or token ids. */
  readonly prompts: ReadonlyArray<string | ReadonlyArray<number>>
  /** Present: fill in the middle between each prompt and this suffix. */
  readonly suffix: string | undefined
}

/** `POST /v1/chat/completions`. @since 0.1.0 @category models */
export interface ChatParams extends SamplingParams {
  readonly messages: ReadonlyArray<ChatMessage>
}

/** Most choices per request. @since 0.1.0 @category constants */
export const MAX_N = 16
/** Most stop sequences per request. @since 0.1.0 @category constants */
export const MAX_STOP = 16

type Body = Record<string, unknown>

const isRecord = (u: unknown): u is Body => typeof u === "object" && u !== null && !Array.isArray(u)
const given = (v: unknown): boolean => v !== undefined && v !== null
const describe = (v: unknown): string => (Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "string" ? "a string" : typeof v === "object" ? "an object" : String(v))

const number = (body: Body, field: string, min: number, max: number, fallback: number): number => {
  const v = body[field]
  if (!given(v)) return fallback
  if (typeof v !== "number" || !(v >= min && v <= max)) throw badRequest(`'${field}' must be a number from ${min} to ${max}, got ${describe(v)}`, field)
  return v
}

const integer = (body: Body, field: string, min: number, max: number): number | undefined => {
  const v = body[field]
  if (!given(v)) return undefined
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw badRequest(`'${field}' must be an integer from ${min} to ${max}, got ${describe(v)}`, field)
  return v
}

const boolean = (body: Body, field: string): boolean => {
  const v = body[field]
  if (!given(v)) return false
  if (typeof v !== "boolean") throw badRequest(`'${field}' must be a boolean, got ${describe(v)}`, field)
  return v
}

const unsupported = (field: string, what: string): ApiError => badRequest(`'${field}' is not supported by this server (${what})`, field, "unsupported_parameter")

/** Refuse fields that would change the result if set and are not implemented. */
const refuse = (body: Body, fields: ReadonlyArray<readonly [string, (v: unknown) => boolean, string]>): void => {
  for (const [field, harmless, what] of fields) {
    const v = body[field]
    if (given(v) && !harmless(v)) throw unsupported(field, what)
  }
}

const zero = (v: unknown) => v === 0
const isFalse = (v: unknown) => v === false
const empty = (v: unknown) => isRecord(v) && Object.keys(v).length === 0
const emptyArray = (v: unknown) => Array.isArray(v) && v.length === 0

const stopList = (body: Body): ReadonlyArray<string> => {
  const v = body.stop
  if (!given(v)) return []
  const list = typeof v === "string" ? [v] : v
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) throw badRequest(`'stop' must be a string or an array of strings, got ${describe(v)}`, "stop")
  if (list.length > MAX_STOP) throw badRequest(`'stop' takes at most ${MAX_STOP} sequences, got ${list.length}`, "stop")
  return list.filter((s) => s.length > 0)
}

const sampling = (body: Body, maxTokensField: ReadonlyArray<string>): SamplingParams => {
  const model = body.model
  if (given(model) && typeof model !== "string") throw badRequest(`'model' must be a string, got ${describe(model)}`, "model")
  const seed = body.seed
  if (given(seed) && !(typeof seed === "number" && Number.isSafeInteger(seed))) throw badRequest(`'seed' must be an integer, got ${describe(seed)}`, "seed")
  const options = body.stream_options
  if (given(options) && !isRecord(options)) throw badRequest(`'stream_options' must be an object, got ${describe(options)}`, "stream_options")
  const stream = boolean(body, "stream")
  const includeUsage = isRecord(options) && options.include_usage === true
  if (given(options) && !stream) throw badRequest("'stream_options' is only allowed when 'stream' is true", "stream_options")
  let maxTokens: number | undefined
  for (const field of maxTokensField) maxTokens ??= integer(body, field, 1, Number.MAX_SAFE_INTEGER)
  return {
    model: typeof model === "string" ? model : undefined,
    maxTokens,
    temperature: number(body, "temperature", 0, 2, 1),
    topP: number(body, "top_p", 0, 1, 1),
    topK: integer(body, "top_k", 0, Number.MAX_SAFE_INTEGER) ?? 0,
    n: integer(body, "n", 1, MAX_N) ?? 1,
    stop: stopList(body),
    seed: typeof seed === "number" ? seed : undefined,
    stream,
    includeUsage
  }
}

const sharedRefusals = [
  ["logit_bias", empty, "logit bias"],
  ["presence_penalty", zero, "penalties"],
  ["frequency_penalty", zero, "penalties"]
] as const

const isTokenArray = (v: unknown): v is ReadonlyArray<number> => Array.isArray(v) && v.every((t) => typeof t === "number" && Number.isInteger(t) && t >= 0)

/**
 * Read a completions body. Throws {@link ApiError} (400).
 *
 * @since 0.1.0 @category parsing
 */
export const completion = (body: unknown): CompletionParams => {
  if (!isRecord(body)) throw badRequest("The request body must be a JSON object")
  refuse(body, [
    ...sharedRefusals,
    ["logprobs", zero, "log probabilities"],
    ["echo", isFalse, "echoing the prompt"],
    ["best_of", (v) => v === 1 || v === body.n, "best_of other than n"]
  ])
  const prompt = body.prompt
  let prompts: ReadonlyArray<string | ReadonlyArray<number>>
  if (typeof prompt === "string" || (isTokenArray(prompt) && prompt.length > 0)) prompts = [prompt]
  else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === "string" || (isTokenArray(p) && p.length > 0))) prompts = prompt
  else if (!given(prompt)) throw badRequest("'prompt' is required", "prompt", "missing_required_parameter")
  else throw badRequest("'prompt' must be a string, an array of strings, an array of token ids or an array of arrays of token ids", "prompt")
  const suffix = body.suffix
  if (given(suffix) && typeof suffix !== "string") throw badRequest(`'suffix' must be a string, got ${describe(suffix)}`, "suffix")
  if (typeof suffix === "string" && prompts.some((p) => typeof p !== "string")) throw badRequest("'suffix' needs text prompts, not token ids", "suffix")
  return { ...sampling(body, ["max_tokens"]), prompts, suffix: typeof suffix === "string" ? suffix : undefined }
}

const ROLES: ReadonlyArray<ChatRole> = ["system", "developer", "user", "assistant", "tool"]

/** The text of a message's content: a string, or text parts joined. */
const contentText = (content: unknown, at: string): string => {
  if (typeof content === "string") return content
  if (content === null || content === undefined) return ""
  if (Array.isArray(content)) {
    return content.map((part, j) => {
      if (isRecord(part) && part.type === "text" && typeof part.text === "string") return part.text
      throw badRequest(`${at}.content[${j}] must be a text part ({"type": "text", "text": ...}); this model reads text only`, `${at}.content[${j}]`)
    }).join("")
  }
  throw badRequest(`${at}.content must be a string or an array of text parts, got ${describe(content)}`, `${at}.content`)
}

/**
 * Read a chat completions body. Throws {@link ApiError} (400).
 *
 * @since 0.1.0 @category parsing
 */
export const chat = (body: unknown): ChatParams => {
  if (!isRecord(body)) throw badRequest("The request body must be a JSON object")
  refuse(body, [
    ...sharedRefusals,
    ["logprobs", isFalse, "log probabilities"],
    ["tools", emptyArray, "tool calls"],
    ["functions", emptyArray, "function calls"],
    ["response_format", (v) => isRecord(v) && v.type === "text", "structured output"]
  ])
  const raw = body.messages
  if (!given(raw)) throw badRequest("'messages' is required", "messages", "missing_required_parameter")
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest("'messages' must be a non-empty array", "messages")
  const messages = raw.map((m, i): ChatMessage => {
    const at = `messages[${i}]`
    if (!isRecord(m)) throw badRequest(`${at} must be an object`, at)
    if (!ROLES.includes(m.role as ChatRole)) throw badRequest(`${at}.role must be one of ${ROLES.join(", ")}, got ${describe(m.role)}`, `${at}.role`)
    return { role: m.role as ChatRole, content: contentText(m.content, at) }
  })
  return { ...sampling(body, ["max_completion_tokens", "max_tokens"]), messages }
}
