import { describe, expect, it } from "vitest"
import { Shape } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

describe("Shape", () => {
  const gpt2 = { layers: 12, dModel: 768, heads: 12, seqLen: 1024, vocab: 50257 }

  it("GPT-2 small has 124,439,808 parameters, 124,337,664 without biases (nanoGPT)", () => {
    expect(Shape.paramCount(gpt2).total).toBe(124439808)
    const noBias = Shape.paramCount(gpt2, { bias: false })
    expect(noBias.total).toBe(124337664)
    expect(noBias.tokenEmbedding).toBe(38597376)
    expect(noBias.positionEmbedding).toBe(786432)
    expect(noBias.nonEmbedding).toBe(124337664 - 38597376 - 786432)
  })

  it("Chinchilla's counting convention reproduces Table A9 sizes (16,183M: 47 layers, 5120 wide, 40 heads)", () => {
    const params = Shape.chinchillaParams({ layers: 47, dModel: 5120, heads: 40, ffw: 20480, seqLen: 2048, vocab: 32000 })
    expectRel(params, 16183e6, 1e-3)
    expect(Shape.chinchillaParams({ layers: 44, dModel: 4608, heads: 36, ffw: 18432, seqLen: 2048, vocab: 32000 })).toBe(12296162304)
  })

  it("suggests shapes close to the target size with a sensible width/depth ratio", () => {
    for (const target of [125e6, 1.3e9, 7e9, 70e9]) {
      const shapes = Shape.suggestShapes(target)
      expect(shapes.length).toBe(3)
      for (const s of shapes) {
        expectRel(s.params, target, 0.16)
        expect(s.dModel % 128).toBe(0)
        expect(s.dModel / s.heads === 64 || s.dModel / s.heads === 128).toBe(true)
        expect(s.aspect).toBeGreaterThan(30)
        expect(s.aspect).toBeLessThan(250)
      }
    }
  })
})
