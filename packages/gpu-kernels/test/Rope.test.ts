import { describe, it } from "vitest"
import { Reference, Rope, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Rope", () => {
  const gpuIt = useGpu()
  for (const [rows, T, D, offset] of [[1, 1, 2, 0], [3, 17, 8, 0], [2, 5, 64, 100]] as const) {
    gpuIt(`forward and backward match the CPU reference: [${rows}, ${T}, ${D}] from position ${offset}`, async (gpu) => {
      const x = random(rows * T * D, D)
      const dout = random(rows * T * D, 2)
      const out = new Float32Array(x.length)
      Reference.ropeForward(out, x, rows, T, D, 10000, offset)
      const dx = random(x.length, 3)
      const tdx = Tensor.fromArray(gpu, dx)
      Reference.ropeBackward(dx, dout, rows, T, D, 10000, offset)
      const tout = Tensor.zeros(gpu, [rows, T, D])
      await submit(gpu, (b) => {
        Rope.forward(b, tout, Tensor.fromArray(gpu, x), T, D, { offset })
        Rope.backward(b, tdx, Tensor.fromArray(gpu, dout), T, D, { offset })
      })
      // angles up to ~100 rad are formed in f32 on the GPU: 1e-4 absolute
      await expectTensorClose(tout, out, 1e-4, 0)
      await expectTensorClose(tdx, dx, 1e-4, 0)
    })
  }
})

it("rope backward matches finite differences and preserves norms", () => {
  const [rows, T, D] = [1, 3, 4]
  const x = random(rows * T * D, 1)
  const w = random(rows * T * D, 2)
  const out = new Float32Array(x.length)
  const loss = () => (Reference.ropeForward(out, x, rows, T, D), dotLoss(out, w))
  const dx = new Float32Array(x.length)
  Reference.ropeBackward(dx, w, rows, T, D)
  const idx = [0, 3, 5, 9, 11]
  expectClose(finiteDiff(x, idx, loss), idx.map((i) => dx[i]!), 1e-3)
  Reference.ropeForward(out, x, rows, T, D)
  expectClose([dotLoss(out, out)], [dotLoss(x, x)], 1e-5)
})
