import { describe, it } from "vitest"
import { Reference, Softmax, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Softmax", () => {
  const gpuIt = useGpu()
  for (const [rows, T] of [[1, 1], [3, 7], [2, 130]] as const) {
    gpuIt(`causal forward and backward match the CPU reference: [${rows}, ${T}, ${T}]`, async (gpu) => {
      const scale = 0.37
      const x = random(rows * T * T, T, -4, 4)
      const dp = random(rows * T * T, 2)
      const probs = new Float32Array(x.length)
      Reference.softmaxCausalForward(probs, x, rows, T, scale)
      const dx = new Float32Array(x.length)
      Reference.softmaxCausalBackward(dx, dp, probs, rows, T, scale)
      const out = Tensor.zeros(gpu, [rows, T, T])
      const tdx = Tensor.zeros(gpu, [rows, T, T])
      await submit(gpu, (b) => {
        Softmax.forward(b, out, Tensor.fromArray(gpu, x), T, scale)
        Softmax.backward(b, tdx, out, Tensor.fromArray(gpu, dp), T, scale)
      })
      await expectTensorClose(out, probs, 1e-6, 1e-5)
      await expectTensorClose(tdx, dx, 1e-6, 1e-4)
    })
  }
})

it("causal softmax backward matches finite differences", () => {
  const [rows, T, scale] = [2, 4, 0.8]
  const x = random(rows * T * T, 8, -2, 2)
  const w = random(rows * T * T, 9)
  const out = new Float32Array(x.length)
  const loss = () => (Reference.softmaxCausalForward(out, x, rows, T, scale), dotLoss(out, w))
  loss()
  const dx = new Float32Array(x.length)
  Reference.softmaxCausalBackward(dx, w, out.slice(), rows, T, scale)
  const idx = [0, 4, 5, 12, 15, 16 + 9, 31]
  expectClose(finiteDiff(x, idx, loss), idx.map((i) => dx[i]!), 2e-3)
})
