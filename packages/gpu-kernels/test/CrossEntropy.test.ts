import { describe, it } from "vitest"
import { CrossEntropy, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, randomInts, submit, useGpu } from "./support.ts"

describe("CrossEntropy", () => {
  const gpuIt = useGpu()
  for (const [N, V] of [[1, 1], [7, 10], [3, 1000]] as const) {
    gpuIt(`fused softmax + cross-entropy and its gradient match the CPU reference: N=${N} V=${V}`, async (gpu) => {
      const logits = random(N * V, V, -8, 8)
      const targets = randomInts(N, 2, V)
      const losses = new Float32Array(N)
      Reference.crossEntropyForward(losses, logits, targets, N, V)
      const dlogits = new Float32Array(N * V)
      Reference.crossEntropyBackward(dlogits, logits, targets, 1 / N, N, V)
      const tl = Tensor.fromArray(gpu, logits, [N, V])
      const tt = Tensor.fromArray(gpu, targets)
      const tlosses = Tensor.zeros(gpu, [N])
      const tlosses2 = Tensor.zeros(gpu, [N])
      const td = Tensor.zeros(gpu, [N, V])
      await submit(gpu, (b) => {
        CrossEntropy.forward(b, tlosses, tl, tt)
        CrossEntropy.forwardBackward(b, tlosses2, td, tl, tt, 1 / N)
      })
      await expectTensorClose(tlosses, losses, 1e-5, 1e-5)
      await expectTensorClose(tlosses2, losses, 1e-5, 1e-5)
      await expectTensorClose(td, dlogits, 1e-6, 1e-4)
    })
  }
})

it("cross-entropy backward matches finite differences of the mean loss", () => {
  const [N, V] = [3, 5]
  const logits = random(N * V, 1, -3, 3)
  const targets = new Uint32Array([4, 0, 2])
  const losses = new Float32Array(N)
  const ones = new Float32Array(N).fill(1 / N)
  const loss = () => (Reference.crossEntropyForward(losses, logits, targets, N, V), dotLoss(losses, ones))
  const d = new Float32Array(N * V)
  Reference.crossEntropyBackward(d, logits, targets, 1 / N, N, V)
  const idx = [0, 4, 5, 12, 14]
  expectClose(finiteDiff(logits, idx, loss), idx.map((i) => d[i]!), 1e-3)
})
