import { describe, expect, it } from "vitest"
import { Flops, Shape } from "../src/index.ts"

describe("Flops", () => {
  it("Chinchilla Table A4: App. F FLOPs (without embeddings and logits) over 6ND are 1.03, 1.10, 1.08, 1.04, 1.03, 0.99", () => {
    const models = [[10, 640, 2560, 10], [20, 1024, 4096, 16], [24, 1280, 5120, 10], [26, 1792, 7168, 14], [28, 2048, 8192, 16], [40, 3584, 14336, 28]]
    const ratios = models.map(([layers, dModel, ffw, heads]) => {
      const shape = { layers: layers!, dModel: dModel!, ffw: ffw!, heads: heads!, seqLen: 2048, vocab: 32000 }
      return Flops.chinchillaPerToken(shape, { includeEmbeddings: false }) / Flops.sixN(Shape.chinchillaParams(shape))
    })
    expect(ratios.map((r) => r.toFixed(2))).toEqual(["1.03", "1.10", "1.08", "1.04", "1.03", "0.99"])
  })

  it("PaLM's count for GPT-2 small: 875,062,886,400 FLOPs per 1024-token sequence (nanoGPT transformer_sizing.ipynb)", () => {
    const gpt2 = { layers: 12, dModel: 768, heads: 12, seqLen: 1024, vocab: 50257 }
    const p = Shape.paramCount(gpt2, { bias: false })
    expect(Flops.palm(gpt2, p.total - p.positionEmbedding) * 1024).toBe(875062886400)
  })

  it("Kaplan's N = 12·n_layer·d² for the standard shape, and 6N plus the attention term", () => {
    const shape = { layers: 24, dModel: 1024, heads: 16, seqLen: 2048, vocab: 50257 }
    const k = Flops.kaplan(shape)
    expect(k.params).toBe(12 * 24 * 1024 ** 2)
    expect(k.perToken).toBe(6 * k.params + 6 * 24 * 2048 * 1024)
  })

  it("DeepSeek's M = 72·n_layer·d² + 12·n_layer·d·l_seq", () => {
    expect(Flops.deepseekM({ layers: 30, dModel: 4096, heads: 32, seqLen: 4096, vocab: 102400 })).toBe(72 * 30 * 4096 ** 2 + 12 * 30 * 4096 * 4096)
  })

  it("App. F with embeddings counts the input embedding and the logits", () => {
    const shape = { layers: 4, dModel: 256, heads: 4, seqLen: 512, vocab: 1000 }
    expect(Flops.chinchillaForward(shape) - Flops.chinchillaForward(shape, { includeEmbeddings: false })).toBe(2 * 2 * 512 * 1000 * 256)
  })
})
