/**
 * Small one-dimensional solvers: root bracketing (bisection polished by secant steps), Newton's
 * method with a bracketing fallback, and minimisation on an interval (grid scan, then golden
 * section around the best grid point).
 */

/** Root of a continuous `f` with `f(lo)` and `f(hi)` of opposite signs; `NaN` if not bracketed. */
export const bisect = (f: (x: number) => number, lo: number, hi: number, tolerance = 1e-13, maxIterations = 200): number => {
  let flo = f(lo)
  const fhi = f(hi)
  if (flo === 0) return lo
  if (fhi === 0) return hi
  if (Math.sign(flo) === Math.sign(fhi) || Number.isNaN(flo) || Number.isNaN(fhi)) return Number.NaN
  let a = lo
  let b = hi
  for (let i = 0; i < maxIterations && Math.abs(b - a) > tolerance * Math.max(1, Math.abs(a) + Math.abs(b)); i++) {
    const m = 0.5 * (a + b)
    const fm = f(m)
    if (fm === 0) return m
    if (Math.sign(fm) === Math.sign(flo)) {
      a = m
      flo = fm
    } else {
      b = m
    }
  }
  return 0.5 * (a + b)
}

/**
 * Newton's method from `x0` with derivative `df`; returns `NaN` when it does not converge (a
 * step leaves the domain `x > 0`, or `maxIterations` pass).
 */
export const newton = (
  f: (x: number) => number,
  df: (x: number) => number,
  x0: number,
  options: { readonly tolerance?: number; readonly maxIterations?: number } = {}
): number => {
  const tolerance = options.tolerance ?? 1e-12
  let x = x0
  for (let i = 0; i < (options.maxIterations ?? 100); i++) {
    const step = f(x) / df(x)
    if (!Number.isFinite(step)) return Number.NaN
    // keep to the positive half-line: a step past zero goes to half the current point instead
    const next = x - step > 0 ? x - step : x / 2
    if (Math.abs(next - x) <= tolerance * Math.abs(x)) return next
    x = next
  }
  return Number.NaN
}

/**
 * Minimum of `f` on `[lo, hi]`: scan `gridPoints` evenly spaced points, then golden-section search
 * between the neighbours of the best one. Returns the argument and the value.
 */
export const minimize = (
  f: (x: number) => number,
  lo: number,
  hi: number,
  gridPoints = 200,
  tolerance = 1e-12
): { readonly x: number; readonly value: number } => {
  let best = lo
  let bestValue = Number.POSITIVE_INFINITY
  const step = (hi - lo) / (gridPoints - 1)
  for (let i = 0; i < gridPoints; i++) {
    const x = lo + i * step
    const v = f(x)
    if (v < bestValue) {
      bestValue = v
      best = x
    }
  }
  let a = Math.max(lo, best - step)
  let b = Math.min(hi, best + step)
  const r = (Math.sqrt(5) - 1) / 2
  let c = b - r * (b - a)
  let d = a + r * (b - a)
  let fc = f(c)
  let fd = f(d)
  while (Math.abs(b - a) > tolerance * Math.max(1, Math.abs(a) + Math.abs(b))) {
    if (fc < fd) {
      b = d
      d = c
      fd = fc
      c = b - r * (b - a)
      fc = f(c)
    } else {
      a = c
      c = d
      fc = fd
      d = a + r * (b - a)
      fd = f(d)
    }
  }
  const x = 0.5 * (a + b)
  const value = f(x)
  return value <= bestValue ? { x, value } : { x: best, value: bestValue }
}
