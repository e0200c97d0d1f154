import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Checkpoint, Config, Model } from "@pretrain/trainer"
import { Effect, Exit, Layer, Schema, Stream } from "effect"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Backends from "../src/Backends.ts"
import * as InHouse from "../src/InHouse.ts"
import * as LlamaCpp from "../src/LlamaCpp.ts"
import * as Llm from "../src/Llm.ts"
import * as Structured from "../src/Structured.ts"
import * as WebLlm from "../src/WebLlm.ts"
import { serve, tokenizer } from "./fixtures/models.ts"

const messages: ReadonlyArray<Llm.ChatMessage> = [
  { role: "system", content: "You write code." },
  { role: "user", content: "Write add" },
  { role: "assistant", content: "def add(a, b):" },
  { role: "user", content: "Now in JavaScript" }
]
const Pair = Schema.Struct({ problem: Schema.String, solution: Schema.String })

const failureOf = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const f = exit.cause.reasons.find((r) => r._tag === "Fail")
  return f !== undefined && "error" in f ? f.error : undefined
}

describe("InHouse", () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synth-inhouse-")), "nano")
  const tok = tokenizer()
  let server: Awaited<ReturnType<typeof serve>>

  beforeAll(async () => {
    Checkpoint.writeModel(dir, Model.Model.init(Config.named("gpt2-nano", tok.vocabSize, { contextLength: 256 }), 3))
    tok.saveSync(path.join(dir, "tokenizer.json"))
    const { Inference } = await import("@pretrain/trainer")
    const loaded = Inference.loadForInference(dir)
    server = await serve(loaded.model, loaded.tokenizer, "nano")
  })
  afterAll(async () => {
    await server.close()
    fs.rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  it("answers a checkpoint in process exactly as the server answers over HTTP", async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: "none", maxRetries: 0 })
    const request = { messages, temperature: 0.8, topP: 0.9, seed: 7, maxTokens: 10 }
    const http = await client.chat.completions.create({ model: "nano", messages: [...messages], temperature: 0.8, top_p: 0.9, seed: 7, max_tokens: 10 })
    const [completion, streamed] = await Effect.runPromise(
      Effect.all([Llm.complete(request), Stream.mkString(Llm.stream(request))]).pipe(Effect.provide(Backends.fromSpec(`inhouse:${dir}`)))
    )
    expect(completion).toMatchObject({ text: http.choices[0]!.message.content, model: "nano", completionTokens: http.usage!.completion_tokens })
    expect(streamed).toBe(completion.text)
  })

  it("fails with a typed error for a directory that is not a checkpoint", async () => {
    const exit = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), InHouse.layer({ checkpoint: os.tmpdir() + "/no-such-checkpoint" })))
    expect(failureOf(exit)).toMatchObject({ _tag: "BackendUnavailable" })
  })
})

describe("WebLlm", () => {
  it("maps requests onto web-llm's chat.completions.create, JSON schema as an XGrammar schema string", () => {
    const schema = Structured.jsonSchema(Pair)
    expect(WebLlm.toWebLlmRequest({ messages, maxTokens: 64, temperature: 0.2, topP: 0.9, seed: 3, stop: ["\n\n"], json: { name: "pair", schema } }, false)).toEqual({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      stream: false,
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      seed: 3,
      stop: ["\n\n"],
      response_format: { type: "json_object", schema: JSON.stringify(schema) }
    })
    expect(WebLlm.toWebLlmRequest({ messages }, true)).toEqual({ messages: messages.map((m) => ({ ...m })), stream: true, stream_options: { include_usage: true } })
  })

  it("runs structured generation over an engine's answers and streams its chunks", async () => {
    const seen: Array<WebLlm.WebLlmRequest> = []
    const answers = ["{\"problem\": 1}", "{\"problem\": \"p\", \"solution\": \"s\"}"]
    const engine: WebLlm.WebLlmEngine = {
      chat: {
        completions: {
          create: async (request) => {
            seen.push(request)
            if (request.stream) {
              return (async function*() {
                for (const d of ["he", "llo"]) yield { choices: [{ delta: { content: d } }] }
                yield { choices: [] }
              })()
            }
            return { model: "Qwen-test", choices: [{ message: { content: answers.shift()! }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 7 } }
          }
        }
      }
    }
    const layer = WebLlm.layer({ modelId: "Qwen-test", engine })
    const [result, streamed] = await Effect.runPromise(
      Effect.all([Structured.generate(Pair, { messages, maxTokens: 32 }, { name: "pair" }), Stream.mkString(Llm.stream({ messages }))]).pipe(Effect.provide(layer))
    )
    expect(result).toMatchObject({ value: { problem: "p", solution: "s" }, attempts: 2, completion: { model: "Qwen-test", completionTokens: 7 } })
    expect(seen[0]!.response_format).toEqual({ type: "json_object", schema: JSON.stringify(Structured.jsonSchema(Pair)) })
    expect(seen[1]!.messages.at(-1)!.content).toMatch(/invalid .*does not match the schema/)
    expect(streamed).toBe("hello")
  })

  it("fails with a typed error where there is no WebGPU adapter, before loading anything", async () => {
    const none = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), WebLlm.layer({ modelId: "m" })))
    expect(failureOf(none)).toMatchObject({ _tag: "BackendUnavailable", reason: expect.stringMatching(/WebGPU is not available: Node has no navigator.gpu/) })
    const nullAdapter = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), WebLlm.layer({ modelId: "m", gpu: { requestAdapter: async () => null } })))
    expect(failureOf(nullAdapter)).toMatchObject({ _tag: "BackendUnavailable", reason: expect.stringMatching(/requestAdapter\(\) returned null/) })
    const noPackage = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), WebLlm.layer({ modelId: "m", gpu: { requestAdapter: async () => ({}) } })))
    expect(failureOf(noPackage)).toMatchObject({ _tag: "BackendUnavailable", reason: expect.stringMatching(/@mlc-ai\/web-llm cannot be loaded/) })
  })
})

describe("LlamaCpp", () => {
  it("maps a request to system prompt, chat history, prompt and options", () => {
    expect(LlamaCpp.toLlamaCppPrompt({ messages, maxTokens: 20, temperature: 0.3, topP: 0.8, seed: 1, stop: ["###"] })).toEqual({
      systemPrompt: "You write code.",
      history: [{ type: "system", text: "You write code." }, { type: "user", text: "Write add" }, { type: "model", response: ["def add(a, b):"] }],
      prompt: "Now in JavaScript",
      options: { maxTokens: 20, temperature: 0.3, topP: 0.8, seed: 1, customStopTriggers: ["###"] }
    })
  })

  it("drives node-llama-cpp's session API, a JSON schema becoming a grammar made once", async () => {
    const calls: Array<string> = []
    const module: LlamaCpp.LlamaCppModule = {
      getLlama: async () => ({
        loadModel: async ({ modelPath }) => {
          calls.push(`load ${modelPath}`)
          return {
            createContext: async (o) => {
              calls.push(`context ${o?.sequences}`)
              return { getSequence: () => ({ dispose: () => calls.push("sequence disposed") }) }
            }
          }
        },
        createGrammarForJsonSchema: async (schema) => {
          calls.push(`grammar ${JSON.stringify(schema).length > 0}`)
          return { grammarFor: schema }
        }
      }),
      LlamaChatSession: class {
        constructor(o: { systemPrompt?: string }) {
          calls.push(`session ${o.systemPrompt}`)
        }
        setChatHistory(h: Array<LlamaCpp.HistoryItem>) {
          calls.push(`history ${h.length}`)
        }
        async prompt(text: string, o: LlamaCpp.PromptOptions = {}) {
          calls.push(`prompt ${text} grammar=${o.grammar !== undefined} max=${o.maxTokens}`)
          o.onTextChunk?.("{\"problem\": \"p\", ")
          o.onTextChunk?.("\"solution\": \"s\"}")
          return "{\"problem\": \"p\", \"solution\": \"s\"}"
        }
        dispose() {
          calls.push("session disposed")
        }
      }
    }
    const layer = LlamaCpp.layer({ modelPath: "/models/coder.gguf", module, sequences: 2 })
    const [a, b, streamed] = await Effect.runPromise(
      Effect.all([
        Structured.generate(Pair, { messages, maxTokens: 50 }),
        Structured.generate(Pair, { messages: [{ role: "user", content: "again" }] }),
        Stream.mkString(Llm.stream({ messages: [{ role: "user", content: "stream" }] }))
      ]).pipe(Effect.provide(layer))
    )
    expect(a.value).toEqual({ problem: "p", solution: "s" })
    expect(a.completion.model).toBe("coder.gguf")
    expect(b.value).toEqual({ problem: "p", solution: "s" })
    expect(streamed).toBe("{\"problem\": \"p\", \"solution\": \"s\"}")
    expect(calls).toEqual([
      "load /models/coder.gguf",
      "context 2",
      "grammar true",
      "session You write code.",
      "history 3",
      "prompt Now in JavaScript grammar=true max=50",
      "session disposed",
      "sequence disposed",
      "session undefined",
      "prompt again grammar=true max=undefined",
      "session disposed",
      "sequence disposed",
      "session undefined",
      "prompt stream grammar=false max=undefined",
      "session disposed",
      "sequence disposed"
    ])
  })

  it("fails with a typed error when the GGUF file or the package is missing", async () => {
    const noFile = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), LlamaCpp.layer({ modelPath: "/nonexistent/model.gguf" })))
    expect(failureOf(noFile)).toMatchObject({ _tag: "BackendUnavailable", reason: "no GGUF file at /nonexistent/model.gguf" })
    const gguf = path.join(os.tmpdir(), `synth-${process.pid}.gguf`)
    fs.writeFileSync(gguf, "GGUF")
    try {
      const noPackage = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), Backends.fromSpec(`gguf:${gguf}`)))
      expect(failureOf(noPackage)).toMatchObject({ _tag: "BackendUnavailable", reason: expect.stringMatching(/node-llama-cpp cannot be loaded \(npm install node-llama-cpp\)/) })
    } finally {
      fs.rmSync(gguf)
    }
  })
})

describe("Backends.fromSpec", () => {
  it("refuses a spec it does not know, naming the option", async () => {
    const exit = await Effect.runPromiseExit(Effect.provide(Llm.complete({ messages }), Backends.fromSpec("ftp://x") as Layer.Layer<Llm.Llm, unknown>))
    expect(failureOf(exit)).toMatchObject({ _tag: "OptionError", option: "backend" })
  })
})

describe("the browser example", () => {
  it("imports only modules that load without Node built-ins", async () => {
    const { readFileSync } = await import("node:fs")
    const src = path.join(import.meta.dirname, "../src")
    const seen = new Set<string>()
    const nodeImports: Array<string> = []
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const m of readFileSync(file, "utf8").matchAll(/^import [^"]*"([^"]+)"/gm)) {
        const spec = m[1]!
        if (spec.startsWith("node:")) nodeImports.push(`${path.basename(file)} -> ${spec}`)
        else if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec))
        else if (spec !== "effect") nodeImports.push(`${path.basename(file)} -> ${spec}`)
      }
    }
    const main = readFileSync(path.join(import.meta.dirname, "../examples/web-llm/main.js"), "utf8")
    const modules = [...main.matchAll(/from "@pretrain\/synthetic\/(\w+)"/g)].map((m) => m[1]!)
    expect(modules).toEqual(["Llm", "Structured", "WebLlm"])
    for (const m of modules) visit(path.join(src, `${m}.ts`))
    expect(nodeImports).toEqual([])
  })
})
