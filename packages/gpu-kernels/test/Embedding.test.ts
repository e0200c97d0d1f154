import { describe, it } from "vitest"
import { Embedding, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, randomInts, submit, useGpu } from "./support.ts"

describe("Embedding", () => {
  const gpuIt = useGpu()
  for (const [V, C, N] of [[1, 1, 1], [5, 3, 40], [11, 70, 9]] as const) {
    gpuIt(`lookup and scatter-add backward (repeated ids) match the CPU reference: V=${V} C=${C} N=${N}`, async (gpu) => {
      const table = random(V * C, 1)
      const ids = randomInts(N, 2, V)
      const dout = random(N * C, 3)
      const out = new Float32Array(N * C)
      Reference.embeddingForward(out, table, ids, N, C)
      const dtable = random(V * C, 4)
      const tdtable = Tensor.fromArray(gpu, dtable, [V, C])
      Reference.embeddingBackward(dtable, dout, ids, N, C)
      const tout = Tensor.zeros(gpu, [N, C])
      const tids = Tensor.fromArray(gpu, ids)
      await submit(gpu, (b) => {
        Embedding.forward(b, tout, Tensor.fromArray(gpu, table, [V, C]), tids)
        Embedding.backward(b, tdtable, Tensor.fromArray(gpu, dout, [N, C]), tids)
      })
      await expectTensorClose(tout, out, 0)
      await expectTensorClose(tdtable, dtable, 1e-5)
    })
  }
})

it("embedding backward matches finite differences", () => {
  const [V, C, N] = [4, 2, 6]
  const table = random(V * C, 5)
  const ids = new Uint32Array([0, 3, 3, 1, 0, 3])
  const w = random(N * C, 6)
  const out = new Float32Array(N * C)
  const loss = () => (Reference.embeddingForward(out, table, ids, N, C), dotLoss(out, w))
  const dt = new Float32Array(V * C)
  Reference.embeddingBackward(dt, w, ids, N, C)
  const idx = [0, 1, 2, 4, 6, 7]
  expectClose(finiteDiff(table, idx, loss), idx.map((i) => dt[i]!), 1e-3)
})
