/**
 * Structured output: ask for JSON that follows an Effect Schema, constrain decoding where the
 * backend can (its JSON Schema goes with the request), validate the answer with the schema, and
 * ask again with the validation error when it does not parse or validate. After the last attempt
 * the request fails with {@link InvalidOutput}, whose reason is the last error.
 *
 * ```ts
 * const Pair = Schema.Struct({ problem: Schema.String, solution: Schema.String })
 * const { value } = yield* Structured.generate(Pair, { messages, maxTokens: 512 }, { name: "pair", attempts: 3 })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Exit, Schema } from "effect"
import { InvalidOutput, type LlmError } from "./Errors.ts"
import { type ChatMessage, type Completion, Llm, type Request } from "./Llm.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** Schema name sent to the backend (default `output`). */
  readonly name?: string | undefined
  /** Generations tried in all (default 3). */
  readonly attempts?: number | undefined
}

/** @since 0.1.0 @category models */
export interface Result<A> {
  readonly value: A
  readonly completion: Completion
  readonly attempts: number
}

/**
 * The JSON Schema of an Effect Schema, definitions inlined under `$defs`.
 *
 * @since 0.1.0 @category utils
 */
export const jsonSchema = (schema: Schema.Top): Record<string, unknown> => {
  const doc = Schema.toJsonSchemaDocument(schema)
  const root = doc.schema as Record<string, unknown>
  return Object.keys(doc.definitions).length === 0 ? root : { ...root, $defs: doc.definitions }
}

/**
 * The JSON value in a model's answer: the whole text, or a fenced code block, or the span from the
 * first `{` / `[` to the last `}` / `]`. Returns the value or the parse error.
 *
 * @since 0.1.0 @category utils
 */
export const extractJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string } => {
  const candidates: Array<string> = [text.trim()]
  const fence = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text)
  if (fence !== null) candidates.push(fence[1]!.trim())
  const start = text.search(/[{[]/)
  const end = Math.max(text.lastIndexOf("}"), text.lastIndexOf("]"))
  if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1))
  let reason = "no JSON value in the answer"
  for (const c of candidates) {
    if (c === "") continue
    try {
      return { ok: true, value: JSON.parse(c) }
    } catch (e) {
      reason = `not JSON: ${(e as Error).message}`
    }
  }
  return { ok: false, reason: text.trim() === "" ? "empty answer" : reason }
}

/**
 * Decode a model's answer with a schema: the value, or why it is invalid.
 *
 * @since 0.1.0 @category utils
 */
export const decode = <S extends Schema.Top>(schema: S, text: string): { readonly ok: true; readonly value: S["Type"] } | { readonly ok: false; readonly reason: string } => {
  const json = extractJson(text)
  if (!json.ok) return json
  const exit = Schema.decodeUnknownExit(schema as any)(json.value)
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value as S["Type"] }
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  const message = error !== undefined && "error" in error ? String((error.error as Error).message ?? error.error) : String(exit.cause)
  return { ok: false, reason: `does not match the schema: ${message.replace(/\s+/g, " ").slice(0, 400)}` }
}

const retryMessage = (reason: string): ChatMessage => ({
  role: "user",
  content: `That answer was invalid (${reason}). Answer again with only the JSON object, following the schema exactly.`
})

/**
 * Generate until the answer validates against `schema`, at most `attempts` times.
 *
 * @since 0.1.0 @category running
 */
export const generate = <S extends Schema.Top>(
  schema: S,
  request: Request,
  options: Options = {}
): Effect.Effect<Result<S["Type"]>, InvalidOutput | LlmError, Llm> =>
  Effect.gen(function*() {
    const llm = yield* Effect.service(Llm)
    const attempts = Math.max(1, options.attempts ?? 3)
    const json = { name: options.name ?? "output", schema: jsonSchema(schema) }
    let messages = request.messages
    let last = { reason: "", text: "" }
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const seed = request.seed === undefined ? undefined : request.seed + attempt - 1
      const completion = yield* llm.complete({ ...request, messages, seed, json })
      const decoded = decode(schema, completion.text)
      if (decoded.ok) return { value: decoded.value, completion, attempts: attempt }
      last = { reason: decoded.reason, text: completion.text }
      messages = [...request.messages, { role: "assistant", content: completion.text.slice(0, 2000) }, retryMessage(decoded.reason)]
    }
    return yield* Effect.fail(new InvalidOutput({ reason: last.reason, attempts, lastText: last.text }))
  })
