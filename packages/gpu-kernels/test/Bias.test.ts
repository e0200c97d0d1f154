import { describe, it } from "vitest"
import { Bias, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Bias", () => {
  const gpuIt = useGpu()
  for (const [N, C] of [[1, 1], [7, 13], [300, 3]] as const) {
    gpuIt(`forward and backward match the CPU reference: [${N}, ${C}]`, async (gpu) => {
      const x = random(N * C, 1)
      const bias = random(C, 2)
      const dout = random(N * C, 3)
      const expected = new Float32Array(N * C)
      Reference.biasForward(expected, x, bias, N, C)
      const dbias = random(C, 4)
      const tdbias = Tensor.fromArray(gpu, dbias)
      Reference.biasBackward(dbias, dout, N, C)
      const out = Tensor.zeros(gpu, [N, C])
      await submit(gpu, (b) => {
        Bias.forward(b, out, Tensor.fromArray(gpu, x, [N, C]), Tensor.fromArray(gpu, bias))
        Bias.backward(b, tdbias, Tensor.fromArray(gpu, dout, [N, C]))
      })
      await expectTensorClose(out, expected, 1e-6)
      await expectTensorClose(tdbias, dbias, 1e-5)
    })
  }
})

it("bias backward matches finite differences", () => {
  const [N, C] = [4, 3]
  const x = random(N * C, 5)
  const bias = random(C, 6)
  const w = random(N * C, 7)
  const out = new Float32Array(N * C)
  const loss = () => (Reference.biasForward(out, x, bias, N, C), dotLoss(out, w))
  const dbias = new Float32Array(C)
  Reference.biasBackward(dbias, w, N, C)
  expectClose(finiteDiff(bias, [0, 1, 2], loss), dbias, 1e-3)
})
