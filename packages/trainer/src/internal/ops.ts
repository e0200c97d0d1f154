/**
 * Element-wise and row-wise layer kernels of the CPU backend that are not matrix products: plain
 * loops over typed arrays (the matrix products are in `Wasm.ts`). Forward functions overwrite their
 * outputs; backward functions say whether they overwrite or accumulate.
 */

import type { Arena } from "../Wasm.ts"

type F32 = Float32Array

const GELU_SCALE = Math.sqrt(2 / Math.PI)

/** `dinp = gelu'(inp) * dout` (overwrites), from the saved tanh term. */
export const geluBackward = (dinp: F32, inp: F32, th: F32, dout: F32, n: number): void => {
  for (let i = 0; i < n; i++) {
    const x = inp[i]!
    const t = th[i]!
    const local = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_SCALE * (1 + 3 * 0.044715 * x * x)
    dinp[i] = local * dout[i]!
  }
}

/** Gradient of SwiGLU (`Arena.swigluForward`) into `dh` (`[dgate | dup]`, overwrites), from the saved sigmoid. */
export const swigluBackward = (dh: F32, h: F32, sig: F32, dout: F32, N: number, F: number): void => {
  for (let n = 0; n < N; n++) {
    const o = n * 2 * F
    for (let f = 0; f < F; f++) {
      const g = h[o + f]!
      const s = sig[n * F + f]!
      const d = dout[n * F + f]!
      dh[o + f] = d * h[o + F + f]! * s * (1 + g * (1 - s))
      dh[o + F + f] = d * g * s
    }
  }
}

/** `out[n, :] += bias` for N rows of C. */
export const addBias = (out: F32, bias: F32, N: number, C: number): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    for (let c = 0; c < C; c++) out[o + c] = out[o + c]! + bias[c]!
  }
}

/** `dbias += sum over rows of dout`. */
export const biasBackward = (dbias: F32, dout: F32, N: number, C: number): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    for (let c = 0; c < C; c++) dbias[c] = dbias[c]! + dout[o + c]!
  }
}

/** `out = a + b`. */
export const add = (out: F32, a: F32, b: F32, n: number): void => {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!
}

/**
 * Rotary tables: `cos[p * half + i]`, `sin[...]` for positions `p < T` and pairs `i < half`, with
 * angle `p * theta^(-2i/D)` (the rotate-half layout of GPT-NeoX and LLaMA).
 */
export const ropeTables = (T: number, D: number, theta: number): { readonly cos: F32; readonly sin: F32 } => {
  const half = D >> 1
  const cos = new Float32Array(T * half)
  const sin = new Float32Array(T * half)
  for (let p = 0; p < T; p++) {
    for (let i = 0; i < half; i++) {
      const a = p * Math.pow(theta, (-2 * i) / D)
      cos[p * half + i] = Math.cos(a)
      sin[p * half + i] = Math.sin(a)
    }
  }
  return { cos, sin }
}

/**
 * Rotates, in place, the first `2·C` columns (q and k) of rows of width `rowWidth` (a fused QKV
 * buffer), head by head, at positions `pos[n]`; `sign` -1 applies the inverse rotation (backward).
 */
export const ropeInPlace = (
  x: F32, base: number, rows: number, rowWidth: number, C: number, D: number, pos: Int32Array, cos: F32, sin: F32, sign: number
): void => {
  const half = D >> 1
  for (let n = 0; n < rows; n++) {
    const t = pos[n]! * half
    for (let h = 0; h < (2 * C) / D; h++) {
      const o = base + n * rowWidth + h * D
      for (let i = 0; i < half; i++) {
        const c = cos[t + i]!
        const s = sign * sin[t + i]!
        const x0 = x[o + i]!
        const x1 = x[o + i + half]!
        x[o + i] = x0 * c - x1 * s
        x[o + i + half] = x0 * s + x1 * c
      }
    }
  }
}

/**
 * Softmax cross-entropy over rows of V logits (the tensor at byte `ptr` of `arena`) with targets
 * (negative = ignored). Returns the sum of the losses; with `dscale` defined, overwrites the logits
 * with their gradient `(softmax - onehot) * dscale` (zero on ignored rows), the exponentials on the
 * SIMD kernel; otherwise the logits are left as they are.
 */
export const crossEntropy = (arena: Arena, ptr: number, targets: Int32Array, N: number, V: number, dscale: number | undefined): number => {
  let total = 0
  const base = ptr >> 2
  for (let n = 0; n < N; n++) {
    const logits = arena.f32
    const o = base + n * V
    const target = targets[n]!
    if (target < 0) {
      if (dscale !== undefined) logits.fill(0, o, o + V)
      continue
    }
    let max = -Infinity
    for (let v = 0; v < V; v++) if (logits[o + v]! > max) max = logits[o + v]!
    const targetLogit = logits[o + target]!
    let sum = 0
    if (dscale === undefined) {
      for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v]! - max)
    } else {
      sum = arena.expAffineSum(ptr + n * V * 4, V, 1, -max)
      const inv = dscale / sum
      for (let v = 0; v < V; v++) logits[o + v] = logits[o + v]! * inv
      logits[o + target] = logits[o + target]! - dscale
    }
    total += Math.log(sum) + max - targetLogit
  }
  return total
}
