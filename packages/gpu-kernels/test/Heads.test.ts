import { describe, expect, it } from "vitest"
import { Heads, Reference, Tensor } from "../src/index.ts"
import { dotLoss, expectTensorClose, random, submit, useGpu } from "./support.ts"

describe("Heads", () => {
  const gpuIt = useGpu()
  for (const [B, T, H, D] of [[1, 1, 1, 1], [2, 5, 3, 4]] as const) {
    gpuIt(`split/merge and their backwards match the CPU reference: B=${B} T=${T} H=${H} D=${D}`, async (gpu) => {
      const n = B * T * H * D
      const dims = { B, T, H, D }
      const qkv = random(3 * n, 1)
      const y = random(n, 2)
      const [dq, dk, dv] = [3, 4, 5].map((s) => random(n, s)) as [Float32Array, Float32Array, Float32Array]
      const dout = random(n, 6)
      const [q, k, v] = [0, 0, 0].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array]
      Reference.splitHeadsForward(q, k, v, qkv, B, T, H, D)
      const out = new Float32Array(n)
      Reference.mergeHeadsForward(out, y, B, T, H, D)
      const dqkv = random(3 * n, 7)
      const dy = random(n, 8)
      const t = { dqkv: Tensor.fromArray(gpu, dqkv), dy: Tensor.fromArray(gpu, dy) }
      Reference.splitHeadsBackward(dqkv, dq, dk, dv, B, T, H, D)
      Reference.mergeHeadsBackward(dy, dout, B, T, H, D)
      const g = { q: Tensor.zeros(gpu, [n]), k: Tensor.zeros(gpu, [n]), v: Tensor.zeros(gpu, [n]), out: Tensor.zeros(gpu, [n]) }
      await submit(gpu, (b) => {
        Heads.split(b, g, Tensor.fromArray(gpu, qkv), dims)
        Heads.merge(b, g.out, Tensor.fromArray(gpu, y), dims)
        Heads.splitBackward(b, t.dqkv, { dq: Tensor.fromArray(gpu, dq), dk: Tensor.fromArray(gpu, dk), dv: Tensor.fromArray(gpu, dv) }, dims)
        Heads.mergeBackward(b, t.dy, Tensor.fromArray(gpu, dout), dims)
      })
      await expectTensorClose(g.q, q, 0)
      await expectTensorClose(g.k, k, 0)
      await expectTensorClose(g.v, v, 0)
      await expectTensorClose(g.out, out, 0)
      await expectTensorClose(t.dqkv, dqkv, 1e-6)
      await expectTensorClose(t.dy, dy, 1e-6)
    })
  }
})

it("head permutations are each other's adjoints (so the backwards are the transposes)", () => {
  const [B, T, H, D] = [2, 3, 2, 5]
  const n = B * T * H * D
  const qkv = random(3 * n, 1)
  const w = [2, 3, 4].map((s) => random(n, s)) as [Float32Array, Float32Array, Float32Array]
  const [q, k, v] = [0, 0, 0].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array]
  Reference.splitHeadsForward(q, k, v, qkv, B, T, H, D)
  const dqkv = new Float32Array(3 * n)
  Reference.splitHeadsBackward(dqkv, w[0], w[1], w[2], B, T, H, D)
  // <split(x), w> = <x, splitᵀ(w)>
  expect(dotLoss(q, w[0]) + dotLoss(k, w[1]) + dotLoss(v, w[2])).toBeCloseTo(dotLoss(qkv, dqkv), 4)
  const y = random(n, 5)
  const out = new Float32Array(n)
  Reference.mergeHeadsForward(out, y, B, T, H, D)
  const dy = new Float32Array(n)
  Reference.mergeHeadsBackward(dy, w[0], B, T, H, D)
  expect(dotLoss(out, w[0])).toBeCloseTo(dotLoss(y, dy), 4)
})
