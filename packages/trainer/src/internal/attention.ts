/**
 * Causal self-attention with document masks on the CPU backend, head by head, every product on
 * the packed SIMD matmul. Q, K and V are read in place from the fused `[B*T, 3C]` QKV buffer (no
 * head split copies); rows are processed in blocks so that only the causal part of each score
 * matrix is computed. Token `i` attends to `j` when `segStart[i] <= j <= i` (`segStart` is the
 * first position of `i`'s document in its sequence).
 */
import type { Arena, Tensor } from "../Wasm.ts"

const BLOCK = 48

export interface Shape {
  readonly B: number
  readonly T: number
  readonly C: number
  readonly H: number
}

/** Forward: `probs` ([B, H, T, T], full rows, zero where masked) and `out` ([B*T, C]). */
export const forward = (arena: Arena, qkv: Tensor, probs: Tensor, out: Tensor, segStart: Int32Array, s: Shape): void => {
  const { B, T, C, H } = s
  const D = C / H
  const scale = 1 / Math.sqrt(D)
  const row3 = 3 * C * 4
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const q = qkv.ptr + (b * T * 3 * C + h * D) * 4
      const k = q + C * 4
      const v = q + 2 * C * 4
      const p = probs.ptr + (b * H + h) * T * T * 4
      const o = out.ptr + (b * T * C + h * D) * 4
      for (let i0 = 0; i0 < T; i0 += BLOCK) {
        const i1 = Math.min(T, i0 + BLOCK)
        const lo = segStart[b * T + i0]!
        arena.gemm(i1 - i0, i1 - lo, D, { ptr: q + i0 * row3, rs: row3, cs: 4 }, { ptr: k + lo * row3, rs: 4, cs: row3 }, { ptr: p + (i0 * T + lo) * 4, ldc: T * 4 }, false)
        softmaxRows(arena, p, segStart, b * T, i0, i1, T, scale)
        arena.gemm(i1 - i0, D, i1 - lo, { ptr: p + (i0 * T + lo) * 4, rs: T * 4, cs: 4 }, { ptr: v + lo * row3, rs: row3, cs: 4 }, { ptr: o + i0 * C * 4, ldc: C * 4 }, false)
      }
    }
  }
}

const softmaxRows = (arena: Arena, pBytes: number, segStart: Int32Array, seq: number, i0: number, i1: number, T: number, scale: number): void => {
  const f = arena.f32
  const p = pBytes >> 2
  for (let i = i0; i < i1; i++) {
    const r = p + i * T
    const s = segStart[seq + i]!
    let max = -Infinity
    for (let j = s; j <= i; j++) if (f[r + j]! > max) max = f[r + j]!
    const sum = arena.expAffineSum((r + s) * 4, i + 1 - s, scale, -max * scale)
    const inv = 1 / sum
    for (let j = s; j <= i; j++) f[r + j] = f[r + j]! * inv
    f.fill(0, r, r + s)
    f.fill(0, r + i + 1, r + T)
  }
}

/**
 * Backward: from `dout` ([B*T, C]) and the saved `probs`, overwrites `dqkv` ([B*T, 3C]) with the
 * gradients of (the rotated) q, k and v. `scratch` holds T*T floats.
 */
export const backward = (
  arena: Arena, qkv: Tensor, probs: Tensor, dout: Tensor, dqkv: Tensor, scratch: Tensor, segStart: Int32Array, s: Shape
): void => {
  const { B, T, C, H } = s
  const D = C / H
  const scale = 1 / Math.sqrt(D)
  const row3 = 3 * C * 4
  const ds = scratch.ptr
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const off = (b * T * 3 * C + h * D) * 4
      const q = qkv.ptr + off
      const k = q + C * 4
      const v = q + 2 * C * 4
      const dq = dqkv.ptr + off
      const dk = dq + C * 4
      const dv = dq + 2 * C * 4
      const p = probs.ptr + (b * H + h) * T * T * 4
      const dO = dout.ptr + (b * T * C + h * D) * 4
      for (let i0 = 0; i0 < T; i0 += BLOCK) {
        const i1 = Math.min(T, i0 + BLOCK)
        const lo = segStart[b * T + i0]!
        arena.gemm(i1 - i0, i1 - lo, D, { ptr: dO + i0 * C * 4, rs: C * 4, cs: 4 }, { ptr: v + lo * row3, rs: 4, cs: row3 }, { ptr: ds + (i0 * T + lo) * 4, ldc: T * 4 }, false)
        softmaxBackwardRows(arena.f32, ds >> 2, p >> 2, segStart, b * T, i0, i1, T, scale)
        arena.gemm(i1 - i0, D, i1 - lo, { ptr: ds + (i0 * T + lo) * 4, rs: T * 4, cs: 4 }, { ptr: k + lo * row3, rs: row3, cs: 4 }, { ptr: dq + i0 * row3, ldc: row3 }, false)
      }
      for (let j0 = 0; j0 < T; j0 += BLOCK) {
        const j1 = Math.min(T, j0 + BLOCK)
        arena.gemm(j1 - j0, D, T - j0, { ptr: ds + (j0 * T + j0) * 4, rs: 4, cs: T * 4 }, { ptr: q + j0 * row3, rs: row3, cs: 4 }, { ptr: dk + j0 * row3, ldc: row3 }, false)
        arena.gemm(j1 - j0, D, T - j0, { ptr: p + (j0 * T + j0) * 4, rs: 4, cs: T * 4 }, { ptr: dO + j0 * C * 4, rs: C * 4, cs: 4 }, { ptr: dv + j0 * row3, ldc: row3 }, false)
      }
    }
  }
}

const softmaxBackwardRows = (f: Float32Array, d: number, p: number, segStart: Int32Array, seq: number, i0: number, i1: number, T: number, scale: number): void => {
  for (let i = i0; i < i1; i++) {
    const rd = d + i * T
    const rp = p + i * T
    const s = segStart[seq + i]!
    let dot = 0
    for (let j = s; j <= i; j++) dot += f[rp + j]! * f[rd + j]!
    for (let j = s; j <= i; j++) f[rd + j] = scale * f[rp + j]! * (f[rd + j]! - dot)
    f.fill(0, rd, rd + s)
    f.fill(0, rd + i + 1, rd + T)
  }
}
