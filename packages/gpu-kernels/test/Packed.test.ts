/**
 * Kernels for packed sequences: attention with document masks, rotary embeddings at per-token
 * positions, cross-entropy with ignored positions.
 */
import { describe, expect, it } from "vitest"
import { CrossEntropy, Reference, Rope, Tensor } from "../src/index.ts"
import {
  dotLoss,
  expectAttentionMatchesReference,
  expectClose,
  expectTensorClose,
  finiteDiff,
  random,
  randomInts,
  submit,
  useGpu
} from "./support.ts"

/** Document starts `[B, T]` for sequences cut at `cuts[b]` (positions where a new document starts). */
const segStarts = (T: number, cuts: ReadonlyArray<ReadonlyArray<number>>): Int32Array => {
  const seg = new Int32Array(cuts.length * T)
  cuts.forEach((c, b) => {
    let start = 0
    for (let t = 0; t < T; t++) {
      if (c.includes(t)) start = t
      seg[b * T + t] = start
    }
  })
  return seg
}

const positionsOf = (seg: Int32Array, T: number): Int32Array => Int32Array.from(seg, (s, i) => (i % T) - s)

describe("packed sequences", () => {
  const gpuIt = useGpu()
  // cuts inside and across the 32-query / 32-key tiles, a one-token document, a sequence without cuts
  const cases = [
    { H: 1, T: 1, D: 1, cuts: [[]] },
    { H: 2, T: 37, D: 8, cuts: [[5, 6, 33], []] },
    { H: 3, T: 70, D: 16, cuts: [[31, 32, 64]] },
    { H: 1, T: 9, D: 64, cuts: [[1, 2, 3, 4, 5, 6, 7, 8]] }
  ] as const
  for (const { H, T, D, cuts } of cases) {
    const B = cuts.length
    gpuIt(`attention with document masks matches the CPU reference: B=${B} H=${H} T=${T} D=${D}`, (gpu) =>
      expectAttentionMatchesReference(gpu, B * H, T, D, { segStart: segStarts(T, cuts), heads: H }))

    gpuIt(`rotary embeddings at per-token positions match the CPU reference: B=${B} H=${H} T=${T} D=${2 * D}`, async (gpu) => {
      const Dr = 2 * D
      const n = B * H * T * Dr
      const x = random(n, 5)
      const dout = random(n, 6)
      const positions = positionsOf(segStarts(T, cuts), T)
      const pos = { positions, heads: H }
      const out = new Float32Array(n)
      Reference.ropeForward(out, x, B * H, T, Dr, 10000, 3, pos)
      const dx = random(n, 7)
      const tdx = Tensor.fromArray(gpu, dx)
      Reference.ropeBackward(dx, dout, B * H, T, Dr, 10000, 3, pos)
      const tout = Tensor.zeros(gpu, [B * H, T, Dr])
      const options = { positions: Tensor.fromArray(gpu, positions), heads: H, offset: 3 }
      await submit(gpu, (b) => {
        Rope.forward(b, tout, Tensor.fromArray(gpu, x), T, Dr, options)
        Rope.backward(b, tdx, Tensor.fromArray(gpu, dout), T, Dr, options)
      })
      await expectTensorClose(tout, out, 1e-4, 0)
      await expectTensorClose(tdx, dx, 1e-4, 0)
    })
  }

  for (const [N, V] of [[1, 1], [9, 10], [5, 1000]] as const) {
    gpuIt(`cross-entropy skips negative targets: N=${N} V=${V}`, async (gpu) => {
      const logits = random(N * V, V, -8, 8)
      const targets = Int32Array.from(randomInts(N, 2, V), (t, i) => (i % 3 === 1 || N === 1 ? -1 : t))
      const losses = new Float32Array(N)
      Reference.crossEntropyForward(losses, logits, targets, N, V)
      const counted = targets.filter((t) => t >= 0).length
      const dlogits = random(N * V, 3)
      const td = Tensor.fromArray(gpu, dlogits, [N, V])
      Reference.crossEntropyBackward(dlogits, logits, targets, 1 / Math.max(1, counted), N, V)
      const tlosses = Tensor.fromArray(gpu, random(N, 4))
      await submit(gpu, (b) => CrossEntropy.forwardBackward(b, tlosses, td, Tensor.fromArray(gpu, logits, [N, V]), Tensor.fromArray(gpu, targets), 1 / Math.max(1, counted)))
      await expectTensorClose(tlosses, losses, 1e-5, 1e-5)
      await expectTensorClose(td, dlogits, 1e-6, 1e-4)
    })
  }
})

it("masked attention equals attention run separately on each document, and its backward matches finite differences", () => {
  const [H, T, D] = [2, 7, 3]
  const seg = segStarts(T, [[3, 4]])
  const mask = { segStart: seg, heads: H }
  const n = H * T * D
  const [q, k, v, w] = [random(n, 1), random(n, 2), random(n, 3), random(n, 4)]
  const out = new Float32Array(n)
  const lse = new Float32Array(H * T)
  const loss = () => (Reference.attentionForward(out, lse, q, k, v, H, T, D, 0.6, mask), dotLoss(out, w))
  loss()
  // documents [0, 3), [3, 4), [4, 7): each an independent causal attention
  for (const [s, e] of [[0, 3], [3, 4], [4, 7]] as const) {
    const len = e - s
    const cut = (x: Float32Array) => {
      const y = new Float32Array(H * len * D)
      for (let h = 0; h < H; h++) y.set(x.subarray((h * T + s) * D, (h * T + e) * D), h * len * D)
      return y
    }
    const o = new Float32Array(H * len * D)
    Reference.attentionForward(o, new Float32Array(H * len), cut(q), cut(k), cut(v), H, len, D, 0.6)
    expectClose(cut(out), o, 1e-6, 1e-6)
  }
  const [dq, dk, dv] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)]
  Reference.attentionBackward(dq, dk, dv, w, q, k, v, out.slice(), lse.slice(), H, T, D, 0.6, mask)
  const idx = [0, 8, 10, 13, 29, 40]
  expectClose(finiteDiff(q, idx, loss), idx.map((i) => dq[i]!), 2e-3)
  expectClose(finiteDiff(k, idx, loss), idx.map((i) => dk[i]!), 2e-3)
  expectClose(finiteDiff(v, idx, loss), idx.map((i) => dv[i]!), 2e-3)
})

it("rope at per-token positions: backward matches finite differences, position 0 is the identity", () => {
  const [H, T, D] = [2, 5, 4]
  const positions = positionsOf(segStarts(T, [[2]]), T)
  const pos = { positions, heads: H }
  const x = random(H * T * D, 1)
  const w = random(x.length, 2)
  const out = new Float32Array(x.length)
  const loss = () => (Reference.ropeForward(out, x, H, T, D, 10000, 0, pos), dotLoss(out, w))
  loss()
  // token 2 starts a document: position 0, unrotated, in both heads
  for (const h of [0, 1]) expectClose(out.subarray((h * T + 2) * D, (h * T + 3) * D), x.subarray((h * T + 2) * D, (h * T + 3) * D), 0)
  const dx = new Float32Array(x.length)
  Reference.ropeBackward(dx, w, H, T, D, 10000, 0, pos)
  const idx = [1, 6, 14, 23, 37]
  expectClose(finiteDiff(x, idx, loss), idx.map((i) => dx[i]!), 1e-3)
})

it("cross-entropy with ignored positions: the gradient of the mean over counted targets matches finite differences", () => {
  const [N, V] = [4, 5]
  const logits = random(N * V, 1, -3, 3)
  const targets = new Int32Array([4, -1, 2, -1])
  const losses = new Float32Array(N)
  const weights = new Float32Array(N).fill(1 / 2)
  const loss = () => (Reference.crossEntropyForward(losses, logits, targets, N, V), dotLoss(losses, weights))
  loss()
  expect(losses[1]).toBe(0)
  expect(losses[3]).toBe(0)
  const d = new Float32Array(N * V)
  Reference.crossEntropyBackward(d, logits, targets, 1 / 2, N, V)
  const idx = [0, 4, 5, 9, 12, 18]
  expectClose(finiteDiff(logits, idx, loss), idx.map((i) => d[i]!), 1e-3)
  expectClose(d.subarray(V, 2 * V), new Float32Array(V), 0)
})
