/**
 * scaling-sweep: train tiny GPT-2-style models of several widths, each for several step budgets, on
 * a packed token dataset; fit the Chinchilla law `L(N, D) = E + A/N^α + B/D^β` to their held-out
 * losses with `@pretrain/scaling` and plot it.
 *
 *   node examples/pipelines/scaling-sweep/run.ts [--data DIR] [--out DIR] [--widths 32,48,64,96]
 *     [--steps 60,120] [--layers 2] [--batch-size 8] [--seq-len 128] [--lr 3e-3] [--bootstrap 0]
 *
 * `--data` is what `pretrain pack` writes (default: the demo's, examples/out/stack-mini/packed, so
 * run `npm run demo` first). Each run's directory `OUT/d<width>-s<steps>/` is the trainer's
 * (`metrics.jsonl`, `loss.svg`, `summary.json`, a checkpoint); `OUT/runs.json` gathers their
 * `summary.json` runs (so `pretrain scaling fit OUT/runs.json` refits them), `OUT/fit.json` holds
 * the fitted law and `OUT/fit.svg` draws it against the runs.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Fit, Law, Plots, Runs } from "@pretrain/scaling"
import { Config } from "@pretrain/trainer"
import { openSplit, trainTiny } from "../lib/tiny-model.ts"
import { textTable } from "../stack-mini/summary.ts"

const args = process.argv.slice(2)
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : args[i + 1]!
}
const list = (name: string, fallback: string) => flag(name, fallback).split(",").map(Number)
const examples = path.resolve(import.meta.dirname, "../..")
const data = path.resolve(flag("data", path.join(examples, "out/stack-mini/packed")))
const out = path.resolve(flag("out", path.join(examples, "out/scaling-sweep")))
const widths = list("widths", "32,48,64,96")
const stepBudgets = list("steps", "60,120")
const layers = Number(flag("layers", "2"))
const batchSize = Number(flag("batch-size", "8"))
const seqLen = Number(flag("seq-len", "128"))
const lr = Number(flag("lr", "3e-3"))
const bootstrap = Number(flag("bootstrap", "0"))

const packMeta = path.join(data, "pack.json")
if (!fs.existsSync(packMeta)) {
  console.error(`error: ${data}: no pack.json (a packed dataset is needed: run \`npm run demo\` first, or pass --data DIR written by \`pretrain pack\`)`)
  process.exit(1)
}
const vocabSize = (JSON.parse(fs.readFileSync(packMeta, "utf8")) as { vocabSize: number }).vocabSize
const runs = widths.length * stepBudgets.length
if (runs < 6) {
  console.error(`error: ${widths.length} widths x ${stepBudgets.length} step budgets = ${runs} runs; fitting the law's five constants needs at least 6`)
  process.exit(1)
}

fs.mkdirSync(out, { recursive: true })
const started = performance.now()
const split = openSplit(data, 0.05)
const dirs: Array<string> = []
try {
  console.log(`scaling sweep on ${data}: ${split.train.size} training sequences, ${split.heldOut.size} held out; ${runs} runs`)
  for (const width of widths) {
    // heads of 16 dimensions (at least one)
    const config = Config.make("gpt2", { nLayer: layers, nHead: Math.max(1, Math.floor(width / 16)), dModel: width, contextLength: seqLen }, vocabSize)
    for (const steps of stepBudgets) {
      const dir = path.join(out, `d${width}-s${steps}`)
      const run = trainTiny({ config, train: split.train, heldOut: split.heldOut, out: dir, steps, batchSize, seqLen, lr, evaluations: 0 })
      dirs.push(dir)
      console.log(`  d ${width}, ${steps} steps: ${run.params.toLocaleString("en")} parameters, ${run.tokens.toLocaleString("en")} tokens, held-out loss ${run.lossBefore.toFixed(3)} -> ${run.lossAfter.toFixed(3)} (${run.seconds.toFixed(1)} s)`)
    }
  }
} finally {
  split.close()
}

// every run as its summary.json says, the way `pretrain scaling fit` reads it
const points = dirs.flatMap((dir) => {
  const file = path.join(dir, "summary.json")
  return Runs.parseRunsJson(fs.readFileSync(file, "utf8"), file)
})
fs.writeFileSync(path.join(out, "runs.json"), JSON.stringify({ runs: points }, null, 2) + "\n")
const fit = Fit.fitLaw(points, { bootstrap })
fs.writeFileSync(path.join(out, "fit.json"), JSON.stringify(fit, null, 2) + "\n")
fs.writeFileSync(path.join(out, "fit.svg"), Plots.fitSvg(fit.law, points, { title: `Fitted L(N, D) of ${points.length} tiny runs` }))

const { E, A, B, alpha, beta } = fit.law
console.log(`\n${textTable([
  ["run", "parameters", "tokens", "held-out loss", "fitted loss"],
  ...points.map((p, i) => [path.basename(dirs[i]!), p.params.toLocaleString("en"), p.tokens.toLocaleString("en"), p.loss.toFixed(3), Law.loss(fit.law, p.params, p.tokens).toFixed(3)])
])}`)
console.log(`\nfitted law: L(N, D) = ${E.toFixed(3)} + ${A.toPrecision(4)} / N^${alpha.toFixed(3)} + ${B.toPrecision(4)} / D^${beta.toFixed(3)}` +
  ` (objective ${fit.objective.toExponential(3)}${fit.converged ? "" : ", not converged"})`)
console.log(`outputs: ${out} (runs.json, fit.json, fit.svg; one directory per run); done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
