import { Effect, Exit, Stream } from "effect"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LlmError } from "../src/Errors.ts"
import * as Llm from "../src/Llm.ts"
import * as OpenAiCompatible from "../src/OpenAiCompatible.ts"
import { randomModel, serve, serveWithFront, tokenizer } from "./fixtures/models.ts"

const tok = tokenizer()
const model = randomModel(tok)
let server: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  server = await serve(model, tok, "random-nano")
})
afterAll(() => server.close())

const withBackend = <A, E>(options: OpenAiCompatible.Options, f: (llm: Llm.Backend) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(OpenAiCompatible.make(options), f))

const messages = [{ role: "user" as const, content: "Write add in Python" }]

describe("OpenAiCompatible against the trainer's server", () => {
  it("answers as the official openai client does, complete and streamed, and finds the model id", async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: "none", maxRetries: 0 })
    const official = await client.chat.completions.create({ model: "random-nano", messages, temperature: 0, max_tokens: 12 })
    const expected = official.choices[0]!.message.content!
    expect(expected.length).toBeGreaterThan(0)
    const [completion, streamed, name] = await withBackend({ baseUrl: server.url }, (llm) =>
      Effect.all([
        llm.complete({ messages, temperature: 0, maxTokens: 12 }),
        Stream.mkString(llm.stream({ messages, temperature: 0, maxTokens: 12 })),
        Effect.succeed(llm.model)
      ]))
    expect(name).toBe("random-nano")
    expect(completion.text).toBe(expected)
    expect(completion.model).toBe("random-nano")
    expect(completion.completionTokens).toBe(official.usage!.completion_tokens)
    expect(streamed).toBe(expected)
  })

  it("drops response_format when the server refuses it, and keeps asking without it", async () => {
    const json = { name: "x", schema: { type: "object", properties: { a: { type: "string" } } } }
    const strict = await Effect.runPromiseExit(Effect.flatMap(OpenAiCompatible.make({ baseUrl: server.url, structured: "response_format" }), (llm) => llm.complete({ messages, maxTokens: 2, json })))
    expect(Exit.isFailure(strict)).toBe(true)
    expect(String(strict)).toMatch(/response_format/)
    const [text, constrains] = await withBackend({ baseUrl: server.url }, (llm) =>
      Effect.map(llm.complete({ messages, maxTokens: 4, temperature: 0, json }), (c) => [c.text, llm.constrainsJson] as const))
    expect(typeof text).toBe("string")
    expect(constrains).toBe(false)
  })

  it("retries transient failures with backoff, and gives up on others at once", async () => {
    let calls = 0
    const flaky = await serveWithFront(model, tok, (req) => (req.url!.endsWith("/chat/completions") && ++calls <= 2 ? 503 : undefined))
    try {
      const out = await withBackend({ baseUrl: flaky.url, model: "tiny", retries: 3, backoffMs: 5 }, (llm) => llm.complete({ messages, maxTokens: 3, temperature: 0 }))
      expect(calls).toBe(3)
      expect(out.text.length).toBeGreaterThan(0)
    } finally {
      await flaky.close()
    }
    let badCalls = 0
    const bad = await serveWithFront(model, tok, () => (++badCalls, 400))
    try {
      const exit = await Effect.runPromiseExit(Effect.flatMap(OpenAiCompatible.make({ baseUrl: bad.url, model: "tiny", retries: 3, backoffMs: 5 }), (llm) => llm.complete({ messages })))
      expect(badCalls).toBe(1)
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/injected 400/)
    } finally {
      await bad.close()
    }
  })

  it("times out a request that never answers, after its retries", async () => {
    let calls = 0
    const hung = await serveWithFront(model, tok, () => (++calls, "hang"))
    try {
      const exit = await Effect.runPromiseExit(Effect.flatMap(OpenAiCompatible.make({ baseUrl: hung.url, model: "tiny", timeoutMs: 150, retries: 1, backoffMs: 5 }), (llm) => llm.complete({ messages })))
      expect(calls).toBe(2)
      const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
      expect(error !== undefined && "error" in error && error.error).toBeInstanceOf(LlmError)
      expect(String(exit)).toMatch(/no answer within 150 ms/)
    } finally {
      await hung.close()
    }
  })

  it("keeps at most `concurrency` requests in flight and spaces starts by the rate limit", async () => {
    let inFlight = 0
    let most = 0
    const starts: Array<number> = []
    const front = await serveWithFront(model, tok, (req, res) => {
      if (!req.url!.endsWith("/chat/completions")) return undefined
      starts.push(performance.now())
      most = Math.max(most, ++inFlight)
      res.on("close", () => inFlight--)
      return undefined
    })
    try {
      await withBackend({ baseUrl: front.url, model: "tiny", concurrency: 2 }, (llm) =>
        Effect.forEach(Array.from({ length: 6 }, (_, i) => i), (i) => llm.complete({ messages, maxTokens: 4, seed: i }), { concurrency: 6 }))
      expect(most).toBe(2)
      starts.length = 0
      await withBackend({ baseUrl: front.url, model: "tiny", concurrency: 4, requestsPerSecond: 20 }, (llm) =>
        Effect.forEach([0, 1, 2, 3], (i) => llm.complete({ messages, maxTokens: 1, seed: i }), { concurrency: 4 }))
      expect(starts).toHaveLength(4)
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(40)
    } finally {
      await front.close()
    }
  })
})
