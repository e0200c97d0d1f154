import { describe, it } from "vitest"
import { Reference, Swiglu, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Swiglu", () => {
  const gpuIt = useGpu()
  for (const [N, F] of [[1, 1], [7, 13], [3, 257]] as const) {
    gpuIt(`forward and backward match the CPU reference: N=${N} F=${F}`, async (gpu) => {
      const h = random(N * 2 * F, F, -6, 6)
      const dout = random(N * F, 2)
      const out = new Float32Array(N * F)
      Reference.swigluForward(out, h, N, F)
      const dh = random(h.length, 3)
      const tdh = Tensor.fromArray(gpu, dh)
      Reference.swigluBackward(dh, h, dout, N, F)
      const tout = Tensor.zeros(gpu, [N, F])
      const th = Tensor.fromArray(gpu, h, [N, 2 * F])
      await submit(gpu, (b) => {
        Swiglu.forward(b, tout, th, F)
        Swiglu.backward(b, tdh, th, Tensor.fromArray(gpu, dout), F)
      })
      await expectTensorClose(tout, out, 1e-5, 1e-5)
      await expectTensorClose(tdh, dh, 1e-5, 1e-5)
    })
  }
})

it("swiglu backward matches finite differences", () => {
  const [N, F] = [2, 3]
  const h = random(N * 2 * F, 1, -3, 3)
  const w = random(N * F, 2)
  const out = new Float32Array(N * F)
  const loss = () => (Reference.swigluForward(out, h, N, F), dotLoss(out, w))
  const dh = new Float32Array(h.length)
  Reference.swigluBackward(dh, h, w, N, F)
  const idx = [0, 2, 4, 6, 11]
  expectClose(finiteDiff(h, idx, loss), idx.map((i) => dh[i]!), 2e-3)
})
