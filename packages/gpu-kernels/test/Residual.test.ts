import { describe } from "vitest"
import { Reference, Residual, Tensor } from "../src/index.ts"
import { expectTensorClose, random, submit, useGpu } from "./support.ts"

describe("Residual", () => {
  const gpuIt = useGpu()
  for (const n of [1, 1001]) {
    gpuIt(`forward and backward match the CPU reference: ${n} elements`, async (gpu) => {
      const a = random(n, 1)
      const b = random(n, 2)
      const dout = random(n, 3)
      const out = new Float32Array(n)
      Reference.residualForward(out, a, b, n)
      const da = random(n, 4)
      const db = random(n, 5)
      const tda = Tensor.fromArray(gpu, da)
      const tdb = Tensor.fromArray(gpu, db)
      Reference.residualBackward(da, db, dout, n)
      const tout = Tensor.zeros(gpu, [n])
      await submit(gpu, (bt) => {
        Residual.forward(bt, tout, Tensor.fromArray(gpu, a), Tensor.fromArray(gpu, b))
        Residual.backward(bt, tda, tdb, Tensor.fromArray(gpu, dout))
      })
      await expectTensorClose(tout, out, 0)
      await expectTensorClose(tda, da, 0)
      await expectTensorClose(tdb, db, 0)
    })
  }
})
