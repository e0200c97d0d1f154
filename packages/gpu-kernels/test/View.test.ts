import { describe, expect } from "vitest"
import { Batch, Errors, Gelu, GradNorm, Reference, Tensor } from "../src/index.ts"
import { expectTensorClose, random, run, submit, useGpu } from "./support.ts"

describe("Tensor.view", () => {
  const gpuIt = useGpu()
  gpuIt("views at aligned offsets read, write, clear, copy and bind only their range", async (gpu) => {
    const a = Tensor.viewAlignment(gpu)
    expect(a).toBeGreaterThanOrEqual(1)
    const n = 3 * a + 5
    const data = random(n, 1)
    const parent = Tensor.fromArray(gpu, data)
    const second = Tensor.view(parent, a, [a + 3])
    const third = Tensor.view(parent, 2 * a, [a + 5])
    expect(await run(Tensor.read(second))).toEqual(data.slice(a, 2 * a + 3))
    // a kernel writing the first view only
    const src = random(a, 9)
    await submit(gpu, (b) => {
      Gelu.forward(b, Tensor.view(parent, 0, [a]), Tensor.fromArray(gpu, src))
      b.clear(Tensor.view(parent, 3 * a, [5]))
    })
    const expected = data.slice()
    Reference.geluForward(expected, src, a)
    expected.fill(0, 3 * a)
    await expectTensorClose(parent, expected, 1e-6)
    const norm = Tensor.zeros(gpu, [2])
    await submit(gpu, (b) => GradNorm.forward(b, norm, [second]))
    await expectTensorClose(norm, [Reference.gradNorm([expected.subarray(a, 2 * a + 3)]), 1], 1e-5)
    Tensor.write(second, new Float32Array(a + 3).fill(7))
    const copy = Tensor.zeros(gpu, [a + 3])
    await submit(gpu, (b) => b.copy(second, copy))
    await expectTensorClose(copy, new Float32Array(a + 3).fill(7), 0)
    await expectTensorClose(Tensor.view(parent, 0, [a]), expected.subarray(0, a), 1e-6)
    second.destroy() // a view does not free its parent
    await expectTensorClose(third, [...new Float32Array(a).fill(7).subarray(0, 3), ...expected.subarray(2 * a + 3, 3 * a + 5)], 1e-6)
  })

  gpuIt("rejects unaligned, out-of-range and aliased views with ShapeError", async (gpu) => {
    const a = Tensor.viewAlignment(gpu)
    const parent = Tensor.zeros(gpu, [4 * a])
    if (a > 1) expect(() => Tensor.view(parent, 1, [1])).toThrow(Errors.ShapeError)
    expect(() => Tensor.view(parent, 3 * a, [a + 1])).toThrow(Errors.ShapeError)
    const whole = Tensor.view(parent, 0, [2 * a])
    const inner = Tensor.view(parent, a, [a])
    // reading a buffer that the same dispatch writes
    await expect(run(Batch.run(gpu, (b) => Gelu.forward(b, inner, Tensor.view(parent, 2 * a, [a]))))).rejects.toThrow(/bound again/)
    await expect(run(Batch.run(gpu, (b) => Gelu.forward(b, whole, Tensor.zeros(gpu, [2 * a]))))).resolves.toBeUndefined()
  })
})
