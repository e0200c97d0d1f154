import { describe } from "vitest"
import { AdamW, GradNorm, Reference, Tensor } from "../src/index.ts"
import { expectTensorClose, random, submit, useGpu } from "./support.ts"

describe("AdamW", () => {
  const gpuIt = useGpu()
  for (const n of [1, 1000]) {
    gpuIt(`three steps match the CPU reference: ${n} parameters, weight decay, gradient scale`, async (gpu) => {
      const params = random(n, 1)
      const m = new Float32Array(n)
      const v = new Float32Array(n)
      const t = { params: Tensor.fromArray(gpu, params), grads: Tensor.zeros(gpu, [n]), m: Tensor.zeros(gpu, [n]), v: Tensor.zeros(gpu, [n]) }
      for (let step = 1; step <= 3; step++) {
        const grads = random(n, 10 + step)
        const options = { lr: 1e-2, weightDecay: 0.1, t: step, gradScale: 0.5 }
        Reference.adamw(params, grads, m, v, n, options)
        Tensor.write(t.grads, grads)
        await submit(gpu, (b) => AdamW.step(b, t, options))
      }
      await expectTensorClose(t.m, m, 1e-6, 1e-5)
      await expectTensorClose(t.v, v, 1e-7, 1e-5)
      await expectTensorClose(t.params, params, 1e-6, 1e-5)
    })
  }

  gpuIt("clips with the scale GradNorm computed on the GPU, without a read-back", async (gpu) => {
    const n = 300
    const g1 = random(n, 1, -3, 3)
    const g2 = random(77, 2, -3, 3)
    const norm = Reference.gradNorm([g1, g2])
    const scale = Reference.clipScale(norm, 1)
    const params = random(n, 3)
    const m = new Float32Array(n)
    const v = new Float32Array(n)
    Reference.adamw(params, g1, m, v, n, { lr: 1e-3, t: 1, gradScale: scale })
    const out = Tensor.zeros(gpu, [2])
    const tg1 = Tensor.fromArray(gpu, g1)
    const t = { params: Tensor.fromArray(gpu, params.slice().fill(0)), grads: tg1, m: Tensor.zeros(gpu, [n]), v: Tensor.zeros(gpu, [n]) }
    Tensor.write(t.params, random(n, 3))
    await submit(gpu, (b) => {
      GradNorm.forward(b, out, [tg1, Tensor.fromArray(gpu, g2)], 1)
      AdamW.step(b, t, { lr: 1e-3, t: 1 }, { tensor: out, index: 1 })
    })
    await expectTensorClose(out, [norm, scale], 1e-5, 1e-5)
    await expectTensorClose(t.params, params, 1e-6, 1e-5)
  })
})
