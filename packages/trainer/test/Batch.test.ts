import { describe, expect, it } from "@effect/vitest"
import * as Batch from "../src/Batch.ts"
import * as Config from "../src/Config.ts"
import * as Data from "../src/Data.ts"
import { Model } from "../src/Model.ts"
import * as Trainer from "../src/Trainer.ts"

describe("Batch", () => {
  it("targets stay inside documents; attention starts and positions restart at boundaries; padding has no loss", () => {
    const batch = Batch.fromSequences([{ inputIds: [10, 11, 12, 20, 21, 30, 0, 0], boundaries: [0, 3, 5, 6] }], 8)
    expect(Array.from(batch.tokens)).toEqual([10, 11, 12, 20, 21, 30, 0, 0])
    expect(Array.from(batch.targets)).toEqual([11, 12, -1, 21, -1, -1, -1, -1])
    expect(Array.from(batch.segStart)).toEqual([0, 0, 0, 3, 3, 5, 6, 6])
  })

  it("a document's tokens do not see other documents: its loss is the same alone or packed", () => {
    const model = Model.init(Config.make("llama", { nLayer: 1, nHead: 2, dModel: 16, contextLength: 16 }, 40), 1)
    const doc = [5, 9, 2, 7, 7, 1]
    const alone = model.forward(Batch.fromSequences([{ inputIds: doc, boundaries: [0, 6] }], 6))
    const packed = model.forward(Batch.fromSequences([{ inputIds: [3, 3, 8, 4, ...doc, 6, 6], boundaries: [0, 4, 10, 12] }], 12))
    const other = model.forward(Batch.fromSequences([{ inputIds: [3, 3, 8, 4], boundaries: [0, 4] }], 4))
    const tail = model.forward(Batch.fromSequences([{ inputIds: [6, 6], boundaries: [0, 2] }], 2))
    // packed mean over 3 + 5 + 1 targets = weighted mean of the parts
    expect(packed).toBeCloseTo((other * 3 + alone * 5 + tail * 1) / 9, 5)
  })
})

describe("Data", () => {
  it("the order is a seeded permutation per epoch", () => {
    const order = new Data.Order(10, 3)
    const epoch0 = Array.from({ length: 10 }, (_, k) => order.index(k))
    const epoch1 = Array.from({ length: 10 }, (_, k) => order.index(10 + k))
    expect([...epoch0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(epoch1).not.toEqual(epoch0)
    expect(Array.from({ length: 10 }, (_, k) => new Data.Order(10, 3).index(k))).toEqual(epoch0)
    expect(Array.from({ length: 10 }, (_, k) => new Data.Order(10, 4).index(k))).not.toEqual(epoch0)
  })

  it("same seed, same run, bit for bit; another seed, another run", () => {
    const tokens = Array.from({ length: 800 }, (_, i) => (i * 7) % 30)
    const run = (seed: number) =>
      Trainer.train({
        model: Model.init(Config.make("gpt2", { nLayer: 1, nHead: 2, dModel: 16, contextLength: 16 }, 30), seed),
        train: Data.fromTokens(tokens, 16),
        options: { steps: 3, batchSize: 2, seqLen: 16, seed }
      }).records.map((r) => r.loss)
    expect(run(1)).toEqual(run(1))
    expect(run(2)).not.toEqual(run(1))
  })
})

describe("Model head chunks", () => {
  it("loss, gradients and logits do not depend on how many logit rows are materialised at once", () => {
    const config = Config.make("gpt2", { nLayer: 1, nHead: 2, dModel: 16, contextLength: 16 }, 30)
    const batch = Batch.fromSequences([{ inputIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], boundaries: [0, 5, 12] }, { inputIds: [3, 1, 4, 1, 5, 9, 2, 6], boundaries: [0, 8] }], 12)
    const run = (rows: number | undefined) => {
      const model = Model.init(config, 9)
      model.headChunkRows = rows
      model.zeroGrad()
      const loss = model.forward(batch, 1)
      model.backward()
      return { loss, grads: Array.from(model.grads.data), logits: Array.from(model.forwardLogits(batch)) }
    }
    const whole = run(undefined)
    const chunked = run(5)
    expect(chunked.loss).toBeCloseTo(whole.loss, 6)
    expect(chunked.logits).toEqual(whole.logits)
    const worst = chunked.grads.reduce((m, g, i) => Math.max(m, Math.abs(g - whole.grads[i]!)), 0)
    expect(worst).toBeLessThan(1e-6)
  })
})
