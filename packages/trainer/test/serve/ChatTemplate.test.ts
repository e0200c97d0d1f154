import { Trainer } from "@pretrain/tokenizer"
import { describe, expect, it } from "vitest"
import * as ChatTemplate from "../../src/serve/ChatTemplate.ts"
import { trainTokenizer } from "./Fixtures.ts"

const messages: ReadonlyArray<ChatTemplate.ChatMessage> = [
  { role: "developer", content: "Answer in Python." },
  { role: "user", content: "Add two numbers" },
  { role: "assistant", content: "def add(a, b): return a + b" },
  { role: "user", content: "Now subtract" }
]

describe("ChatTemplate", () => {
  it("renders plain-text turns for tokenizers without chat tokens, stopping at the next turn", () => {
    const r = ChatTemplate.render(messages, trainTokenizer())
    expect(r.prompt).toBe(
      "### System:\nAnswer in Python.\n\n### User:\nAdd two numbers\n\n### Assistant:\ndef add(a, b): return a + b\n\n### User:\nNow subtract\n\n### Assistant:\n"
    )
    expect(r.stop).toEqual(["\n### "])
  })

  it("renders ChatML when the tokenizer has <|im_start|> and <|im_end|>", () => {
    const tokenizer = Trainer.train(["hello"], { vocabSize: 3 + 256, special: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] }).tokenizer
    const r = ChatTemplate.render(messages.slice(0, 2), tokenizer)
    expect(r.prompt).toBe("<|im_start|>system\nAnswer in Python.<|im_end|>\n<|im_start|>user\nAdd two numbers<|im_end|>\n<|im_start|>assistant\n")
    expect(r.stop).toEqual([])
    // The markers encode as their special tokens.
    const ids = Array.from(tokenizer.encode(r.prompt))
    expect(ids.filter((id) => id === tokenizer.tokenToId("<|im_start|>")).length).toBe(3)
  })
})
