import { describe } from "vitest"
import { GradNorm, Reference, Tensor } from "../src/index.ts"
import { expectTensorClose, random, submit, useGpu } from "./support.ts"

describe("GradNorm", () => {
  const gpuIt = useGpu()
  gpuIt("global norm over tensors of odd and edge sizes matches the CPU reference", async (gpu) => {
    const sizes = [1, 127, 128, 129, 70_000, 0]
    const grads = sizes.map((n, k) => random(n, k + 1, -2, 2))
    const norm = Reference.gradNorm(grads)
    const out = Tensor.zeros(gpu, [2])
    const unclipped = Tensor.zeros(gpu, [2])
    const tensors = grads.map((g) => Tensor.fromArray(gpu, g))
    await submit(gpu, (b) => {
      GradNorm.forward(b, out, tensors, 10)
      GradNorm.forward(b, unclipped, tensors)
    })
    await expectTensorClose(out, [norm, Reference.clipScale(norm, 10)], 1e-5, 1e-5)
    await expectTensorClose(unclipped, [norm, 1], 1e-5, 1e-5)
  })
})
