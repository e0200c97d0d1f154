/**
 * Power-law fits of the compute-optimal model size and token count against compute, from runs:
 * `N_opt = k_N·C^a`, `D_opt = k_D·C^b` (Chinchilla §3.1–3.2, Table 2). The optima per budget come
 * from iso-FLOP profiles (Approach 2: a parabola of loss against `log N` within each compute bin,
 * its vertex the optimum) or, for runs that are not iso-FLOP, from the lowest-loss run per bin
 * (the envelope of Approach 1).
 *
 * @since 0.1.0
 */
import type { Run } from "./Fit.ts"

/**
 * `y = coefficient·x^exponent`, fitted by least squares in log-log space, with `r2` there.
 *
 * @since 0.1.0 @category models
 */
export interface PowerLaw {
  readonly coefficient: number
  readonly exponent: number
  readonly r2: number
}

/**
 * Least-squares fit of `log y = log k + e·log x`.
 *
 * @since 0.1.0 @category fitting
 */
export const fitPowerLaw = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>): PowerLaw => {
  const n = xs.length
  let sx = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    sx += Math.log(xs[i]!)
    sy += Math.log(ys[i]!)
  }
  const mx = sx / n
  const my = sy / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = Math.log(xs[i]!) - mx
    const dy = Math.log(ys[i]!) - my
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  const exponent = sxy / sxx
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy)
  return { coefficient: Math.exp(my - exponent * mx), exponent, r2 }
}

/**
 * The optimum found in one compute bin.
 *
 * @since 0.1.0 @category models
 */
export interface BinOptimum {
  readonly flops: number
  readonly params: number
  readonly tokens: number
  readonly loss: number
  readonly runs: number
}

/** Runs grouped into bins of `width` decades of `6·N·D`. */
const bins = (runs: ReadonlyArray<Run>, width: number): Array<Array<Run>> => {
  const byBin = new Map<number, Array<Run>>()
  for (const r of runs) {
    const key = Math.round(Math.log10(6 * r.params * r.tokens) / width)
    const list = byBin.get(key)
    if (list === undefined) byBin.set(key, [r])
    else list.push(r)
  }
  return [...byBin.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v)
}

const geometricMeanFlops = (runs: ReadonlyArray<Run>): number =>
  Math.exp(runs.reduce((s, r) => s + Math.log(6 * r.params * r.tokens), 0) / runs.length)

/**
 * Iso-FLOP optima (Approach 2): within each bin of `binWidth` decades of compute (default 0.1),
 * a least-squares parabola of loss against `log N`; bins whose parabola opens upward with its
 * vertex inside the bin's range of `N` give an optimum.
 *
 * @since 0.1.0 @category fitting
 */
export const isoFlopOptima = (runs: ReadonlyArray<Run>, options: { readonly binWidth?: number } = {}): ReadonlyArray<BinOptimum> => {
  const out: Array<BinOptimum> = []
  for (const bin of bins(runs, options.binWidth ?? 0.1)) {
    const xs = bin.map((r) => Math.log(r.params))
    if (new Set(xs).size < 3) continue
    const p = fitParabola(xs, bin.map((r) => r.loss))
    if (p === undefined || !(p.c2 > 0)) continue
    const x = -p.c1 / (2 * p.c2)
    if (x < Math.min(...xs) || x > Math.max(...xs)) continue
    const flops = geometricMeanFlops(bin)
    const params = Math.exp(x)
    out.push({ flops, params, tokens: flops / (6 * params), loss: p.c0 + p.c1 * x + p.c2 * x * x, runs: bin.length })
  }
  return out
}

/**
 * Envelope optima (Approach 1 on final losses): the lowest-loss run of each bin.
 *
 * @since 0.1.0 @category fitting
 */
export const envelopeOptima = (runs: ReadonlyArray<Run>, options: { readonly binWidth?: number } = {}): ReadonlyArray<BinOptimum> =>
  bins(runs, options.binWidth ?? 0.1).map((bin) => {
    const best = bin.reduce((a, b) => (b.loss < a.loss ? b : a))
    return { flops: 6 * best.params * best.tokens, params: best.params, tokens: best.tokens, loss: best.loss, runs: bin.length }
  })

/**
 * Power laws of the optimal parameters and tokens against compute, from bin optima.
 *
 * @since 0.1.0 @category models
 */
export interface ComputeOptimalFit {
  readonly params: PowerLaw
  readonly tokens: PowerLaw
  readonly optima: ReadonlyArray<BinOptimum>
}

/**
 * Fit `N_opt ∝ C^a` and `D_opt ∝ C^b` from runs, by iso-FLOP profiles (default) or the envelope.
 *
 * @since 0.1.0 @category fitting
 */
export const fitComputeOptimal = (
  runs: ReadonlyArray<Run>,
  options: { readonly method?: "isoflop" | "envelope"; readonly binWidth?: number } = {}
): ComputeOptimalFit => {
  const optima = (options.method ?? "isoflop") === "isoflop" ? isoFlopOptima(runs, options) : envelopeOptima(runs, options)
  const flops = optima.map((o) => o.flops)
  return {
    params: fitPowerLaw(flops, optima.map((o) => o.params)),
    tokens: fitPowerLaw(flops, optima.map((o) => o.tokens)),
    optima
  }
}

/** Least-squares `y = c0 + c1·x + c2·x²` (normal equations, centred for conditioning). */
const fitParabola = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>): { c0: number; c1: number; c2: number } | undefined => {
  const n = xs.length
  const mean = xs.reduce((s, x) => s + x, 0) / n
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0
  for (let i = 0; i < n; i++) {
    const u = xs[i]! - mean
    const y = ys[i]!
    s1 += u
    s2 += u * u
    s3 += u * u * u
    s4 += u * u * u * u
    t0 += y
    t1 += u * y
    t2 += u * u * y
  }
  // solve [[n s1 s2][s1 s2 s3][s2 s3 s4]] · [k0 k1 k2] = [t0 t1 t2] by Cramer's rule
  const det3 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) =>
    a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
  const det = det3(n, s1, s2, s1, s2, s3, s2, s3, s4)
  if (Math.abs(det) < 1e-300) return undefined
  const k0 = det3(t0, s1, s2, t1, s2, s3, t2, s3, s4) / det
  const k1 = det3(n, t0, s2, s1, t1, s3, s2, t2, s4) / det
  const k2 = det3(n, s1, t0, s1, s2, t1, s2, s3, t2) / det
  // back from u = x − mean to x
  return { c0: k0 - k1 * mean + k2 * mean * mean, c1: k1 - 2 * k2 * mean, c2: k2 }
}
