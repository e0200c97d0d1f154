/**
 * CPU references of every training kernel: plain synchronous TypeScript over `Float32Array`s, each
 * layer's forward and backward side by side in the manner of llm.c's `train_gpt2.c`. They define
 * what the WGSL kernels compute, are what the tests compare against, and serve as the trainer's CPU
 * backend.
 *
 * Conventions (llm.c's): tensors are row-major; backward functions ACCUMULATE into their gradient
 * outputs (`+=`), so gradients must be zeroed before a step.
 *
 * ```ts
 * import { Reference } from "@pretrain/gpu-kernels"
 * const out = new Float32Array(4)
 * Reference.geluForward(out, new Float32Array([-2, -1, 0, 1]), 4)
 * ```
 *
 * @since 0.1.0
 */

type F32 = Float32Array
type Ids = Uint32Array | Int32Array

// ----------------------------------------------------------------------------------------------
// matmul

/** Options of a (batched) matrix product. @since 0.1.0 @category models */
export interface MatmulOptions {
  /** A is stored as [K, M] (so the product uses its transpose). */
  readonly transA?: boolean | undefined
  /** B is stored as [N, K]. */
  readonly transB?: boolean | undefined
  /** Number of products; A and B each either hold `batch` matrices or one shared matrix. Default 1. */
  readonly batch?: number | undefined
  /** A holds one matrix shared by every product (default: `batch` matrices). */
  readonly shareA?: boolean | undefined
  /** B holds one matrix shared by every product. */
  readonly shareB?: boolean | undefined
  /** Add into `out` instead of overwriting it. */
  readonly accumulate?: boolean | undefined
}

/** Offsets of A, B and out for product `p` of a batched matmul (a shared A or B stays at 0). */
const productOffsets = (p: number, M: number, K: number, N: number, options: MatmulOptions) => ({
  oa: options.shareA ? 0 : p * M * K,
  ob: options.shareB ? 0 : p * K * N,
  oo: p * M * N
})

/**
 * `out[b] (M x N) (+)= op(A[b]) (M x K) @ op(B[b]) (K x N)` where `op` transposes when the stored
 * layout is the transposed one.
 *
 * @since 0.1.0 @category matmul
 */
export const matmulForward = (out: F32, a: F32, b: F32, M: number, K: number, N: number, options: MatmulOptions = {}): void => {
  for (let p = 0; p < (options.batch ?? 1); p++) {
    const { oa, ob, oo } = productOffsets(p, M, K, N, options)
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0
        for (let k = 0; k < K; k++) {
          const av = options.transA ? a[oa + k * M + i]! : a[oa + i * K + k]!
          const bv = options.transB ? b[ob + j * K + k]! : b[ob + k * N + j]!
          sum += av * bv
        }
        out[oo + i * N + j] = options.accumulate ? out[oo + i * N + j]! + sum : sum
      }
    }
  }
}

/**
 * Backward of {@link matmulForward} for `out = op(A) @ op(B)`: accumulates `dA` and `dB` (in their
 * stored layouts; a shared A or B sums over the batch).
 *
 * @since 0.1.0 @category matmul
 */
export const matmulBackward = (
  dA: F32,
  dB: F32,
  dOut: F32,
  a: F32,
  b: F32,
  M: number,
  K: number,
  N: number,
  options: Omit<MatmulOptions, "accumulate"> = {}
): void => {
  for (let p = 0; p < (options.batch ?? 1); p++) {
    const { oa, ob, oo } = productOffsets(p, M, K, N, options)
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const d = dOut[oo + i * N + j]!
        for (let k = 0; k < K; k++) {
          const ia = options.transA ? oa + k * M + i : oa + i * K + k
          const ib = options.transB ? ob + j * K + k : ob + k * N + j
          dA[ia] = dA[ia]! + d * b[ib]!
          dB[ib] = dB[ib]! + d * a[ia]!
        }
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// bias

/** `out[n, c] = inp[n, c] + bias[c]` (out may be inp). @since 0.1.0 @category bias */
export const biasForward = (out: F32, inp: F32, bias: F32, N: number, C: number): void => {
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) out[n * C + c] = inp[n * C + c]! + bias[c]!
}

/** `dbias[c] += sum_n dout[n, c]` (the input gradient is dout itself). @since 0.1.0 @category bias */
export const biasBackward = (dbias: F32, dout: F32, N: number, C: number): void => {
  for (let c = 0; c < C; c++) {
    let sum = 0
    for (let n = 0; n < N; n++) sum += dout[n * C + c]!
    dbias[c] = dbias[c]! + sum
  }
}

// ----------------------------------------------------------------------------------------------
// GELU, tanh approximation

const GELU_SCALE = Math.sqrt(2 / Math.PI)

/** `out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`. @since 0.1.0 @category gelu */
export const geluForward = (out: F32, inp: F32, n: number): void => {
  for (let i = 0; i < n; i++) {
    const x = inp[i]!
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)))
  }
}

/** `dinp += gelu'(inp) * dout`. @since 0.1.0 @category gelu */
export const geluBackward = (dinp: F32, inp: F32, dout: F32, n: number): void => {
  for (let i = 0; i < n; i++) {
    const x = inp[i]!
    const u = GELU_SCALE * (x + 0.044715 * x * x * x)
    const th = Math.tanh(u)
    const sech2 = 1 - th * th
    const local = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * 0.044715 * x * x)
    dinp[i] = dinp[i]! + local * dout[i]!
  }
}

// ----------------------------------------------------------------------------------------------
// causal softmax over [rows = B*H, T, T] scores

/**
 * `probs[r, t, j] = softmax_j(scale * preatt[r, t, j])` over `j <= t`, and 0 for `j > t`.
 *
 * @since 0.1.0 @category softmax
 */
export const softmaxCausalForward = (probs: F32, preatt: F32, rows: number, T: number, scale: number): void => {
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T; t++) {
      const o = (r * T + t) * T
      let max = -Infinity
      for (let j = 0; j <= t; j++) max = Math.max(max, scale * preatt[o + j]!)
      let sum = 0
      for (let j = 0; j <= t; j++) sum += Math.exp(scale * preatt[o + j]! - max)
      for (let j = 0; j < T; j++) probs[o + j] = j <= t ? Math.exp(scale * preatt[o + j]! - max) / sum : 0
    }
  }
}

/** `dpreatt += scale * p * (dp - sum_k p_k dp_k)` on the causal part. @since 0.1.0 @category softmax */
export const softmaxCausalBackward = (dpreatt: F32, dprobs: F32, probs: F32, rows: number, T: number, scale: number): void => {
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T; t++) {
      const o = (r * T + t) * T
      let dot = 0
      for (let j = 0; j <= t; j++) dot += probs[o + j]! * dprobs[o + j]!
      for (let j = 0; j <= t; j++) dpreatt[o + j] = dpreatt[o + j]! + scale * probs[o + j]! * (dprobs[o + j]! - dot)
    }
  }
}

// ----------------------------------------------------------------------------------------------
// LayerNorm over rows of C

/** `out = (x - mean) * rstd * weight + bias`, saving `mean` and `rstd` per row. @since 0.1.0 @category layernorm */
export const layernormForward = (
  out: F32,
  mean: F32,
  rstd: F32,
  inp: F32,
  weight: F32,
  bias: F32,
  N: number,
  C: number,
  eps = 1e-5
): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    let m = 0
    for (let c = 0; c < C; c++) m += inp[o + c]!
    m /= C
    let v = 0
    for (let c = 0; c < C; c++) v += (inp[o + c]! - m) ** 2
    v /= C
    const s = 1 / Math.sqrt(v + eps)
    for (let c = 0; c < C; c++) out[o + c] = (inp[o + c]! - m) * s * weight[c]! + bias[c]!
    mean[n] = m
    rstd[n] = s
  }
}

/** Accumulates `dinp`, `dweight`, `dbias`. @since 0.1.0 @category layernorm */
export const layernormBackward = (
  dinp: F32,
  dweight: F32,
  dbias: F32,
  dout: F32,
  inp: F32,
  weight: F32,
  mean: F32,
  rstd: F32,
  N: number,
  C: number
): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    const m = mean[n]!
    const s = rstd[n]!
    let dnormMean = 0
    let dnormNormMean = 0
    for (let c = 0; c < C; c++) {
      const norm = (inp[o + c]! - m) * s
      const dnorm = weight[c]! * dout[o + c]!
      dnormMean += dnorm
      dnormNormMean += dnorm * norm
    }
    dnormMean /= C
    dnormNormMean /= C
    for (let c = 0; c < C; c++) {
      const norm = (inp[o + c]! - m) * s
      const dnorm = weight[c]! * dout[o + c]!
      dbias[c] = dbias[c]! + dout[o + c]!
      dweight[c] = dweight[c]! + norm * dout[o + c]!
      dinp[o + c] = dinp[o + c]! + (dnorm - dnormMean - norm * dnormNormMean) * s
    }
  }
}

// ----------------------------------------------------------------------------------------------
// RMSNorm over rows of C

/** `out = x * rstd * weight` with `rstd = 1 / sqrt(mean(x^2) + eps)`, saved per row. @since 0.1.0 @category rmsnorm */
export const rmsnormForward = (out: F32, rstd: F32, inp: F32, weight: F32, N: number, C: number, eps = 1e-5): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    let ss = 0
    for (let c = 0; c < C; c++) ss += inp[o + c]! ** 2
    const s = 1 / Math.sqrt(ss / C + eps)
    for (let c = 0; c < C; c++) out[o + c] = inp[o + c]! * s * weight[c]!
    rstd[n] = s
  }
}

/** Accumulates `dinp` and `dweight`. @since 0.1.0 @category rmsnorm */
export const rmsnormBackward = (dinp: F32, dweight: F32, dout: F32, inp: F32, weight: F32, rstd: F32, N: number, C: number): void => {
  for (let n = 0; n < N; n++) {
    const o = n * C
    const s = rstd[n]!
    let dot = 0 // mean over c of dnorm * norm
    for (let c = 0; c < C; c++) dot += weight[c]! * dout[o + c]! * inp[o + c]! * s
    dot /= C
    for (let c = 0; c < C; c++) {
      const norm = inp[o + c]! * s
      dweight[c] = dweight[c]! + norm * dout[o + c]!
      dinp[o + c] = dinp[o + c]! + (weight[c]! * dout[o + c]! - norm * dot) * s
    }
  }
}

// ----------------------------------------------------------------------------------------------
// embedding lookup

/** `out[n, :] = table[ids[n], :]`. @since 0.1.0 @category embedding */
export const embeddingForward = (out: F32, table: F32, ids: Ids, N: number, C: number): void => {
  for (let n = 0; n < N; n++) {
    const row = ids[n]!
    for (let c = 0; c < C; c++) out[n * C + c] = table[row * C + c]!
  }
}

/** Scatter-add: `dtable[ids[n], :] += dout[n, :]`. @since 0.1.0 @category embedding */
export const embeddingBackward = (dtable: F32, dout: F32, ids: Ids, N: number, C: number): void => {
  for (let n = 0; n < N; n++) {
    const row = ids[n]!
    for (let c = 0; c < C; c++) dtable[row * C + c] = dtable[row * C + c]! + dout[n * C + c]!
  }
}

// ----------------------------------------------------------------------------------------------
// softmax + cross-entropy over rows of V logits

/** The largest of `x[o, o + V)`. */
const rowMax = (x: F32, o: number, V: number): number => {
  let max = -Infinity
  for (let v = 0; v < V; v++) max = Math.max(max, x[o + v]!)
  return max
}

/** `Σ exp(x[o + v] - max)` over `v < V`: softmax's denominator, shifted by the row's `max`. */
const sumExp = (x: F32, o: number, V: number, max: number): number => {
  let sum = 0
  for (let v = 0; v < V; v++) sum += Math.exp(x[o + v]! - max)
  return sum
}

/**
 * `losses[n] = -log softmax(logits[n])[targets[n]]`; a negative target (an `Int32Array`) marks a
 * position without one: its loss is 0. @since 0.1.0 @category crossentropy
 */
export const crossEntropyForward = (losses: F32, logits: F32, targets: Ids, N: number, V: number): void => {
  for (let n = 0; n < N; n++) {
    losses[n] = 0
    if (targets[n]! < 0) continue
    const o = n * V
    const max = rowMax(logits, o, V)
    losses[n] = Math.log(sumExp(logits, o, V, max)) + max - logits[o + targets[n]!]!
  }
}

/**
 * `dlogits[n, v] += (softmax(logits[n])[v] - [v == targets[n]]) * dloss` (dloss = 1/N for a mean,
 * or 1 / the number of targets); rows with a negative target get nothing.
 * @since 0.1.0 @category crossentropy
 */
export const crossEntropyBackward = (dlogits: F32, logits: F32, targets: Ids, dloss: number, N: number, V: number): void => {
  for (let n = 0; n < N; n++) {
    if (targets[n]! < 0) continue
    const o = n * V
    const max = rowMax(logits, o, V)
    const sum = sumExp(logits, o, V, max)
    for (let v = 0; v < V; v++) {
      const p = Math.exp(logits[o + v]! - max) / sum
      dlogits[o + v] = dlogits[o + v]! + (p - (v === targets[n]! ? 1 : 0)) * dloss
    }
  }
}

// ----------------------------------------------------------------------------------------------
// SwiGLU over h = [gate | up] rows of 2F

/** `out[n, f] = silu(gate[n, f]) * up[n, f]` with `h[n] = [gate | up]`. @since 0.1.0 @category swiglu */
export const swigluForward = (out: F32, h: F32, N: number, F: number): void => {
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const g = h[n * 2 * F + f]!
      out[n * F + f] = (g / (1 + Math.exp(-g))) * h[n * 2 * F + F + f]!
    }
  }
}

/** Accumulates `dh = [dgate | dup]` from `dout`. @since 0.1.0 @category swiglu */
export const swigluBackward = (dh: F32, h: F32, dout: F32, N: number, F: number): void => {
  for (let n = 0; n < N; n++) {
    const o = n * 2 * F
    for (let f = 0; f < F; f++) {
      const g = h[o + f]!
      const u = h[o + F + f]!
      const s = 1 / (1 + Math.exp(-g))
      const d = dout[n * F + f]!
      dh[o + f] = dh[o + f]! + d * u * s * (1 + g * (1 - s))
      dh[o + F + f] = dh[o + F + f]! + d * g * s
    }
  }
}

// ----------------------------------------------------------------------------------------------
// AdamW

/** Hyperparameters of one AdamW step. @since 0.1.0 @category adamw */
export interface AdamWOptions {
  readonly lr: number
  readonly beta1?: number | undefined
  readonly beta2?: number | undefined
  readonly eps?: number | undefined
  readonly weightDecay?: number | undefined
  /** Step number, from 1 (bias correction). */
  readonly t: number
  /** Multiplies the gradients first (gradient clipping); default 1. */
  readonly gradScale?: number | undefined
}

/** AdamW defaults (llm.c): beta1 0.9, beta2 0.999, eps 1e-8, weight decay 0. @since 0.1.0 @category adamw */
export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } as const

/** One AdamW step, in place on `params`, `m`, `v`. @since 0.1.0 @category adamw */
export const adamw = (params: F32, grads: F32, m: F32, v: F32, n: number, options: AdamWOptions): void => {
  const b1 = options.beta1 ?? ADAMW_DEFAULTS.beta1
  const b2 = options.beta2 ?? ADAMW_DEFAULTS.beta2
  const eps = options.eps ?? ADAMW_DEFAULTS.eps
  const wd = options.weightDecay ?? ADAMW_DEFAULTS.weightDecay
  const scale = options.gradScale ?? 1
  const c1 = 1 - b1 ** options.t
  const c2 = 1 - b2 ** options.t
  for (let i = 0; i < n; i++) {
    const g = grads[i]! * scale
    const mi = b1 * m[i]! + (1 - b1) * g
    const vi = b2 * v[i]! + (1 - b2) * g * g
    m[i] = mi
    v[i] = vi
    params[i] = params[i]! - options.lr * ((mi / c1) / (Math.sqrt(vi / c2) + eps) + wd * params[i]!)
  }
}

// ----------------------------------------------------------------------------------------------
// global gradient norm

/** `sqrt(sum over all tensors of g^2)`. @since 0.1.0 @category gradnorm */
export const gradNorm = (grads: ReadonlyArray<F32>): number => {
  let ss = 0
  for (const g of grads) for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!
  return Math.sqrt(ss)
}

/** The clipping factor `min(1, maxNorm / (norm + 1e-6))`. @since 0.1.0 @category gradnorm */
export const clipScale = (norm: number, maxNorm: number): number => Math.min(1, maxNorm / (norm + 1e-6))

// ----------------------------------------------------------------------------------------------
// causal self-attention over q, k, v of shape [rows = B*H, T, D]

/**
 * Document masks of packed sequences: `segStart[b * T + t]` is the first position of token t's
 * document in sequence b (non-decreasing along t), and rows are `b * heads + h`. Query t then
 * attends to keys `segStart[b, t] <= j <= t` only.
 *
 * @since 0.1.0 @category attention
 */
export interface DocumentMask {
  readonly segStart: Ids
  readonly heads: number
}

/** The first key query `t` of row `r` attends to. */
const firstKey = (mask: DocumentMask | undefined, r: number, T: number, t: number): number =>
  mask === undefined ? 0 : mask.segStart[Math.floor(r / mask.heads) * T + t]!

/**
 * `out[r, t] = sum_{first <= j <= t} softmax_j(scale * q_t . k_j) v_j` (`first` is 0, or the
 * document start under a {@link DocumentMask}), saving the row log-sum-exp
 * `lse[r, t]` of the scaled scores (what the flash-style backward needs).
 *
 * @since 0.1.0 @category attention
 */
export const attentionForward = (
  out: F32,
  lse: F32,
  q: F32,
  k: F32,
  v: F32,
  rows: number,
  T: number,
  D: number,
  scale: number,
  mask?: DocumentMask
): void => {
  const s = new Float64Array(T)
  for (let r = 0; r < rows; r++) {
    const base = r * T * D
    for (let t = 0; t < T; t++) {
      const first = firstKey(mask, r, T, t)
      let max = -Infinity
      for (let j = first; j <= t; j++) {
        let dot = 0
        for (let d = 0; d < D; d++) dot += q[base + t * D + d]! * k[base + j * D + d]!
        s[j] = dot * scale
        max = Math.max(max, s[j]!)
      }
      let sum = 0
      for (let j = first; j <= t; j++) sum += Math.exp(s[j]! - max)
      for (let d = 0; d < D; d++) {
        let acc = 0
        for (let j = first; j <= t; j++) acc += Math.exp(s[j]! - max) * v[base + j * D + d]!
        out[base + t * D + d] = acc / sum
      }
      lse[r * T + t] = max + Math.log(sum)
    }
  }
}

/** Accumulates `dq`, `dk`, `dv` from `dout`, recomputing the probabilities from `lse`. @since 0.1.0 @category attention */
export const attentionBackward = (
  dq: F32,
  dk: F32,
  dv: F32,
  dout: F32,
  q: F32,
  k: F32,
  v: F32,
  out: F32,
  lse: F32,
  rows: number,
  T: number,
  D: number,
  scale: number,
  mask?: DocumentMask
): void => {
  for (let r = 0; r < rows; r++) {
    const base = r * T * D
    for (let t = 0; t < T; t++) {
      const qt = base + t * D
      let delta = 0 // sum_d dout . out = sum_j p_j dp_j
      for (let d = 0; d < D; d++) delta += dout[qt + d]! * out[qt + d]!
      for (let j = firstKey(mask, r, T, t); j <= t; j++) {
        const kj = base + j * D
        let dot = 0
        let dp = 0
        for (let d = 0; d < D; d++) {
          dot += q[qt + d]! * k[kj + d]!
          dp += dout[qt + d]! * v[kj + d]!
        }
        const p = Math.exp(dot * scale - lse[r * T + t]!)
        const ds = p * (dp - delta) * scale
        for (let d = 0; d < D; d++) {
          dv[kj + d] = dv[kj + d]! + p * dout[qt + d]!
          dq[qt + d] = dq[qt + d]! + ds * k[kj + d]!
          dk[kj + d] = dk[kj + d]! + ds * q[qt + d]!
        }
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// rotary embeddings over [rows = B*H, T, D], rotate-half pairing (x_i, x_{i + D/2})

/** Angle of pair `i` at position `pos`: `pos * base^(-2i/D)`. @since 0.1.0 @category rope */
export const ropeAngle = (pos: number, i: number, D: number, base: number): number => pos * Math.pow(base, (-2 * i) / D)

/**
 * Per-token positions (they restart at each document of a packed sequence): `positions[b * T + t]`
 * for rows `b * heads + h`.
 *
 * @since 0.1.0 @category rope
 */
export interface RopePositions {
  readonly positions: Ids
  readonly heads: number
}

/**
 * Rotates each pair `(x_i, x_{i+D/2})` at position `t + offset` (or `positions[b, t] + offset`) by its angle (GPT-NeoX / Llama
 * "rotate half" layout). `out` may be `inp`.
 *
 * @since 0.1.0 @category rope
 */
export const ropeForward = (out: F32, inp: F32, rows: number, T: number, D: number, base = 10000, offset = 0, positions?: RopePositions): void => {
  rotate(out, inp, rows, T, D, base, offset, 1, positions)
}

/** `dinp += R^T dout` (rotation by the opposite angle). @since 0.1.0 @category rope */
export const ropeBackward = (dinp: F32, dout: F32, rows: number, T: number, D: number, base = 10000, offset = 0, positions?: RopePositions): void => {
  const tmp = new Float32Array(rows * T * D)
  rotate(tmp, dout, rows, T, D, base, offset, -1, positions)
  for (let i = 0; i < tmp.length; i++) dinp[i] = dinp[i]! + tmp[i]!
}

const rotate = (
  out: F32, inp: F32, rows: number, T: number, D: number, base: number, offset: number, sign: number, positions: RopePositions | undefined
): void => {
  const half = D >> 1
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T; t++) {
      const o = (r * T + t) * D
      const pos = positions === undefined ? t + offset : positions.positions[Math.floor(r / positions.heads) * T + t]! + offset
      for (let i = 0; i < half; i++) {
        const a = ropeAngle(pos, i, D, base)
        const c = Math.cos(a)
        const s = sign * Math.sin(a)
        const x0 = inp[o + i]!
        const x1 = inp[o + i + half]!
        out[o + i] = x0 * c - x1 * s
        out[o + i + half] = x0 * s + x1 * c
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// residual

/** `out = a + b`. @since 0.1.0 @category residual */
export const residualForward = (out: F32, a: F32, b: F32, n: number): void => {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!
}

/** `da += dout`, `db += dout`. @since 0.1.0 @category residual */
export const residualBackward = (da: F32, db: F32, dout: F32, n: number): void => {
  for (let i = 0; i < n; i++) {
    da[i] = da[i]! + dout[i]!
    db[i] = db[i]! + dout[i]!
  }
}

// ----------------------------------------------------------------------------------------------
// attention heads: packed qkv [B, T, 3, H, D] <-> q, k, v [B, H, T, D]; y [B, H, T, D] -> out [B, T, H, D]

/** Which way {@link moveHeads} moves values between token rows and heads, and whether it adds. */
type HeadsMove = "toHeads" | "addToHeads" | "toRows" | "addToRows"

/**
 * Moves values between `heads` ([B, H, T, D]) and one `H·D` slice, at `offset`, of token rows
 * `stride` wide (`rows[(b·T + t)·stride + offset + h·D + d]`): the layout changes of attention heads.
 */
const moveHeads = (
  move: HeadsMove,
  heads: F32,
  rows: F32,
  stride: number,
  offset: number,
  B: number,
  T: number,
  H: number,
  D: number
): void => {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const r = (b * T + t) * stride + offset + h * D
        const o = ((b * H + h) * T + t) * D
        switch (move) {
          case "toHeads":
            for (let d = 0; d < D; d++) heads[o + d] = rows[r + d]!
            break
          case "addToHeads":
            for (let d = 0; d < D; d++) heads[o + d] = heads[o + d]! + rows[r + d]!
            break
          case "toRows":
            for (let d = 0; d < D; d++) rows[r + d] = heads[o + d]!
            break
          case "addToRows":
            for (let d = 0; d < D; d++) rows[r + d] = rows[r + d]! + heads[o + d]!
        }
      }
    }
  }
}

/** Splits packed `qkv` ([B, T, 3·H·D], llm.c's layout) into `q`, `k`, `v` of [B, H, T, D]. @since 0.1.0 @category heads */
export const splitHeadsForward = (q: F32, k: F32, v: F32, qkv: F32, B: number, T: number, H: number, D: number): void => {
  const C = H * D
  moveHeads("toHeads", q, qkv, 3 * C, 0, B, T, H, D)
  moveHeads("toHeads", k, qkv, 3 * C, C, B, T, H, D)
  moveHeads("toHeads", v, qkv, 3 * C, 2 * C, B, T, H, D)
}

/** `dqkv += ` the packed gradients of `dq`, `dk`, `dv`. @since 0.1.0 @category heads */
export const splitHeadsBackward = (dqkv: F32, dq: F32, dk: F32, dv: F32, B: number, T: number, H: number, D: number): void => {
  const C = H * D
  moveHeads("addToRows", dq, dqkv, 3 * C, 0, B, T, H, D)
  moveHeads("addToRows", dk, dqkv, 3 * C, C, B, T, H, D)
  moveHeads("addToRows", dv, dqkv, 3 * C, 2 * C, B, T, H, D)
}

/** Merges heads: `out[b, t, h·D + d] = y[b, h, t, d]`. @since 0.1.0 @category heads */
export const mergeHeadsForward = (out: F32, y: F32, B: number, T: number, H: number, D: number): void =>
  moveHeads("toRows", y, out, H * D, 0, B, T, H, D)

/** `dy += ` the unmerged `dout`. @since 0.1.0 @category heads */
export const mergeHeadsBackward = (dy: F32, dout: F32, B: number, T: number, H: number, D: number): void =>
  moveHeads("addToHeads", dy, dout, H * D, 0, B, T, H, D)
