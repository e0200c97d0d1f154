import { describe, expect, it } from "@effect/vitest"
import { AdamW, gradNorm, learningRate } from "../src/Optimizer.ts"
import { Arena } from "../src/Wasm.ts"

describe("Optimizer", () => {
  it("warmup is linear, then cosine decays to the minimum, which holds after the end", () => {
    const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 }
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 12)
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 12)
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12)
    expect(learningRate(s, 60)).toBeCloseTo(5.5e-4, 12)
    expect(learningRate(s, 110)).toBe(1e-4)
    expect(learningRate(s, 500)).toBe(1e-4)
  })

  it("clips to the max norm, decays only the tensors marked for decay, and reports the norm before clipping", () => {
    const arena = Arena.make()
    const params = arena.alloc(4)
    const grads = arena.alloc(4)
    params.data.set([1, 1, 1, 1])
    grads.data.set([3, 4, 0, 0])
    const specs = [
      { name: "w", shape: [2], decay: true, offset: 0, size: 2, init: "normal" as const },
      { name: "b", shape: [2], decay: false, offset: 2, size: 2, init: "zero" as const }
    ]
    const opt = new AdamW(specs, 4, { weightDecay: 0.5 })
    expect(gradNorm(grads.data)).toBe(5)
    expect(opt.update(params, grads, 0.1, 1)).toBe(5)
    // first step: m̂ = g, v̂ = g² → update ≈ lr · sign(g); decay 1 - lr·wd on "w" only
    expect(params.data[0]).toBeCloseTo(1 * 0.95 - 0.1, 5)
    expect(params.data[1]).toBeCloseTo(1 * 0.95 - 0.1, 5)
    expect(params.data[2]).toBe(1)
    expect(params.data[3]).toBe(1)
    expect(opt.step).toBe(1)
  })
})
