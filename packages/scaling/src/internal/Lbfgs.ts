/**
 * Limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 7.4 two-loop
 * recursion, Alg. 3.5/3.6 line search for the strong Wolfe conditions). Plain `Float64Array`s, no
 * allocation inside the iteration apart from the history.
 */

/** Objective: writes the gradient at `x` into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

/** Outcome of a minimisation. */
export interface LbfgsResult {
  readonly x: Float64Array
  readonly value: number
  readonly iterations: number
  readonly evaluations: number
  /** Largest gradient component at `x`. */
  readonly gradient: number
  /** Stopped on the gradient or function-change tolerance (not on the iteration cap or a failed line search). */
  readonly converged: boolean
}

/** Options of `lbfgs`. */
export interface LbfgsOptions {
  readonly maxIterations?: number
  /** Stop when the largest gradient component is at most this. */
  readonly gradientTolerance?: number
  /** Stop when the relative decrease of the value in one iteration is at most this. */
  readonly functionTolerance?: number
  readonly memory?: number
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

const maxAbs = (a: Float64Array): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!))
  return m
}

/** Minimise `objective` from `x0` (not modified). */
export const lbfgs = (objective: Objective, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult => {
  const n = x0.length
  const maxIterations = options.maxIterations ?? 1000
  const gtol = options.gradientTolerance ?? 1e-10
  const ftol = options.functionTolerance ?? 1e-13
  const m = options.memory ?? 10
  const x = Float64Array.from(x0)
  const g = new Float64Array(n)
  const d = new Float64Array(n)
  const xNew = new Float64Array(n)
  const gNew = new Float64Array(n)
  const alphas = new Float64Array(m)
  const S: Array<Float64Array> = []
  const Y: Array<Float64Array> = []
  const rho: Array<number> = []
  let evaluations = 1
  let f = objective(x, g)
  if (!Number.isFinite(f)) return { x, value: f, iterations: 0, evaluations, converged: false, gradient: Number.NaN }
  let iterations = 0
  let converged = false

  // phi(t) = f(x + t d), evaluated into xNew / gNew
  const evaluate = (t: number): number => {
    for (let i = 0; i < n; i++) xNew[i] = x[i]! + t * d[i]!
    evaluations++
    return objective(xNew, gNew)
  }
  const search: LineSearch = { evaluate, gNew, d, f0: f, slope0: 0 }

  while (iterations < maxIterations) {
    if (maxAbs(g) <= gtol) {
      converged = true
      break
    }
    // two-loop recursion: d = -H g
    for (let i = 0; i < n; i++) d[i] = -g[i]!
    const k = S.length
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j]! * dot(S[j]!, d)
      alphas[j] = a
      const y = Y[j]!
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * y[i]!
    }
    if (k > 0) {
      const gamma = dot(S[k - 1]!, Y[k - 1]!) / dot(Y[k - 1]!, Y[k - 1]!)
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j]! * dot(Y[j]!, d)
      const s = S[j]!
      const a = alphas[j]!
      for (let i = 0; i < n; i++) d[i] = d[i]! + (a - b) * s[i]!
    }
    let slope = dot(g, d)
    if (!(slope < 0)) {
      // not a descent direction: restart from steepest descent
      S.length = 0
      Y.length = 0
      rho.length = 0
      for (let i = 0; i < n; i++) d[i] = -g[i]!
      slope = dot(g, d)
    }
    const t0 = k === 0 ? Math.min(1, 1 / Math.max(1e-300, maxAbs(g))) : 1
    search.f0 = f
    search.slope0 = slope
    const step = wolfe(search, t0)
    if (step === undefined) {
      // no step decreases the value any more: at the optimum to working precision when the
      // gradient is small next to the value's scale
      converged = maxAbs(g) <= Math.sqrt(gtol) * Math.max(1, Math.abs(f))
      break
    }
    iterations++
    const sVec = new Float64Array(n)
    const yVec = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      sVec[i] = xNew[i]! - x[i]!
      yVec[i] = gNew[i]! - g[i]!
    }
    const previous = f
    f = step
    x.set(xNew)
    g.set(gNew)
    const sy = dot(sVec, yVec)
    if (sy > 1e-300) {
      if (S.length === m) {
        S.shift()
        Y.shift()
        rho.shift()
      }
      S.push(sVec)
      Y.push(yVec)
      rho.push(1 / sy)
    }
    if (previous - f <= ftol * Math.max(Math.abs(previous), Math.abs(f), 1e-300)) {
      converged = true
      break
    }
  }
  return { x, value: f, iterations, evaluations, converged, gradient: maxAbs(g) }
}

/** One line search: `phi(t) = f(x + t·d)` with `phi(0) = f0` and `phi'(0) = slope0` (reused across iterations). */
interface LineSearch {
  /** Evaluates `phi(t)`, writing the gradient at `x + t·d` into `gNew`. */
  readonly evaluate: (t: number) => number
  readonly gNew: Float64Array
  readonly d: Float64Array
  f0: number
  slope0: number
}

/** Strong Wolfe constants: sufficient decrease (c1) and curvature (c2). */
const c1 = 1e-4
const c2 = 0.9

/** `phi(t) = ft` breaks the sufficient-decrease (Armijo) condition, or is not finite. */
const tooHigh = (ls: LineSearch, t: number, ft: number): boolean => !Number.isFinite(ft) || ft > ls.f0 + c1 * t * ls.slope0

/** `phi'(t) = slope` meets the strong curvature condition. */
const flatEnough = (ls: LineSearch, slope: number): boolean => Math.abs(slope) <= -c2 * ls.slope0

/**
 * Line search for the strong Wolfe conditions. Leaves the accepted point in the buffers `evaluate`
 * writes to and returns its value, or `undefined` when no step decreases.
 */
const wolfe = (ls: LineSearch, t0: number): number | undefined => {
  let tPrev = 0
  let fPrev = ls.f0
  let t = t0
  for (let i = 0; i < 30; i++) {
    const ft = ls.evaluate(t)
    const slope = dot(ls.gNew, ls.d)
    if (tooHigh(ls, t, ft) || (i > 0 && ft >= fPrev)) return zoom(ls, tPrev, fPrev, t)
    if (flatEnough(ls, slope)) return ft
    if (slope >= 0) return zoom(ls, t, ft, tPrev)
    tPrev = t
    fPrev = ft
    t *= 2
  }
  if (tPrev === 0) return undefined
  const last = ls.evaluate(tPrev)
  return last < ls.f0 ? last : undefined
}

/** Bisects between `tLo0` (value `fLo0`, the lowest so far) and `tHi0` for a point meeting the strong Wolfe conditions. */
const zoom = (ls: LineSearch, tLo0: number, fLo0: number, tHi0: number): number | undefined => {
  let tLo = tLo0
  let fLo = fLo0
  let tHi = tHi0
  for (let i = 0; i < 60; i++) {
    const t = 0.5 * (tLo + tHi)
    const ft = ls.evaluate(t)
    if (tooHigh(ls, t, ft) || ft >= fLo) {
      tHi = t
    } else {
      const slope = dot(ls.gNew, ls.d)
      if (flatEnough(ls, slope)) return ft
      if (slope * (tHi - tLo) >= 0) tHi = tLo
      tLo = t
      fLo = ft
    }
    if (Math.abs(tHi - tLo) < 1e-16 * Math.max(1, Math.abs(tLo))) break
  }
  if (tLo > 0 && fLo < ls.f0) return ls.evaluate(tLo)
  return undefined
}
