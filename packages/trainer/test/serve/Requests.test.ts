import { describe, expect, it } from "vitest"
import { ApiError } from "../../src/serve/ApiError.ts"
import * as Requests from "../../src/serve/Requests.ts"

const fails = (f: () => unknown): ApiError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    return e as ApiError
  }
  throw new Error("expected an ApiError")
}

describe("Requests.completion", () => {
  it("reads defaults and OpenAI's field forms", () => {
    const p = Requests.completion({ model: "m", prompt: "x" })
    expect(p).toMatchObject({ model: "m", prompts: ["x"], maxTokens: undefined, temperature: 1, topP: 1, topK: 0, n: 1, stop: [], stream: false, includeUsage: false, suffix: undefined })
    expect(Requests.completion({ prompt: ["a", "b"], stop: "\n" })).toMatchObject({ prompts: ["a", "b"], stop: ["\n"] })
    expect(Requests.completion({ prompt: [1, 2, 3] }).prompts).toEqual([[1, 2, 3]])
    expect(Requests.completion({ prompt: [[1], [2, 3]] }).prompts).toEqual([[1], [2, 3]])
    expect(Requests.completion({ prompt: "x", stop: ["", "a"], top_k: 5, seed: -3, max_tokens: 7 })).toMatchObject({ stop: ["a"], topK: 5, seed: -3, maxTokens: 7 })
    expect(Requests.completion({ prompt: "x", stream: true, stream_options: { include_usage: true } }).includeUsage).toBe(true)
    // Harmless values of unsupported fields pass.
    expect(() => Requests.completion({ prompt: "x", logprobs: null, echo: false, best_of: 1, presence_penalty: 0, logit_bias: {} })).not.toThrow()
  })

  it("names the field at fault", () => {
    expect(fails(() => Requests.completion({})).body.error).toMatchObject({ param: "prompt", code: "missing_required_parameter" })
    expect(fails(() => Requests.completion({ prompt: [] })).param).toBe("prompt")
    expect(fails(() => Requests.completion({ prompt: [1.5] })).param).toBe("prompt")
    expect(fails(() => Requests.completion({ prompt: "x", max_tokens: 0 })).param).toBe("max_tokens")
    expect(fails(() => Requests.completion({ prompt: "x", top_p: 1.5 })).param).toBe("top_p")
    expect(fails(() => Requests.completion({ prompt: "x", n: Requests.MAX_N + 1 })).param).toBe("n")
    expect(fails(() => Requests.completion({ prompt: "x", stop: [1] })).param).toBe("stop")
    expect(fails(() => Requests.completion({ prompt: "x", seed: 1.5 })).param).toBe("seed")
    expect(fails(() => Requests.completion({ prompt: [1, 2], suffix: "s" })).param).toBe("suffix")
    expect(fails(() => Requests.completion({ prompt: "x", stream_options: { include_usage: true } })).param).toBe("stream_options")
    expect(fails(() => Requests.completion({ prompt: "x", frequency_penalty: 0.5 })).code).toBe("unsupported_parameter")
    expect(fails(() => Requests.completion("x")).status).toBe(400)
  })
})

describe("Requests.chat", () => {
  it("reads messages with string or text-part content", () => {
    const p = Requests.chat({
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }, { role: "assistant", content: null }],
      max_completion_tokens: 9
    })
    expect(p.messages).toEqual([{ role: "system", content: "be brief" }, { role: "user", content: "ab" }, { role: "assistant", content: "" }])
    expect(p.maxTokens).toBe(9)
    expect(Requests.chat({ messages: [{ role: "user", content: "x" }], max_tokens: 4 }).maxTokens).toBe(4)
  })

  it("refuses what it cannot do and names the field", () => {
    expect(fails(() => Requests.chat({ messages: "hi" })).param).toBe("messages")
    expect(fails(() => Requests.chat({ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] })).param).toBe("messages[0].content[0]")
    expect(fails(() => Requests.chat({ messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] })).param).toBe("tools")
    expect(fails(() => Requests.chat({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } })).param).toBe("response_format")
    expect(() => Requests.chat({ messages: [{ role: "user", content: "x" }], tools: [], response_format: { type: "text" } })).not.toThrow()
  })
})
