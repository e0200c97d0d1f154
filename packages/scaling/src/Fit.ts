/**
 * Fit `L(N, D) = E + A/N^alpha + B/D^beta` to your own runs the way Chinchilla (Hoffmann et al.
 * 2022, App. D.2) and Epoch AI (Besiroglu et al. 2024) did: parameters in log space
 * (`a = log A`, `b = log B`, `e = log E`), prediction `log L̂ = LSE(a − alpha·log N, b − beta·log D, e)`,
 * objective the **sum** of Huber losses (delta 1e-3) of `log L̂ − log L` (Epoch's correction of the
 * mean, which stops L-BFGS early), minimised with L-BFGS from a grid of starts (Chinchilla's 4500):
 * every start gets 40 iterations, the 10 best are run to convergence and the lowest objective wins.
 * Confidence intervals by bootstrap (resampling runs with replacement, refitting from the best
 * fit, percentile intervals), as Epoch did.
 *
 * @since 0.1.0
 */
import { FitError } from "./Errors.ts"
import type { LossLaw } from "./Law.ts"
import { lbfgs } from "./internal/Lbfgs.ts"
import { lawFromLogSpace } from "./internal/LogSpace.ts"
import { mulberry32, quantile } from "./internal/Random.ts"

/**
 * One training run: parameters, training tokens and final loss (nats/token).
 *
 * @since 0.1.0 @category models
 */
export interface Run {
  readonly params: number
  readonly tokens: number
  readonly loss: number
}

/** Keys of the fitted constants. @since 0.1.0 @category models */
export type LawKey = "E" | "A" | "B" | "alpha" | "beta"

/** @since 0.1.0 @category models */
export const lawKeys: ReadonlyArray<LawKey> = ["E", "A", "B", "alpha", "beta"]

/**
 * Grid of starting points, in log space: `a`, `b`, `e`, `alpha`, `beta` values.
 *
 * @since 0.1.0 @category models
 */
export interface StartGrid {
  readonly a: ReadonlyArray<number>
  readonly b: ReadonlyArray<number>
  readonly e: ReadonlyArray<number>
  readonly alpha: ReadonlyArray<number>
  readonly beta: ReadonlyArray<number>
}

/**
 * Chinchilla's grid (App. D.2): alpha, beta ∈ {0, 0.5, 1, 1.5, 2}, e ∈ {−1, −0.5, 0, 0.5, 1},
 * a, b ∈ {0, 5, 10, 15, 20, 25}: 4500 starts.
 *
 * @since 0.1.0 @category models
 */
export const chinchillaGrid: StartGrid = {
  a: [0, 5, 10, 15, 20, 25],
  b: [0, 5, 10, 15, 20, 25],
  e: [-1, -0.5, 0, 0.5, 1],
  alpha: [0, 0.5, 1, 1.5, 2],
  beta: [0, 0.5, 1, 1.5, 2]
}

/**
 * Options of `fitLaw`.
 *
 * @since 0.1.0 @category models
 */
export interface FitOptions {
  /** Huber delta on log-loss residuals (default 1e-3, as Chinchilla). */
  readonly delta?: number | undefined
  /** Starting points (default `chinchillaGrid`). */
  readonly grid?: StartGrid | undefined
  /** Bootstrap resamples for the confidence intervals (default 0: none). */
  readonly bootstrap?: number | undefined
  /** Two-sided confidence level of the intervals (default 0.95). */
  readonly confidence?: number | undefined
  /** Seed of the bootstrap resampling (default 42). */
  readonly seed?: number | undefined
  /** Leave out the `k` runs of highest loss before fitting (Epoch AI drops 5). Default 0. */
  readonly excludeHighestLoss?: number | undefined
}

/**
 * A fitted law with the objective it reached, whether L-BFGS converged, the runs used and, with
 * a bootstrap, an interval per constant and for the compute exponents `a = beta/(alpha+beta)`,
 * `b = alpha/(alpha+beta)`.
 *
 * @since 0.1.0 @category models
 */
export interface FitResult {
  readonly law: LossLaw
  /** Sum of Huber terms at the optimum. */
  readonly objective: number
  readonly converged: boolean
  readonly runs: number
  readonly starts: number
  readonly ci?: { readonly [K in LawKey | "a" | "b"]: readonly [number, number] } | undefined
  readonly bootstrap?: number | undefined
}

/**
 * Huber loss: `r²/2` for `|r| <= delta`, else `delta·(|r| − delta/2)`.
 *
 * @since 0.1.0 @category fitting
 */
export const huber = (r: number, delta: number): number => {
  const x = Math.abs(r)
  return x <= delta ? 0.5 * r * r : delta * (x - 0.5 * delta)
}

interface Data {
  readonly logN: Float64Array
  readonly logD: Float64Array
  readonly logL: Float64Array
}

const toData = (runs: ReadonlyArray<Run>): Data => ({
  logN: Float64Array.from(runs, (r) => Math.log(r.params)),
  logD: Float64Array.from(runs, (r) => Math.log(r.tokens)),
  logL: Float64Array.from(runs, (r) => Math.log(r.loss))
})

/** Sum of Huber terms and its gradient over `(a, b, e, alpha, beta)`; `index` picks (bootstrap) rows. */
const objective = (data: Data, delta: number, index: Int32Array | undefined) => (x: Float64Array, grad: Float64Array): number => {
  const a = x[0]!
  const b = x[1]!
  const e = x[2]!
  const alpha = x[3]!
  const beta = x[4]!
  let total = 0
  let ga = 0
  let gb = 0
  let ge = 0
  let gAlpha = 0
  let gBeta = 0
  const n = index === undefined ? data.logL.length : index.length
  for (let k = 0; k < n; k++) {
    const i = index === undefined ? k : index[k]!
    const lnN = data.logN[i]!
    const lnD = data.logD[i]!
    const t1 = a - alpha * lnN
    const t2 = b - beta * lnD
    const m = Math.max(t1, t2, e)
    const e1 = Math.exp(t1 - m)
    const e2 = Math.exp(t2 - m)
    const e3 = Math.exp(e - m)
    const s = e1 + e2 + e3
    const r = m + Math.log(s) - data.logL[i]!
    const ar = Math.abs(r)
    let dr: number
    if (ar <= delta) {
      total += 0.5 * r * r
      dr = r
    } else {
      total += delta * (ar - 0.5 * delta)
      dr = r > 0 ? delta : -delta
    }
    const w = dr / s
    ga += w * e1
    gb += w * e2
    ge += w * e3
    gAlpha -= w * e1 * lnN
    gBeta -= w * e2 * lnD
  }
  grad[0] = ga
  grad[1] = gb
  grad[2] = ge
  grad[3] = gAlpha
  grad[4] = gBeta
  return total
}

/**
 * Runs left after dropping the `k` of highest loss (ties with the k-th highest go too, as in
 * Epoch AI's notebook, which keeps `loss < sorted[-k]`).
 *
 * @since 0.1.0 @category fitting
 */
export const excludeHighestLoss = (runs: ReadonlyArray<Run>, k: number): ReadonlyArray<Run> => {
  if (k <= 0) return runs
  const sorted = runs.map((r) => r.loss).sort((x, y) => x - y)
  const threshold = sorted[sorted.length - k]!
  return runs.filter((r) => r.loss < threshold)
}

/** Full-precision L-BFGS from one start. */
const polish = (data: Data, delta: number, start: ArrayLike<number>, index?: Int32Array) =>
  lbfgs(objective(data, delta, index), start, { maxIterations: 2000, gradientTolerance: 1e-12, functionTolerance: 1e-15 })

/** A short L-BFGS run from one grid start: enough to rank the starts' basins. */
const explore = (data: Data, delta: number, start: ArrayLike<number>) =>
  lbfgs(objective(data, delta, undefined), start, { maxIterations: 40, gradientTolerance: 1e-6, functionTolerance: 1e-7 })

/** How many of the best grid starts are run to full precision. */
const polished = 10

/**
 * Fit the parametric law to runs: L-BFGS from every point of the grid, the best objective wins;
 * with `bootstrap: B`, refit `B` resamples (with replacement) from the best fit and report
 * percentile intervals. Throws `FitError` for fewer than six runs or a non-positive value.
 *
 * @since 0.1.0 @category fitting
 */
export const fitLaw = (allRuns: ReadonlyArray<Run>, options: FitOptions = {}): FitResult => {
  allRuns.forEach((r, i) => {
    for (const key of ["params", "tokens", "loss"] as const) {
      if (!(Number.isFinite(r[key]) && r[key] > 0)) throw new FitError({ reason: `run ${i}: ${key} must be a positive number, got ${r[key]}` })
    }
  })
  const runs = excludeHighestLoss(allRuns, options.excludeHighestLoss ?? 0)
  if (runs.length < 6) throw new FitError({ reason: `${runs.length} runs; fitting five constants needs at least 6` })
  const delta = options.delta ?? 1e-3
  const grid = options.grid ?? chinchillaGrid
  const data = toData(runs)
  // every start gets a short run; the best few are then run to full precision
  const explored: Array<{ readonly value: number; readonly x: Float64Array }> = []
  let starts = 0
  for (const alpha of grid.alpha) {
    for (const beta of grid.beta) {
      for (const e of grid.e) {
        for (const a of grid.a) {
          for (const b of grid.b) {
            starts++
            const r = explore(data, delta, [a, b, e, alpha, beta])
            if (Number.isFinite(r.value)) explored.push(r)
          }
        }
      }
    }
  }
  explored.sort((x, y) => x.value - y.value)
  let best: { x: Float64Array; value: number; converged: boolean } | undefined
  for (const candidate of explored.slice(0, polished)) {
    const r = polish(data, delta, candidate.x)
    if (Number.isFinite(r.value) && (best === undefined || r.value < best.value)) best = r
  }
  if (best === undefined) throw new FitError({ reason: "no start of the grid gave a finite objective" })
  const result: FitResult = { law: lawFromLogSpace(best.x), objective: best.value, converged: best.converged, runs: runs.length, starts }
  const resamples = options.bootstrap ?? 0
  if (resamples <= 0) return result
  const random = mulberry32(options.seed ?? 42)
  const samples: Record<LawKey | "a" | "b", Array<number>> = { E: [], A: [], B: [], alpha: [], beta: [], a: [], b: [] }
  const index = new Int32Array(runs.length)
  for (let s = 0; s < resamples; s++) {
    for (let i = 0; i < index.length; i++) index[i] = Math.floor(random() * runs.length)
    const r = polish(data, delta, best.x, index)
    const law = lawFromLogSpace(r.x)
    for (const key of lawKeys) samples[key].push(law[key])
    samples.a.push(law.beta / (law.alpha + law.beta))
    samples.b.push(law.alpha / (law.alpha + law.beta))
  }
  const tail = (1 - (options.confidence ?? 0.95)) / 2
  const interval = (values: ReadonlyArray<number>): readonly [number, number] => [quantile(values, tail), quantile(values, 1 - tail)]
  return {
    ...result,
    bootstrap: resamples,
    ci: {
      E: interval(samples.E),
      A: interval(samples.A),
      B: interval(samples.B),
      alpha: interval(samples.alpha),
      beta: interval(samples.beta),
      a: interval(samples.a),
      b: interval(samples.b)
    }
  }
}

/**
 * The fitting objective (sum of Huber terms on log-loss residuals) of a law on runs, e.g. to
 * compare a preset with a fit on the same data.
 *
 * @since 0.1.0 @category fitting
 */
export const objectiveOf = (law: LossLaw, runs: ReadonlyArray<Run>, delta = 1e-3): number =>
  objective(toData(runs), delta, undefined)(
    Float64Array.of(Math.log(law.A), Math.log(law.B), Math.log(law.E), law.alpha, law.beta),
    new Float64Array(5)
  )
