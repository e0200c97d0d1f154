import { describe, expect, it } from "vitest"
import { Matmul, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

// Tolerance: fp32 sums of up to ~100 products of values in [-1, 1]: 1e-5 abs + 1e-5 rel.
const TOL = 1e-5

const cases: ReadonlyArray<{ batch: number; M: number; K: number; N: number; transA?: boolean; transB?: boolean }> = [
  { batch: 1, M: 1, K: 1, N: 1 },
  { batch: 1, M: 65, K: 17, N: 70 },
  { batch: 1, M: 7, K: 129, N: 3, transB: true },
  { batch: 1, M: 33, K: 5, N: 64, transA: true },
  { batch: 3, M: 19, K: 23, N: 31, transA: true, transB: true },
  { batch: 2, M: 64, K: 16, N: 65 }
]

describe("Matmul", () => {
  const gpuIt = useGpu()

  for (const c of cases) {
    const label = `${c.batch}x[${c.M}x${c.K}]${c.transA ? "ᵀ" : ""} @ [${c.K}x${c.N}]${c.transB ? "ᵀ" : ""}`
    gpuIt(`forward and backward match the CPU reference: ${label}`, async (gpu) => {
      const { batch, M, K, N } = c
      const opts = { transA: c.transA, transB: c.transB, batch }
      const aShape = c.transA ? [batch, K, M] : [batch, M, K]
      const bShape = c.transB ? [batch, N, K] : [batch, K, N]
      const a = random(batch * M * K, 1)
      const b = random(batch * K * N, 2)
      const dOut = random(batch * M * N, 3)
      const init = random(batch * M * N, 4)
      const expected = new Float32Array(batch * M * N)
      Reference.matmulForward(expected, a, b, M, K, N, opts)
      const expectedAcc = init.slice()
      Reference.matmulForward(expectedAcc, a, b, M, K, N, { ...opts, accumulate: true })
      const dA = new Float32Array(a.length)
      const dB = new Float32Array(b.length)
      Reference.matmulBackward(dA, dB, dOut, a, b, M, K, N, opts)

      const ta = Tensor.fromArray(gpu, a, aShape)
      const tb = Tensor.fromArray(gpu, b, bShape)
      const out = Tensor.zeros(gpu, [batch, M, N])
      const acc = Tensor.fromArray(gpu, init, [batch, M, N])
      const tdOut = Tensor.fromArray(gpu, dOut, [batch, M, N])
      const tdA = Tensor.zeros(gpu, aShape)
      const tdB = Tensor.zeros(gpu, bShape)
      await submit(gpu, (batch) => {
        Matmul.forward(batch, out, ta, tb, { transA: c.transA, transB: c.transB })
        Matmul.forward(batch, acc, ta, tb, { transA: c.transA, transB: c.transB, accumulate: true })
        Matmul.backward(batch, tdA, tdB, tdOut, ta, tb, { transA: c.transA, transB: c.transB })
      })
      await expectTensorClose(out, expected, TOL)
      await expectTensorClose(acc, expectedAcc, TOL)
      await expectTensorClose(tdA, dA, TOL)
      await expectTensorClose(tdB, dB, TOL)
      for (const t of [ta, tb, out, acc, tdOut, tdA, tdB]) t.destroy()
    })
  }

  gpuIt("a weight shared across the batch (x [B, T, C] @ Wᵀ) and its gradient", async (gpu) => {
    const [B, T, C, OC] = [2, 5, 9, 6]
    const x = random(B * T * C, 5)
    const w = random(OC * C, 6)
    const dOut = random(B * T * OC, 7)
    const expected = new Float32Array(B * T * OC)
    Reference.matmulForward(expected, x, w, B * T, C, OC, { transB: true })
    const dx = new Float32Array(x.length)
    const dw = new Float32Array(w.length)
    Reference.matmulBackward(dx, dw, dOut, x, w, B * T, C, OC, { transB: true })
    const tx = Tensor.fromArray(gpu, x, [B, T, C])
    const tw = Tensor.fromArray(gpu, w, [OC, C])
    const out = Tensor.zeros(gpu, [B, T, OC])
    const tdOut = Tensor.fromArray(gpu, dOut, [B, T, OC])
    const tdx = Tensor.zeros(gpu, [B, T, C])
    const tdw = Tensor.zeros(gpu, [OC, C])
    await submit(gpu, (batch) => {
      Matmul.forward(batch, out, tx, tw, { transB: true })
      Matmul.backward(batch, tdx, tdw, tdOut, tx, tw, { transB: true })
    })
    await expectTensorClose(out, expected, TOL)
    await expectTensorClose(tdx, dx, TOL)
    await expectTensorClose(tdw, dw, TOL)
  })

  gpuIt("rejects shapes that do not multiply", async (gpu) => {
    const a = Tensor.zeros(gpu, [3, 4])
    const b = Tensor.zeros(gpu, [5, 6])
    const out = Tensor.zeros(gpu, [3, 6])
    await expect(submit(gpu, (batch) => Matmul.forward(batch, out, a, b))).rejects.toMatchObject({ _tag: "ShapeError" })
  })
})

it("matmul backward matches finite differences of the forward", () => {
  const [M, K, N] = [3, 4, 5]
  for (const opts of [{}, { transA: true }, { transB: true }, { transA: true, transB: true }]) {
    const a = random(M * K, 11)
    const b = random(K * N, 12)
    const w = random(M * N, 13)
    const out = new Float32Array(M * N)
    const loss = () => (Reference.matmulForward(out, a, b, M, K, N, opts), dotLoss(out, w))
    const dA = new Float32Array(a.length)
    const dB = new Float32Array(b.length)
    Reference.matmulBackward(dA, dB, w, a, b, M, K, N, opts)
    const idx = [0, 5, 11]
    expectClose(finiteDiff(a, idx, loss), idx.map((i) => dA[i]!), 2e-3)
    expectClose(finiteDiff(b, idx, loss), idx.map((i) => dB[i]!), 2e-3)
  }
})
