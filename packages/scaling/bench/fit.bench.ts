/**
 * Chinchilla's fitting recipe on the 245 points Epoch AI extracted from Chinchilla's Figure 4,
 * against SciPy's L-BFGS-B (the optimiser Hoffmann et al. and Epoch AI used) on the same data in
 * the same run, one core.
 *
 *   cd packages/scaling && npx node bench/fit.bench.ts [--starts full|quick]
 *
 * Both drop the 5 highest losses, minimise the sum of Huber(1e-3) terms of log-loss residuals
 * over (a, b, e, alpha, beta) from the same grid of starts (Chinchilla's 4500, or 243 with
 * `--starts quick`), with an analytic gradient. SciPy runs every start to its default tolerances;
 * ours runs every start for 40 iterations and the 10 best to convergence. Prints the wall time, the
 * best objective and constants of each, and the ratio. The SciPy side needs `python3` with numpy
 * and scipy; without them only our figures print.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Fit from "../src/Fit.ts"
import * as Runs from "../src/Runs.ts"

const data = path.resolve(import.meta.dirname, "../../../../shared/data/chinchilla_epoch_svg_extracted.csv")
const quick = process.argv.includes("quick")  // `--starts quick`
const grid: Fit.StartGrid = quick
  ? { a: [0, 10, 20], b: [0, 10, 20], e: [-1, 0, 1], alpha: [0, 1, 2], beta: [0, 1, 2] }
  : Fit.chinchillaGrid
const runs = Fit.excludeHighestLoss(Runs.parseRunsCsv(fs.readFileSync(data, "utf8"), data), 5)

const t0 = performance.now()
const ours = Fit.fitLaw(runs, { grid })
const oursSeconds = (performance.now() - t0) / 1000
const show = (label: string, seconds: number, objective: number, law: { A: number; B: number; E: number; alpha: number; beta: number }) =>
  console.log(
    `${label.padEnd(22)} ${seconds.toFixed(2).padStart(7)} s  objective ${objective.toPrecision(10)}  ` +
      `A ${law.A.toPrecision(5)} B ${law.B.toPrecision(5)} E ${law.E.toPrecision(5)} alpha ${law.alpha.toPrecision(4)} beta ${law.beta.toPrecision(4)}`
  )
console.log(`${runs.length} runs, ${ours.starts} starts`)
show("@pretrain/scaling", oursSeconds, ours.objective, ours.law)

const python = `
import json, sys, time, itertools
import numpy as np
from scipy.optimize import minimize
d = json.load(sys.stdin)
lnN, lnD, lnL = (np.log(np.array(d[k])) for k in ("params", "tokens", "loss"))
g = d["grid"]
def f(x):
    a, b, e, al, be = x
    t = np.stack([a - al * lnN, b - be * lnD, np.full_like(lnN, e)])
    m = t.max(axis=0); w = np.exp(t - m); s = w.sum(axis=0)
    r = m + np.log(s) - lnL
    q = np.abs(r) <= 1e-3
    val = np.where(q, 0.5 * r * r, 1e-3 * (np.abs(r) - 0.5e-3)).sum()
    dr = np.where(q, r, 1e-3 * np.sign(r)) / s
    return val, np.array([(dr * w[0]).sum(), (dr * w[1]).sum(), (dr * w[2]).sum(), -(dr * w[0] * lnN).sum(), -(dr * w[1] * lnD).sum()])
t0 = time.perf_counter(); best = None
for al, be, e, a, b in itertools.product(g["alpha"], g["beta"], g["e"], g["a"], g["b"]):
    r = minimize(f, [a, b, e, al, be], jac=True, method="L-BFGS-B")
    if np.isfinite(r.fun) and (best is None or r.fun < best.fun): best = r
x = best.x
print(json.dumps({"seconds": time.perf_counter() - t0, "objective": float(best.fun), "A": float(np.exp(x[0])), "B": float(np.exp(x[1])), "E": float(np.exp(x[2])), "alpha": float(x[3]), "beta": float(x[4])}))
`
const peer = spawnSync("python3", ["-c", python], {
  input: JSON.stringify({ params: runs.map((r) => r.params), tokens: runs.map((r) => r.tokens), loss: runs.map((r) => r.loss), grid }),
  encoding: "utf8",
  maxBuffer: 1 << 20
})
if (peer.status !== 0) {
  console.log(`SciPy peer unavailable (${peer.error?.message ?? peer.stderr.trim().split("\n").at(-1)})`)
} else {
  const p = JSON.parse(peer.stdout) as { seconds: number; objective: number; A: number; B: number; E: number; alpha: number; beta: number }
  show("scipy L-BFGS-B", p.seconds, p.objective, p)
  console.log(`time ratio (ours / scipy): ${(oursSeconds / p.seconds).toFixed(2)}; objective ratio: ${(ours.objective / p.objective).toFixed(9)}`)
}
