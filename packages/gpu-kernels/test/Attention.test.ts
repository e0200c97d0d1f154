import { describe, it } from "vitest"
import { Attention, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectClose, expectTensorClose, finiteDiff, random, submit, useGpu } from "./support.ts"

describe("Attention", () => {
  const gpuIt = useGpu()
  for (const [rows, T, D] of [[1, 1, 1], [2, 33, 8], [3, 70, 16], [1, 5, 64]] as const) {
    gpuIt(`flash forward and backward match the CPU reference: [${rows}, ${T}, ${D}]`, async (gpu) => {
      const n = rows * T * D
      const q = random(n, 1, -2, 2)
      const k = random(n, 2, -2, 2)
      const v = random(n, 3)
      const dout = random(n, 4)
      const scale = Attention.defaultScale(D)
      const out = new Float32Array(n)
      const lse = new Float32Array(rows * T)
      Reference.attentionForward(out, lse, q, k, v, rows, T, D, scale)
      const dq = new Float32Array(n)
      const dk = new Float32Array(n)
      const dv = new Float32Array(n)
      Reference.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, rows, T, D, scale)
      const shape = [rows, T, D]
      const t = {
        q: Tensor.fromArray(gpu, q, shape),
        k: Tensor.fromArray(gpu, k, shape),
        v: Tensor.fromArray(gpu, v, shape),
        out: Tensor.zeros(gpu, shape),
        lse: Tensor.zeros(gpu, [rows, T])
      }
      const g = { dq: Tensor.zeros(gpu, shape), dk: Tensor.zeros(gpu, shape), dv: Tensor.zeros(gpu, shape) }
      await submit(gpu, (b) => {
        Attention.forward(b, t.out, t.lse, t, T, D)
        Attention.backward(b, g, Tensor.fromArray(gpu, dout, shape), t, T, D)
      })
      await expectTensorClose(t.out, out, 1e-5, 1e-4)
      await expectTensorClose(t.lse, lse, 1e-5, 1e-5)
      await expectTensorClose(g.dq, dq, 1e-5, 1e-3)
      await expectTensorClose(g.dk, dk, 1e-5, 1e-3)
      await expectTensorClose(g.dv, dv, 1e-5, 1e-3)
    })
  }
})

it("attention backward matches finite differences, and equals softmax(q kᵀ) v", () => {
  const [rows, T, D] = [2, 4, 3]
  const n = rows * T * D
  const q = random(n, 1)
  const k = random(n, 2)
  const v = random(n, 3)
  const w = random(n, 4)
  const scale = 0.7
  const out = new Float32Array(n)
  const lse = new Float32Array(rows * T)
  const loss = () => (Reference.attentionForward(out, lse, q, k, v, rows, T, D, scale), dotLoss(out, w))
  loss()
  // against the unfused path: scores -> causal softmax -> probs @ v
  const scores = new Float32Array(rows * T * T)
  for (let r = 0; r < rows; r++) Reference.matmulForward(scores.subarray(r * T * T), q.subarray(r * T * D), k.subarray(r * T * D), T, D, T, { transB: true })
  const probs = new Float32Array(scores.length)
  Reference.softmaxCausalForward(probs, scores, rows, T, scale)
  const unfused = new Float32Array(n)
  Reference.matmulForward(unfused, probs, v, T, T, D, { batch: rows })
  expectClose(out, unfused, 1e-6, 1e-5)
  const dq = new Float32Array(n)
  const dk = new Float32Array(n)
  const dv = new Float32Array(n)
  Reference.attentionBackward(dq, dk, dv, w, q, k, v, out.slice(), lse.slice(), rows, T, D, scale)
  const idx = [0, 4, 10, 13, 23]
  expectClose(finiteDiff(q, idx, loss), idx.map((i) => dq[i]!), 2e-3)
  expectClose(finiteDiff(k, idx, loss), idx.map((i) => dk[i]!), 2e-3)
  expectClose(finiteDiff(v, idx, loss), idx.map((i) => dv[i]!), 2e-3)
})
