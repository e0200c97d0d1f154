import { describe, it } from "vitest"
import { LayerNorm, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("LayerNorm", () => {
  const gpuIt = useGpu()
  for (const [N, C] of [[1, 1], [5, 3], [9, 300]] as const) {
    gpuIt(`forward and backward match the CPU reference: [${N}, ${C}]`, async (gpu) => {
      const x = random(N * C, C, -3, 3)
      const w = random(C, 2)
      const bias = random(C, 3)
      const dout = random(N * C, 4)
      const out = new Float32Array(N * C)
      const mean = new Float32Array(N)
      const rstd = new Float32Array(N)
      Reference.layernormForward(out, mean, rstd, x, w, bias, N, C)
      const dx = new Float32Array(N * C)
      const dw = new Float32Array(C)
      const db = new Float32Array(C)
      Reference.layernormBackward(dx, dw, db, dout, x, w, mean, rstd, N, C)
      const t = {
        x: Tensor.fromArray(gpu, x),
        w: Tensor.fromArray(gpu, w),
        b: Tensor.fromArray(gpu, bias),
        out: Tensor.zeros(gpu, [N, C]),
        mean: Tensor.zeros(gpu, [N]),
        rstd: Tensor.zeros(gpu, [N]),
        dx: Tensor.zeros(gpu, [N, C]),
        dw: Tensor.zeros(gpu, [C]),
        db: Tensor.zeros(gpu, [C])
      }
      await submit(gpu, (b) => {
        LayerNorm.forward(b, t.out, t, t.x, t.w, t.b)
        LayerNorm.backward(b, { dinp: t.dx, dweight: t.dw, dbias: t.db }, Tensor.fromArray(gpu, dout), t.x, t.w, t)
      })
      await expectTensorClose(t.out, out, 1e-5, 1e-4)
      await expectTensorClose(t.mean, mean, 1e-5, 1e-4)
      await expectTensorClose(t.rstd, rstd, 1e-5, 1e-3)
      await expectTensorClose(t.dx, dx, 1e-4, 1e-3)
      await expectTensorClose(t.dw, dw, 1e-4, 1e-3)
      await expectTensorClose(t.db, db, 1e-5, 1e-4)
    })
  }
})

it("layernorm backward matches finite differences", () => {
  const [N, C] = [3, 5]
  const x = random(N * C, 1, -2, 2)
  const w = random(C, 2)
  const bias = random(C, 3)
  const g = random(N * C, 4)
  const out = new Float32Array(N * C)
  const mean = new Float32Array(N)
  const rstd = new Float32Array(N)
  const loss = () => (Reference.layernormForward(out, mean, rstd, x, w, bias, N, C), dotLoss(out, g))
  loss()
  const dx = new Float32Array(N * C)
  const dw = new Float32Array(C)
  const db = new Float32Array(C)
  Reference.layernormBackward(dx, dw, db, g, x, w, mean.slice(), rstd.slice(), N, C)
  const idx = [0, 3, 7, 14]
  expectClose(finiteDiff(x, idx, loss), idx.map((i) => dx[i]!), 3e-3)
  expectClose(finiteDiff(w, [0, 4], loss), [dw[0]!, dw[4]!], 3e-3)
  expectClose(finiteDiff(bias, [1, 2], loss), [db[1]!, db[2]!], 3e-3)
})
