import { describe, expect, it } from "vitest"
import { DeepSeek, Flops } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

describe("DeepSeek", () => {
  // published configurations (DeepSeek LLM Table 2): 2.0T tokens each, batch in sequences of 4096
  const seven = { layers: 30, dModel: 4096, heads: 32, seqLen: 4096, vocab: 102400 }
  const sixtySeven = { layers: 95, dModel: 8192, heads: 64, seqLen: 4096, vocab: 102400 }

  it("7B: learning rate 4.2e-4 and a batch near 2304 × 4096 tokens", () => {
    const c = Flops.deepseekM(seven) * 2e12
    expect(DeepSeek.learningRate(c).toPrecision(2)).toBe("0.00042")
    expectRel(DeepSeek.batchTokens(c), 2304 * 4096, 0.05)
  })

  it("67B: learning rate 3.2e-4 (to 3 %) and a batch near 4608 × 4096 tokens", () => {
    const c = Flops.deepseekM(sixtySeven) * 2e12
    expectRel(DeepSeek.learningRate(c), 3.2e-4, 0.03)
    expectRel(DeepSeek.batchTokens(c), 4608 * 4096, 0.1)
  })

  it("M_opt·D_opt ≈ C (0.1715 × 5.8316 ≈ 1.0001)", () => {
    const h = DeepSeek.hyperparameters(1e22)
    expectRel(h.modelScale * h.dataScale, 1e22, 1e-3)
  })
})
