import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ChatTemplate from "../../src/serve/ChatTemplate.ts"
import * as Server from "../../src/serve/Server.ts"
import { BigramModel, byteTokens, CorpusModel, trainTokenizer } from "./Fixtures.ts"

const tokenizer = trainTokenizer()
const EOS = tokenizer.tokenToId("<|endoftext|>")!
const enc = (text: string) => Array.from(tokenizer.encode(text))

const code = "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n"
const chatPrompt = ChatTemplate.render([{ role: "user", content: "Say hi" }], tokenizer).prompt
const chatReply = "Hi! I write code.\n### User:\nthis is past the turn"
const fimDoc = "<fim_prefix>def add(<fim_suffix>):\n    pass\n<fim_middle>xyz"
const utf8Doc = [...enc("utf8:"), ...byteTokens(tokenizer, "a€b🙂")]
const CONTEXT = 200

const model = new CorpusModel(tokenizer.vocabSize, CONTEXT, [
  [...enc(code), EOS],
  [...enc(chatPrompt + chatReply), EOS],
  [...enc(fimDoc), EOS],
  [...utf8Doc, EOS]
], { fallback: EOS })

/** What greedy decoding continues `prompt` with: the rest of `doc` up to <|endoftext|>. */
const continuation = (doc: string, prompt: string): Array<number> => {
  const ids = enc(doc)
  const p = enc(prompt)
  expect(ids.slice(0, p.length)).toEqual(p)
  return ids.slice(p.length)
}

let server: Server.RunningServer
let client: OpenAI
const MODEL = "tiny-test"

beforeAll(async () => {
  server = await Server.start({ model, tokenizer, port: 0, modelName: MODEL })
  client = new OpenAI({ baseURL: server.url, apiKey: "none", maxRetries: 0 })
})

afterAll(async () => {
  await server.close()
})

const raw = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${server.port}${path}`, init)

describe("Server", () => {
  it("lists its model", async () => {
    const list = await client.models.list()
    expect(list.data.map((m) => m.id)).toEqual([MODEL])
    const one = await client.models.retrieve(MODEL)
    expect(one).toMatchObject({ id: MODEL, object: "model", owned_by: "pretrain", context_length: CONTEXT })
    await expect(client.models.retrieve("gpt-4")).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it("completes a prompt, 16 tokens by default", async () => {
    const prompt = "def add(a, b):"
    const rest = continuation(code, prompt)
    expect(rest.length).toBeGreaterThan(16)
    const out = await client.completions.create({ model: MODEL, prompt, temperature: 0 })
    expect(out.object).toBe("text_completion")
    expect(out.model).toBe(MODEL)
    expect(out.choices).toHaveLength(1)
    expect(out.choices[0]!.text).toBe(tokenizer.decode(rest.slice(0, 16)))
    expect(out.choices[0]!.finish_reason).toBe("length")
    expect(out.usage).toEqual({ prompt_tokens: enc(prompt).length, completion_tokens: 16, total_tokens: enc(prompt).length + 16 })
  })

  it("completes to <|endoftext|> with finish reason stop, and cuts at a stop sequence", async () => {
    const prompt = "def add(a, b):"
    const full = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100 })
    expect(full.choices[0]!.text).toBe(code.slice(prompt.length))
    expect(full.choices[0]!.finish_reason).toBe("stop")
    expect(full.usage!.completion_tokens).toBe(continuation(code, prompt).length + 1)
    const cut = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100, stop: ["\n\n", "zzz"] })
    expect(cut.choices[0]!.text).toBe("\n    return a + b")
    expect(cut.choices[0]!.finish_reason).toBe("stop")
    const spanning = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100, stop: "a - " })
    expect(spanning.choices[0]!.text).toBe("\n    return a + b\n\ndef sub(a, b):\n    return ")
  })

  it("streams a completion as text deltas ending with the finish reason, usage and [DONE]", async () => {
    const prompt = "def add(a, b):"
    const stream = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100, stream: true, stream_options: { include_usage: true } })
    const chunks: Array<OpenAI.Completion> = []
    for await (const chunk of stream) chunks.push(chunk)
    const texts = chunks.flatMap((c) => c.choices.map((ch) => ch.text))
    expect(texts.join("")).toBe(code.slice(prompt.length))
    expect(texts.length).toBeGreaterThan(5)
    const last = chunks[chunks.length - 2]!
    expect(last.choices[0]!.finish_reason).toBe("stop")
    expect(chunks[chunks.length - 1]!.choices).toEqual([])
    expect(chunks[chunks.length - 1]!.usage!.prompt_tokens).toBe(enc(prompt).length)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
  })

  it("streams whole UTF-8 characters when the model emits single bytes", async () => {
    const stream = await client.completions.create({ model: MODEL, prompt: "utf8:", temperature: 0, max_tokens: 50, stream: true })
    const texts: Array<string> = []
    for await (const chunk of stream) texts.push(...chunk.choices.map((c) => c.text))
    expect(texts.join("")).toBe("a€b🙂")
    for (const t of texts) expect(t.includes("\uFFFD")).toBe(false)
    expect(texts).toContain("€")
    expect(texts).toContain("🙂")
  })

  it("fills in the middle when given a suffix", async () => {
    const out = await client.completions.create({ model: MODEL, prompt: "def add(", suffix: "):\n    pass\n", temperature: 0, max_tokens: 20 })
    expect(out.choices[0]!.text).toBe("xyz")
    expect(out.choices[0]!.finish_reason).toBe("stop")
    // <fim_prefix>, <fim_suffix>, <fim_middle> and both texts.
    expect(out.usage!.prompt_tokens).toBe(enc("def add(").length + enc("):\n    pass\n").length + 3)
    const plain = await client.completions.create({ model: MODEL, prompt: "def add(", temperature: 0, max_tokens: 20 })
    expect(plain.choices[0]!.text).not.toBe("xyz")
  })

  it("answers several prompts and n choices, reproducibly for a seed", async () => {
    // A diffuse model, so that sampled choices differ.
    const diffuse = new CorpusModel(tokenizer.vocabSize, CONTEXT, [[...enc(code), EOS]], { high: 4, fallback: EOS })
    const other = await Server.start({ model: diffuse, tokenizer, port: 0 })
    try {
      const c = new OpenAI({ baseURL: other.url, apiKey: "none", maxRetries: 0 })
      const request = { model: "pretrain", prompt: ["def add(a, b):", "def sub(a, b):"], n: 3, max_tokens: 12, temperature: 1, seed: 7 }
      const a = await c.completions.create(request)
      const b = await c.completions.create(request)
      expect(a.choices.map((ch) => ch.index)).toEqual([0, 1, 2, 3, 4, 5])
      expect(b.choices.map((ch) => ch.text)).toEqual(a.choices.map((ch) => ch.text))
      expect(new Set(a.choices.map((ch) => ch.text)).size).toBeGreaterThan(2)
      const other7 = await c.completions.create({ ...request, seed: 8 })
      expect(other7.choices.map((ch) => ch.text)).not.toEqual(a.choices.map((ch) => ch.text))
      expect(a.usage!.prompt_tokens).toBe(enc("def add(a, b):").length + enc("def sub(a, b):").length)
      expect(a.usage!.completion_tokens).toBeLessThanOrEqual(6 * 12)
      expect(a.usage).toEqual(b.usage)
    } finally {
      await other.close()
    }
  })

  it("chats with the plain template, stopping where the next turn starts", async () => {
    const out = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Say hi" }], temperature: 0 })
    expect(out.object).toBe("chat.completion")
    expect(out.choices[0]!.message).toMatchObject({ role: "assistant", content: "Hi! I write code." })
    expect(out.choices[0]!.finish_reason).toBe("stop")
    expect(out.usage!.prompt_tokens).toBe(enc(chatPrompt).length)
  })

  it("streams chat deltas in chunk format", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: [{ type: "text", text: "Say hi" }] }],
      temperature: 0,
      stream: true
    })
    const chunks: Array<OpenAI.ChatCompletionChunk> = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks[0]!.object).toBe("chat.completion.chunk")
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant")
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? "").join("")).toBe("Hi! I write code.")
    expect(chunks[chunks.length - 1]!.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" })
  })

  it("reports errors in OpenAI's format with their status codes", async () => {
    await expect(client.completions.create({ model: "gpt-4", prompt: "x" })).rejects.toMatchObject({ status: 404, code: "model_not_found" })
    await expect(client.completions.create({ model: MODEL, prompt: "x", temperature: 5 })).rejects.toMatchObject({ status: 400, param: "temperature" })
    await expect(client.completions.create({ model: MODEL, prompt: "x", logprobs: 2 })).rejects.toMatchObject({ status: 400, code: "unsupported_parameter" })
    await expect(client.completions.create({ model: MODEL, prompt: "def add(a, b):".repeat(60) })).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" })
    await expect(client.completions.create({ model: MODEL, prompt: [1, tokenizer.vocabSize + 5] })).rejects.toMatchObject({ status: 400, param: "prompt" })
    await expect(client.chat.completions.create({ model: MODEL, messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError)
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: "wizard", content: "x" } as never] })).rejects.toMatchObject({ status: 400, param: "messages[0].role" })
    const notJson = await raw("/v1/completions", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_json" } })
    const unknown = await raw("/v1/embeddings", { method: "POST", body: "{}" })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: "unknown_url" } })
    expect((await raw("/v1/completions")).status).toBe(405)
  })

  it("cuts prompts that do not fit when started with truncatePrompts", async () => {
    const other = await Server.start({ model, tokenizer, port: 0, truncatePrompts: true })
    try {
      const c = new OpenAI({ baseURL: other.url, apiKey: "none", maxRetries: 0 })
      const out = await c.completions.create({ model: "pretrain", prompt: "def add(a, b):".repeat(60), temperature: 0 })
      expect(out.usage!.prompt_tokens).toBe(CONTEXT - 16)
      expect(out.usage!.completion_tokens).toBeGreaterThan(0)
    } finally {
      await other.close()
    }
  })

  it("queues concurrent requests: all succeed and generations never interleave", async () => {
    const start = model.feeds.length
    const prompt = "def add(a, b):"
    const expected = code.slice(prompt.length)
    const plain = () => client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100 }).then((c) => c.choices[0]!.text)
    const streamed = async () => {
      const s = await client.completions.create({ model: MODEL, prompt, temperature: 0, max_tokens: 100, stream: true })
      let text = ""
      for await (const c of s) text += c.choices[0]?.text ?? ""
      return text
    }
    const results = await Promise.all([plain(), streamed(), plain(), streamed(), plain(), streamed()])
    expect(results).toEqual(new Array(6).fill(expected))
    const order = model.feeds.slice(start)
    const finished = new Set<number>()
    for (let i = 1; i < order.length; i++) {
      if (order[i] !== order[i - 1]) {
        finished.add(order[i - 1]!)
        expect(finished.has(order[i]!)).toBe(false)
      }
    }
    expect(new Set(order).size).toBe(6)
  })

  it("stops generating when a streaming client disconnects", async () => {
    const [a, b] = [enc("a"), enc("b")]
    expect([a.length, b.length]).toEqual([1, 1])
    const slow = new BigramModel(tokenizer.vocabSize, 4000, [[a[0]!, b[0]!, b[0]!]])
    const other = await Server.start({ model: slow, tokenizer, port: 0 })
    try {
      const c = new OpenAI({ baseURL: other.url, apiKey: "none", maxRetries: 0 })
      const stream = await c.completions.create({ model: "pretrain", prompt: "a", temperature: 0, max_tokens: 2900, stream: true })
      let seen = 0
      for await (const _ of stream) if (++seen === 3) break
      const text = await c.completions.create({ model: "pretrain", prompt: "a", temperature: 0, max_tokens: 3 })
      expect(text.choices[0]!.text).toBe("bbb")
      expect(slow.fed).toBeLessThan(2000)
    } finally {
      await other.close()
    }
  })

  it("answers a model failure with 500, or an error event once streaming", async () => {
    const failing = {
      vocabSize: tokenizer.vocabSize,
      contextLength: CONTEXT,
      session() {
        const inner = model.session()
        return {
          get length() {
            return inner.length
          },
          feed(tokens: ArrayLike<number>) {
            if (inner.length > 0) throw new Error("out of memory")
            return inner.feed(tokens)
          }
        }
      }
    }
    const other = await Server.start({ model: failing, tokenizer, port: 0 })
    try {
      const c = new OpenAI({ baseURL: other.url, apiKey: "none", maxRetries: 0 })
      await expect(c.completions.create({ model: "pretrain", prompt: "def add(a, b):", temperature: 0 })).rejects.toMatchObject({ status: 500, type: "server_error" })
      const stream = await c.chat.completions.create({ model: "pretrain", messages: [{ role: "user", content: "Say hi" }], temperature: 0, stream: true })
      const seen: Array<string> = []
      await expect((async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "")
      })()).rejects.toThrow(/out of memory/)
      // The server still answers after the failures.
      expect((await c.models.list()).data).toHaveLength(1)
    } finally {
      await other.close()
    }
  })
})

describe("Server.listener", () => {
  it("mounts the API on a node:http server of one's own", async () => {
    const http = await import("node:http")
    const own = http.createServer(Server.listener(Server.context({ model, tokenizer, modelName: "mounted" })))
    await new Promise<void>((resolve) => own.listen(0, "127.0.0.1", resolve))
    try {
      const port = (own.address() as import("node:net").AddressInfo).port
      const c = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "none", maxRetries: 0 })
      const out = await c.completions.create({ model: "mounted", prompt: "def add(a, b):", temperature: 0, max_tokens: 100, stop: "\n\n" })
      expect(out.choices[0]!.text).toBe("\n    return a + b")
    } finally {
      own.closeAllConnections()
      await new Promise((resolve) => own.close(resolve))
    }
  })
})
