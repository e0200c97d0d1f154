import { describe, it } from "vitest"
import { Reference } from "../src/index.ts"
import { dotLoss, expectAttentionMatchesReference, expectClose, finiteDiff, random, useGpu } from "./support.ts"

describe("Attention", () => {
  const gpuIt = useGpu()
  for (const [rows, T, D] of [[1, 1, 1], [2, 33, 8], [3, 70, 16], [1, 5, 64]] as const) {
    gpuIt(`flash forward and backward match the CPU reference: [${rows}, ${T}, ${D}]`, (gpu) => expectAttentionMatchesReference(gpu, rows, T, D))
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
