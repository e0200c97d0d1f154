/**
 * Rendering chat messages into one prompt. Two templates, picked by the tokenizer:
 *
 * - **ChatML**, when the tokenizer has `<|im_start|>` and `<|im_end|>` tokens (the SmolLM layout):
 *   each message is `<|im_start|>{role}\n{content}<|im_end|>\n`, and the prompt ends with
 *   `<|im_start|>assistant\n`. The model ends its turn with `<|im_end|>`, a special token, which
 *   ends generation.
 * - **Plain text** otherwise (StarCoder-style code tokenizers have no chat tokens): each message is
 *   `### {Role}:\n{content}\n\n` with Role one of System, User, Assistant, Tool (developer messages
 *   count as System), and the prompt ends with `### Assistant:\n`. Generation also stops at
 *   `\n### `, where the model would start the next turn.
 *
 * ```ts
 * ChatTemplate.render([{ role: "user", content: "Write fizzbuzz in Python" }], tokenizer)
 * // { prompt: "### User:\nWrite fizzbuzz in Python\n\n### Assistant:\n", stop: ["\n### "] }
 * ```
 *
 * @since 0.1.0
 */
import type { Tokenizer } from "@pretrain/tokenizer"

/** @since 0.1.0 @category models */
export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool"

/** @since 0.1.0 @category models */
export interface ChatMessage {
  readonly role: ChatRole
  readonly content: string
}

/** @since 0.1.0 @category models */
export interface RenderedChat {
  readonly prompt: string
  /** Stop sequences the template needs, besides the caller's. */
  readonly stop: ReadonlyArray<string>
}

const TITLES: Record<ChatRole, string> = { system: "System", developer: "System", user: "User", assistant: "Assistant", tool: "Tool" }

/**
 * True when the tokenizer has the ChatML tokens.
 *
 * @since 0.1.0 @category utils
 */
export const hasChatMl = (tokenizer: Tokenizer): boolean =>
  tokenizer.tokenToId("<|im_start|>") !== undefined && tokenizer.tokenToId("<|im_end|>") !== undefined

/**
 * The prompt for `messages`, ready for the assistant's reply.
 *
 * @since 0.1.0 @category rendering
 */
export const render = (messages: ReadonlyArray<ChatMessage>, tokenizer: Tokenizer): RenderedChat => {
  if (hasChatMl(tokenizer)) {
    const turns = messages.map((m) => `<|im_start|>${m.role === "developer" ? "system" : m.role}\n${m.content}<|im_end|>\n`)
    return { prompt: `${turns.join("")}<|im_start|>assistant\n`, stop: [] }
  }
  const turns = messages.map((m) => `### ${TITLES[m.role]}:\n${m.content}\n\n`)
  return { prompt: `${turns.join("")}### Assistant:\n`, stop: ["\n### "] }
}
