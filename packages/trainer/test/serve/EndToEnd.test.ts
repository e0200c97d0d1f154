import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect, Fiber } from "effect"
import { Command } from "effect/cli"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import * as Checkpoint from "../../src/Checkpoint.ts"
import * as Config from "../../src/Config.ts"
import * as Generate from "../../src/Generate.ts"
import { loadForInference } from "../../src/Inference.ts"
import { Model } from "../../src/Model.ts"
import * as ChatTemplate from "../../src/serve/ChatTemplate.ts"
import { serveCommand } from "../../src/serve/Command.ts"
import { trainTokenizer } from "./Fixtures.ts"

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

let dir: string
let fiber: Fiber.Fiber<void, unknown>
let client: OpenAI

beforeAll(async () => {
  // An untrained model with random weights and a vocabulary padded past the tokenizer's.
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "serve-e2e-")), "random-nano")
  const tokenizer = trainTokenizer()
  const model = Model.init(Config.named("llama-nano", tokenizer.vocabSize + 13, { contextLength: 64 }), 1)
  Checkpoint.writeModel(dir, model)
  tokenizer.saveSync(path.join(dir, "tokenizer.json"))
  const port = await freePort()
  vi.spyOn(console, "log").mockImplementation(() => undefined)
  fiber = Effect.runFork(Command.runWith(serveCommand, { version: "test" })(["--checkpoint", dir, "--port", String(port)]).pipe(Effect.provide(NodeServices.layer)))
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "none", maxRetries: 0 })
  for (let i = 0; i < 400; i++) {
    if (await client.models.list().then(() => true, () => false)) break
    await new Promise((r) => setTimeout(r, 25))
  }
})

afterAll(async () => {
  await Effect.runPromise(Fiber.interrupt(fiber))
  vi.restoreAllMocks()
  fs.rmSync(path.dirname(dir), { recursive: true, force: true })
})

describe("serving a checkpoint of the trained transformer", () => {
  it("answers as the library generates, for completions, FIM and streamed chat", async () => {
    const { model, tokenizer } = loadForInference(dir)
    expect((await client.models.list()).data[0]).toMatchObject({ id: "random-nano", context_length: 64, vocab_size: tokenizer.vocabSize + 13 })

    const prompt = "def add(a, b):"
    const expected = Generate.generate(model, tokenizer, prompt, { temperature: 0, maxTokens: 12 })
    expect(expected.text.length).toBeGreaterThan(0)
    const out = await client.completions.create({ model: "random-nano", prompt, temperature: 0, max_tokens: 12 })
    expect(out.choices[0]!.text).toBe(expected.text)
    expect(out.choices[0]!.finish_reason).toBe(expected.finishReason)
    expect(out.usage).toEqual({ prompt_tokens: expected.usage.promptTokens, completion_tokens: expected.usage.completionTokens, total_tokens: expected.usage.totalTokens })

    const fim = { prefix: "def add(", suffix: "):\n    return a + b\n" }
    const fimOut = await client.completions.create({ model: "random-nano", prompt: fim.prefix, suffix: fim.suffix, temperature: 0, max_tokens: 8 })
    expect(fimOut.choices[0]!.text).toBe(Generate.generate(model, tokenizer, fim, { temperature: 0, maxTokens: 8 }).text)

    const messages = [{ role: "user" as const, content: "Write add" }]
    const rendered = ChatTemplate.render(messages, tokenizer)
    const chat = Generate.generate(model, tokenizer, rendered.prompt, { temperature: 0, maxTokens: 10, stop: rendered.stop })
    const stream = await client.chat.completions.create({ model: "random-nano", messages, temperature: 0, max_tokens: 10, stream: true })
    let content = ""
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? ""
    expect(content).toBe(chat.text)

    const sampled = { model: "random-nano", prompt, temperature: 1, top_p: 0.9, max_tokens: 10, seed: 5, n: 2 }
    const a = await client.completions.create(sampled)
    const b = await client.completions.create(sampled)
    expect(b.choices.map((c) => c.text)).toEqual(a.choices.map((c) => c.text))
    expect(a.choices[0]!.text).toBe(Generate.generate(model, tokenizer, prompt, { temperature: 1, topP: 0.9, maxTokens: 10, seed: 5 }).text)
  })
})
