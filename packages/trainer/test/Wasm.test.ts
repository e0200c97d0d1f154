import { describe, expect, it } from "@effect/vitest"
import { Reference } from "@pretrain/gpu-kernels"
import { Arena, out, rowMajor, transposed } from "../src/Wasm.ts"

const fill = (a: Float32Array, seed: number) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * 2
}

describe("Wasm.Arena.gemm", () => {
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [6, 8, 4], [7, 9, 5], [13, 17, 300], [100, 3, 2], [50, 70, 300], [5, 2100, 3]]
  for (const [M, N, K] of shapes) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      it(`${M}x${N}x${K} ${ta ? "Aᵀ" : "A"}·${tb ? "Bᵀ" : "B"} equals the reference, overwrite and accumulate`, () => {
        const arena = Arena.make()
        const a = arena.alloc(M * K)
        const b = arena.alloc(K * N)
        const c = arena.alloc(M * N)
        fill(a.data, 1)
        fill(b.data, 2)
        c.data.fill(123)
        arena.gemm(M, N, K, ta ? transposed(a, M) : rowMajor(a, K), tb ? transposed(b, K) : rowMajor(b, N), out(c, N), false)
        const expected = new Float32Array(M * N)
        Reference.matmulForward(expected, a.data, b.data, M, K, N, { transA: ta, transB: tb })
        for (let i = 0; i < M * N; i++) expect(Math.abs(c.data[i]! - expected[i]!)).toBeLessThan(1e-4 * Math.sqrt(K) * 4)
        arena.gemm(M, N, K, ta ? transposed(a, M) : rowMajor(a, K), tb ? transposed(b, K) : rowMajor(b, N), out(c, N), true)
        for (let i = 0; i < M * N; i++) expect(Math.abs(c.data[i]! - 2 * expected[i]!)).toBeLessThan(2e-4 * Math.sqrt(K) * 4)
      })
    }
  }

  it("reads strided sub-matrices and writes into a strided output (one head of a fused QKV)", () => {
    const arena = Arena.make()
    const T = 10, C = 12, D = 4
    const qkv = arena.alloc(T * 3 * C)
    fill(qkv.data, 3)
    const scores = arena.alloc(T * T)
    // head 1: q at column C... no, q at column 1*D, k at C + 1*D
    arena.gemm(T, T, D, { ptr: qkv.ptr + D * 4, rs: 3 * C * 4, cs: 4 }, { ptr: qkv.ptr + (C + D) * 4, rs: 4, cs: 3 * C * 4 }, out(scores, T), false)
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        let s = 0
        for (let d = 0; d < D; d++) s += qkv.data[i * 3 * C + D + d]! * qkv.data[j * 3 * C + C + D + d]!
        expect(scores.data[i * T + j]).toBeCloseTo(s, 4)
      }
    }
  })

  it("keeps tensors valid across memory growth", () => {
    const arena = Arena.make()
    const t = arena.alloc(16)
    t.data.fill(7)
    const before = t.data
    arena.alloc(8 * 1024 * 1024) // grows the memory, detaching old views
    expect(before.length).toBe(0)
    expect(Array.from(t.data)).toEqual(new Array(16).fill(7))
  })

  it("exp over any length equals Math.exp to 1e-6 relative (the sum to 1e-5)", () => {
    const arena = Arena.make()
    const t = arena.alloc(103)
    for (let i = 0; i < 103; i++) t.data[i] = (i - 50) * 0.7
    const inputs = t.data.slice()
    const sum = arena.expAffineSum(t.ptr, 103, 1, -1)
    let expected = 0
    for (let i = 0; i < 103; i++) {
      const e = Math.exp(inputs[i]! - 1)
      expected += e
      expect(Math.abs(t.data[i]! - e) / e).toBeLessThan(1e-6)
    }
    expect(Math.abs(sum - expected) / expected).toBeLessThan(1e-5) // summed in f32 lanes
  })

  it("SwiGLU and GELU over widths that are not multiples of 4 equal the scalar formulas", () => {
    const arena = Arena.make()
    const N = 3, F = 7
    const h = arena.alloc(N * 2 * F)
    fill(h.data, 5)
    const outT = arena.alloc(N * F)
    const sig = arena.alloc(N * F)
    arena.swigluForward(outT, sig, h, N, F)
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const g = h.data[n * 2 * F + f]!
        const s = 1 / (1 + Math.exp(-g))
        expect(sig.data[n * F + f]).toBeCloseTo(s, 6)
        expect(outT.data[n * F + f]).toBeCloseTo(g * s * h.data[n * 2 * F + F + f]!, 5)
      }
    }
    const x = arena.alloc(11)
    fill(x.data, 6)
    const y = arena.alloc(11)
    const th = arena.alloc(11)
    arena.geluForward(y, th, x, 11)
    for (let i = 0; i < 11; i++) {
      const v = x.data[i]!
      expect(y.data[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 5)
    }
  })
})
