import { describe, it } from "vitest"
import { Reference, RmsNorm, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("RmsNorm", () => {
  const gpuIt = useGpu()
  for (const [N, C] of [[1, 1], [6, 5], [4, 257]] as const) {
    gpuIt(`forward and backward match the CPU reference: [${N}, ${C}]`, async (gpu) => {
      const x = random(N * C, C, -3, 3)
      const w = random(C, 2)
      const dout = random(N * C, 4)
      const out = new Float32Array(N * C)
      const rstd = new Float32Array(N)
      Reference.rmsnormForward(out, rstd, x, w, N, C)
      const dx = new Float32Array(N * C)
      const dw = new Float32Array(C)
      Reference.rmsnormBackward(dx, dw, dout, x, w, rstd, N, C)
      const tx = Tensor.fromArray(gpu, x)
      const tw = Tensor.fromArray(gpu, w)
      const tout = Tensor.zeros(gpu, [N, C])
      const trstd = Tensor.zeros(gpu, [N])
      const tdx = Tensor.zeros(gpu, [N, C])
      const tdw = Tensor.zeros(gpu, [C])
      await submit(gpu, (b) => {
        RmsNorm.forward(b, tout, trstd, tx, tw)
        RmsNorm.backward(b, { dinp: tdx, dweight: tdw }, Tensor.fromArray(gpu, dout), tx, tw, trstd)
      })
      await expectTensorClose(tout, out, 1e-5, 1e-4)
      await expectTensorClose(trstd, rstd, 1e-5, 1e-4)
      await expectTensorClose(tdx, dx, 1e-4, 1e-3)
      await expectTensorClose(tdw, dw, 1e-4, 1e-3)
    })
  }
})

it("rmsnorm backward matches finite differences", () => {
  const [N, C] = [3, 4]
  const x = random(N * C, 1, -2, 2)
  const w = random(C, 2)
  const g = random(N * C, 3)
  const out = new Float32Array(N * C)
  const rstd = new Float32Array(N)
  const loss = () => (Reference.rmsnormForward(out, rstd, x, w, N, C), dotLoss(out, g))
  loss()
  const dx = new Float32Array(N * C)
  const dw = new Float32Array(C)
  Reference.rmsnormBackward(dx, dw, g, x, w, rstd.slice(), N, C)
  const idx = [0, 5, 11]
  expectClose(finiteDiff(x, idx, loss), idx.map((i) => dx[i]!), 3e-3)
  expectClose(finiteDiff(w, [0, 3], loss), [dw[0]!, dw[3]!], 3e-3)
})
