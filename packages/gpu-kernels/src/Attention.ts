/**
 * Fused causal self-attention with an online softmax (flash-attention style) over q, k, v of shape
 * `[rows = B*H, T, D]`, D at most 128, optionally with document masks (packed sequences). The forward never materialises the T x T scores: a
 * workgroup of 32 queries walks the keys in tiles of 32 staged in workgroup memory, keeping per
 * query the running max, the running sum and the output accumulator, rescaled once per tile; it
 * saves the row log-sum-exp for the backward.
 *
 * The backward recomputes the probabilities from the saved log-sum-exp: one pass per query row
 * computes `delta = dout . out` and `dq`; one pass per key row computes `dk` and `dv` (no atomics).
 *
 * @since 0.1.0
 */
import { type CommandBatch, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { layout, NEG_INF } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const BQ = 32
const BK = 32
/** Largest supported head dimension. @since 0.1.0 */
export const MAX_HEAD_DIM = 128

const cache = new Map<string, Kernel>()
const memo = (key: string, make: () => Kernel): Kernel => {
  let k = cache.get(key)
  if (k === undefined) cache.set(key, (k = make()))
  return k
}

const PARAMS = "T: u32, rows: u32, scale: f32, D: u32, heads: u32, masked: u32"

/** `first(r, t)`: the first key query t of row r attends to (its document's start, or 0). */
const FIRST = `
fn first(r: u32, t: u32) -> u32 {
  if (p.masked == 0u) { return 0u; }
  return seg[(r / p.heads) * p.T + t];
}`

/**
 * Opening of a backward kernel: one invocation per position `<v>` of row `r = wid.y`, 64 per
 * workgroup (dispatched over `[ceil(T / 64), rows]`), with `D = p.D` and the row's `base` offset.
 */
const perPosition = (v: string): string => `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.y;
  let ${v} = wid.x * 64u + lid.x;
  if (${v} >= p.T) { return; }
  let D = p.D;
  let base = r * p.T * D;`

const forwardKernel = (D: number): Kernel =>
  memo(`f${D}`, () => ({
    name: `attention_forward_d${D}`,
    code: `
const BK: u32 = ${BK}u;
${layout(PARAMS, { read: ["q", "k", "v", "seg: u32"], write: ["out", "lse"] })}
${FIRST}
var<workgroup> Ks: array<f32, ${BK * D}>;
var<workgroup> Vs: array<f32, ${BK * D}>;

@compute @workgroup_size(${BQ})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.y;
  let t = wid.x * ${BQ}u + lid.x;
  let valid = t < p.T;
  let D = p.D;
  let base = r * p.T * D;
  var qv: array<f32, ${D}>;
  var acc: array<f32, ${D}>;
  var s: array<f32, ${BK}>;
  if (valid) { for (var d = 0u; d < D; d++) { qv[d] = q[base + t * D + d]; } }
  var m = ${NEG_INF};
  var l = 0.0;
  let keys = min(p.T, wid.x * ${BQ}u + ${BQ}u);
  // the earliest document start of this workgroup's queries (starts do not decrease along t)
  let jstart = (first(r, wid.x * ${BQ}u) / BK) * BK;
  var s0 = 0u;
  if (valid) { s0 = first(r, t); }
  for (var j0 = jstart; j0 < keys; j0 += BK) {
    for (var e = lid.x; e < BK * D; e += ${BQ}u) {
      let j = j0 + e / D;
      var kx = 0.0;
      var vx = 0.0;
      if (j < p.T) { kx = k[base + j0 * D + e]; vx = v[base + j0 * D + e]; }
      Ks[e] = kx;
      Vs[e] = vx;
    }
    workgroupBarrier();
    if (valid && t >= j0 && s0 < j0 + BK) {
      let n = min(BK, t + 1u - j0);
      let lo = select(0u, s0 - j0, s0 > j0);
      var tmax = m;
      for (var jj = lo; jj < n; jj++) {
        var dot = 0.0;
        for (var d = 0u; d < D; d++) { dot += qv[d] * Ks[jj * D + d]; }
        s[jj] = dot * p.scale;
        tmax = max(tmax, s[jj]);
      }
      let corr = exp(m - tmax);
      l *= corr;
      for (var d = 0u; d < D; d++) { acc[d] *= corr; }
      for (var jj = lo; jj < n; jj++) {
        let pj = exp(s[jj] - tmax);
        l += pj;
        for (var d = 0u; d < D; d++) { acc[d] += pj * Vs[jj * D + d]; }
      }
      m = tmax;
    }
    workgroupBarrier();
  }
  if (valid) {
    for (var d = 0u; d < D; d++) { out[base + t * D + d] = acc[d] / l; }
    lse[r * p.T + t] = m + log(l);
  }
}
`
  }))

const backwardQueryKernel = (D: number): Kernel =>
  memo(`q${D}`, () => ({
    name: `attention_backward_q_d${D}`,
    code: `
${layout(PARAMS, { read: ["q", "k", "v", "out", "dout", "lse", "seg: u32"], write: ["delta", "dq"] })}
${FIRST}

${perPosition("t")}
  let qt = base + t * D;
  var qv: array<f32, ${D}>;
  var dov: array<f32, ${D}>;
  var dqv: array<f32, ${D}>;
  var dl = 0.0;
  for (var d = 0u; d < D; d++) { qv[d] = q[qt + d]; dov[d] = dout[qt + d]; dl += dov[d] * out[qt + d]; }
  let L = lse[r * p.T + t];
  for (var j = first(r, t); j <= t; j++) {
    let kj = base + j * D;
    var dot = 0.0;
    var dp = 0.0;
    for (var d = 0u; d < D; d++) { dot += qv[d] * k[kj + d]; dp += dov[d] * v[kj + d]; }
    let ds = exp(dot * p.scale - L) * (dp - dl) * p.scale;
    for (var d = 0u; d < D; d++) { dqv[d] += ds * k[kj + d]; }
  }
  for (var d = 0u; d < D; d++) { dq[qt + d] = dq[qt + d] + dqv[d]; }
  delta[r * p.T + t] = dl;
}
`
  }))

const backwardKeyKernel = (D: number): Kernel =>
  memo(`k${D}`, () => ({
    name: `attention_backward_kv_d${D}`,
    code: `
${layout(PARAMS, { read: ["q", "k", "v", "dout", "lse", "delta", "seg: u32"], write: ["dk", "dv"] })}
${FIRST}

${perPosition("j")}
  let kj = base + j * D;
  var kv: array<f32, ${D}>;
  var vv: array<f32, ${D}>;
  var dkv: array<f32, ${D}>;
  var dvv: array<f32, ${D}>;
  for (var d = 0u; d < D; d++) { kv[d] = k[kj + d]; vv[d] = v[kj + d]; }
  for (var t = j; t < p.T; t++) {
    if (first(r, t) > j) { break; }
    let qt = base + t * D;
    var dot = 0.0;
    var dp = 0.0;
    for (var d = 0u; d < D; d++) { dot += q[qt + d] * kv[d]; dp += dout[qt + d] * vv[d]; }
    let pr = exp(dot * p.scale - lse[r * p.T + t]);
    let ds = pr * (dp - delta[r * p.T + t]) * p.scale;
    for (var d = 0u; d < D; d++) { dvv[d] += pr * dout[qt + d]; dkv[d] += ds * q[qt + d]; }
  }
  for (var d = 0u; d < D; d++) { dk[kj + d] = dk[kj + d] + dkv[d]; dv[kj + d] = dv[kj + d] + dvv[d]; }
}
`
  }))

/** Private arrays are sized to a bucket of the head dimension; loops run to the actual D. */
const bucket = (D: number): number => (D <= 32 ? 32 : D <= 64 ? 64 : 128)

const dims = (op: string, q: Tensor, T: number, D: number) => {
  if (!Number.isInteger(D) || D <= 0 || D > MAX_HEAD_DIM) throw new ShapeError({ op, detail: `head dimension ${D} not in [1, ${MAX_HEAD_DIM}]` })
  if (!Number.isInteger(T) || T <= 0 || q.size % (T * D) !== 0) throw new ShapeError({ op, detail: `${q} is not [rows, ${T}, ${D}]` })
  const rows = q.size / (T * D)
  if (rows > 65535) throw new ShapeError({ op, detail: `${rows} rows (batch x heads) over 65535` })
  return rows
}

/** Default score scale `1 / sqrt(D)`. @since 0.1.0 */
export const defaultScale = (D: number): number => 1 / Math.sqrt(D)

/** @since 0.1.0 @category models */
export interface Options {
  /** Score scale; default `1 / sqrt(D)`. */
  readonly scale?: number | undefined
  /**
   * Document masks of packed sequences: `[B, T]` (u32 or i32), the first position of each token's
   * document in its sequence, non-decreasing along each sequence. Query t attends to keys from
   * there to t. Rows are `b * heads + h`.
   */
  readonly segStart?: Tensor | undefined
  /** Heads per sequence (rows per `segStart` row); needed with `segStart`. */
  readonly heads?: number | undefined
}

const resolve = (op: string, batch: CommandBatch, rows: number, T: number, D: number, o: number | Options) => {
  const options: Options = typeof o === "number" ? { scale: o } : o
  const scale = options.scale ?? defaultScale(D)
  if (options.segStart === undefined) return { seg: batch.scratch([1], "u32"), params: [T, rows, { f32: scale }, D, 1, 0] }
  const heads = options.heads ?? 0
  if (!Number.isInteger(heads) || heads <= 0 || rows % heads !== 0) throw new ShapeError({ op, detail: `heads ${options.heads} does not divide ${rows} rows` })
  expect(op, "segStart", options.segStart, (rows / heads) * T, "u32", "i32")
  return { seg: options.segStart, params: [T, rows, { f32: scale }, D, heads, 1] }
}

/**
 * Records `out = causal softmax(scale q kᵀ) v` and `lse` ([rows, T]) for q, k, v, out of
 * `[rows, T, D]`; with `segStart`, each query sees only its own document's keys. The last argument
 * is the scale or {@link Options}.
 *
 * @since 0.1.0 @category kernels
 */
export const forward = (
  batch: CommandBatch,
  out: Tensor,
  lse: Tensor,
  qkv: { readonly q: Tensor; readonly k: Tensor; readonly v: Tensor },
  T: number,
  D: number,
  options: number | Options = {}
): void => {
  const op = "Attention.forward"
  const rows = dims(op, qkv.q, T, D)
  for (const [name, t] of [["k", qkv.k], ["v", qkv.v], ["out", out]] as const) expect(op, name, t, qkv.q.size)
  expect(op, "lse", lse, rows * T)
  const { seg, params } = resolve(op, batch, rows, T, D, options)
  distinct(op, [out, lse], [qkv.q, qkv.k, qkv.v, seg, out, lse])
  batch.dispatch(forwardKernel(bucket(D)), [qkv.q, qkv.k, qkv.v, seg, out, lse], params, [Math.ceil(T / BQ), rows])
}

/**
 * Records the backward: accumulates `dq`, `dk`, `dv` from `dout`, given the forward's inputs, `out`
 * and `lse`, and the forward's options.
 *
 * @since 0.1.0 @category kernels
 */
export const backward = (
  batch: CommandBatch,
  grads: { readonly dq: Tensor; readonly dk: Tensor; readonly dv: Tensor },
  dout: Tensor,
  saved: { readonly q: Tensor; readonly k: Tensor; readonly v: Tensor; readonly out: Tensor; readonly lse: Tensor },
  T: number,
  D: number,
  options: number | Options = {}
): void => {
  const op = "Attention.backward"
  const rows = dims(op, saved.q, T, D)
  const n = saved.q.size
  for (const [name, t] of [["k", saved.k], ["v", saved.v], ["out", saved.out], ["dout", dout], ["dq", grads.dq], ["dk", grads.dk], ["dv", grads.dv]] as const) {
    expect(op, name, t, n)
  }
  expect(op, "lse", saved.lse, rows * T)
  const { seg, params } = resolve(op, batch, rows, T, D, options)
  const inputs = [saved.q, saved.k, saved.v, saved.out, dout, saved.lse, seg]
  distinct(op, [grads.dq, grads.dk, grads.dv], [...inputs, grads.dq, grads.dk, grads.dv])
  const delta = batch.scratch([rows * T])
  batch.dispatch(backwardQueryKernel(bucket(D)), [...inputs, delta, grads.dq], params, [Math.ceil(T / 64), rows])
  batch.dispatch(backwardKeyKernel(bucket(D)), [saved.q, saved.k, saved.v, dout, saved.lse, delta, seg, grads.dk, grads.dv], params, [Math.ceil(T / 64), rows])
}
