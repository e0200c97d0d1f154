import { describe, expect, it } from "@effect/vitest"
import * as Batch from "../src/Batch.ts"
import * as Config from "../src/Config.ts"
import { asLanguageModel } from "../src/Inference.ts"
import { Model } from "../src/Model.ts"

const prompt = Array.from({ length: 70 }, (_, i) => (i * 11 + 3) % 50)

/** Logits of the model's full forward at the last position of `tokens`. */
const fullLogits = (model: Model, tokens: ReadonlyArray<number>): Float32Array => {
  const batch = Batch.fromSequences([{ inputIds: tokens, boundaries: [0, tokens.length] }], tokens.length)
  const V = model.config.vocabSize
  return model.forwardLogits(batch).slice((tokens.length - 1) * V, tokens.length * V)
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0)

describe("Inference", () => {
  for (const variant of ["gpt2", "llama"] as const) {
    it(`${variant}: KV-cache session logits equal the full forward (prompt in chunks, then token by token)`, () => {
      const model = Model.init(Config.make(variant, { nLayer: 2, nHead: 2, dModel: 32, contextLength: 96 }, 50), 2)
      const lm = asLanguageModel(model)
      expect(lm.vocabSize).toBe(50)
      const session = lm.session()
      const first = session.feed(prompt)
      expect(session.length).toBe(70)
      expect(maxDiff(first, fullLogits(model, prompt))).toBeLessThan(1e-4)
      const more = [5, 17, 42]
      let last = first
      for (const t of more) last = session.feed([t])
      expect(session.length).toBe(73)
      expect(maxDiff(last, fullLogits(model, [...prompt, ...more]))).toBeLessThan(1e-4)
      // Sessions are independent.
      const other = lm.session()
      expect(maxDiff(other.feed(prompt.slice(0, 5)), fullLogits(model, prompt.slice(0, 5)))).toBeLessThan(1e-4)
      expect(() => session.feed(new Array(30).fill(1))).toThrow(/context length/)
    })
  }
})
