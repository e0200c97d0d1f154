import { describe, it } from "vitest"
import { Gelu, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Gelu", () => {
  const gpuIt = useGpu()
  for (const n of [1, 257, 1000]) {
    gpuIt(`forward and backward match the CPU reference: ${n} elements, including large |x|`, async (gpu) => {
      const x = random(n, n, -6, 6)
      x[0] = n > 1 ? 20 : -20
      const dout = random(n, 2)
      const expected = new Float32Array(n)
      Reference.geluForward(expected, x, n)
      const dx = new Float32Array(n)
      Reference.geluBackward(dx, x, dout, n)
      const tx = Tensor.fromArray(gpu, x)
      const out = Tensor.zeros(gpu, [n])
      const tdx = Tensor.zeros(gpu, [n])
      await submit(gpu, (b) => {
        Gelu.forward(b, out, tx)
        Gelu.backward(b, tdx, tx, Tensor.fromArray(gpu, dout))
      })
      await expectTensorClose(out, expected, 1e-5)
      await expectTensorClose(tdx, dx, 1e-5)
    })
  }
})

it("gelu backward matches finite differences", () => {
  const n = 9
  const x = random(n, 3, -3, 3)
  const w = random(n, 4)
  const out = new Float32Array(n)
  const loss = () => (Reference.geluForward(out, x, n), dotLoss(out, w))
  const dx = new Float32Array(n)
  Reference.geluBackward(dx, x, w, n)
  const idx = [0, 1, 2, 3, 4, 5, 6, 7, 8]
  expectClose(finiteDiff(x, idx, loss, 1e-2), dx, 2e-3)
})
