/**
 * Benchmark inputs: real source files from this workspace's node_modules (JS, TS, JSON, Markdown),
 * in a fixed order, split into a training part and a held-out part. Sizes in MB from the
 * environment (`BENCH_TRAIN_MB`, default 20; `BENCH_HELDOUT_MB`, default 3).
 */
import * as fs from "node:fs"
import * as path from "node:path"

export const repoRoot = path.resolve(import.meta.dirname, "../../..")

const walk = (dir: string, out: Array<string>): void => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (e.isFile() && /\.(js|mjs|cjs|ts|mts|json|md)$/.test(e.name) && !e.name.endsWith(".map")) out.push(p)
  }
}

export interface Corpus {
  readonly train: Array<string>
  readonly heldOut: Array<string>
  readonly trainBytes: number
  readonly heldOutBytes: number
}

/** Interleaved split: every 8th file is held out, until each part reaches its size. */
export const corpus = (): Corpus => {
  const trainMax = Number(process.env.BENCH_TRAIN_MB ?? 20) * 1e6
  const heldMax = Number(process.env.BENCH_HELDOUT_MB ?? 3) * 1e6
  const files: Array<string> = []
  walk(path.join(repoRoot, "node_modules"), files)
  const train: Array<string> = []
  const heldOut: Array<string> = []
  let trainBytes = 0
  let heldOutBytes = 0
  files.forEach((f, i) => {
    const size = fs.statSync(f).size
    if (size > 1e6 || size < 100) return
    if (i % 8 === 7) {
      if (heldOutBytes >= heldMax) return
      heldOut.push(fs.readFileSync(f, "utf8"))
      heldOutBytes += size
    } else {
      if (trainBytes >= trainMax) return
      train.push(fs.readFileSync(f, "utf8"))
      trainBytes += size
    }
  })
  return { train, heldOut, trainBytes, heldOutBytes }
}

export const fmt = (x: number, digits = 2): string => x.toFixed(digits)
