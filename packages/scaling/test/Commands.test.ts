import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { Commands, DataConstrained, Law, Presets } from "../src/index.ts"
import { expectRel } from "./helpers.ts"

/** Run `scaling …` in process; returns what it printed and the exit code it set. */
const run = async (argv: ReadonlyArray<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void out.push(a.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => void err.push(a.join(" ")))
  process.exitCode = 0
  try {
    await Effect.runPromise(Command.runWith(Commands.scaling, { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
  const code = process.exitCode
  process.exitCode = 0
  return { stdout: out.join("\n"), stderr: err.join("\n"), code }
}

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "scaling-cli-"))
})
afterEach(() => {
  process.exitCode = 0
})

describe("scaling plan", () => {
  it("--json prints the plan's numbers as plain JSON numbers", async () => {
    const r = await run(["plan", "--flops", "1e21", "--preset", "chinchilla", "--json"])
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout)
    const a = Law.computeOptimal(Presets.chinchilla, 1e21)
    for (const key of ["params", "tokens", "epochs", "loss", "flops", "inferenceFlops", "totalFlops", "tokensPerParam", "learningRate", "batchTokens"]) {
      expect(typeof p[key]).toBe("number")
    }
    expectRel(p.params, a.params, 1e-12)
    expectRel(p.tokens, a.tokens, 1e-12)
    expect(p.flops).toBe(1e21)
    expect(p.epochs).toBe(1)
    expect(p.preset).toBe("chinchilla")
    expect(Object.keys(p.chinchilla).sort()).toEqual(["epochs", "flops", "inferenceFlops", "loss", "params", "tokens", "tokensPerParam", "totalFlops"])
  })

  it("--unique-tokens and --inference-tokens add epochs and inferenceFlops", async () => {
    const r = await run(["plan", "--flops", "1e21", "--preset", "muennighoff", "--unique-tokens", "5e9", "--inference-tokens", "1e12", "--json"])
    const p = JSON.parse(r.stdout)
    expect(p.uniqueTokens).toBe(5e9)
    expect(p.inferenceTokens).toBe(1e12)
    expectRel(p.epochs, p.tokens / 5e9, 1e-12)
    expect(p.chinchilla.flops).toBe(1e21)
    expectRel(p.totalFlops, p.flops + p.inferenceFlops, 1e-12)
    expectRel(p.inferenceFlops, 2 * p.params * 1e12, 1e-12)
    expectRel(p.loss, DataConstrained.optimalAllocation(Presets.muennighoff, 1e21, 5e9).loss, 1e-6)
  })

  it("--loss plans for a target; --shape suggests layers, width and heads; --svg writes a plot", async () => {
    const svg = path.join(dir, "plan.svg")
    const r = await run(["plan", "--loss", "1.947", "--preset", "beyond-chinchilla", "--inference-tokens", "2e12", "--shape", "--svg", svg, "--json"])
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout)
    expectRel(p.params, 2.418e10, 1e-3)
    expect(p.loss).toBe(1.947)
    expect(p.shapes.length).toBe(3)
    expect(Object.keys(p.shapes[0]).sort()).toEqual(["aspect", "dModel", "heads", "layers", "params", "seqLen", "vocab"])
    expect(fs.readFileSync(svg, "utf8")).toContain("recommended")
    const again = await run(["plan", "--flops", "1e21", "--svg", svg])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(`error: ${svg} exists; pass --force to overwrite it`)
    expect((await run(["plan", "--flops", "1e21", "--svg", svg, "--force", "--plot", "contour"])).code).toBe(0)
    expect(fs.readFileSync(svg, "utf8")).toContain("compute-optimal frontier")
  })

  it("prints a readable table next to Chinchilla", async () => {
    const r = await run(["plan", "--flops", "1e22", "--unique-tokens", "2e10"])
    expect(r.stdout).toContain("recommended")
    expect(r.stdout).toContain("chinchilla (compute-optimal)")
    expect(r.stdout).toContain("epochs")
    expect(r.stdout).toContain("DeepSeek LLM hyperparameters")
  })

  it("fails with a clear message and exit code 1", async () => {
    const none = await run(["plan"])
    expect(none.code).toBe(1)
    expect(none.stderr).toBe("error: give either a FLOP budget (--flops) or a target loss (--loss)")
    const low = await run(["plan", "--loss", "1.2", "--preset", "chinchilla"])
    expect(low.stderr).toBe("error: target loss 1.2 is not above the irreducible loss E = 1.6900 of preset chinchilla")
  })
})

describe("scaling loss", () => {
  it("--json prints loss, with repetition when --unique-tokens is given (datablations README: 2.2256440889984477)", async () => {
    const plain = JSON.parse((await run(["loss", "--params", "70e9", "--tokens", "1e12", "--preset", "beyond-chinchilla", "--json"])).stdout)
    expect(plain.loss.toFixed(3)).toBe("1.947")
    const r = await run(["loss", "--params", "6.34e9", "--tokens", "242e9", "--unique-tokens", "25e9", "--preset", "muennighoff", "--json"])
    const p = JSON.parse(r.stdout)
    expect(p.loss).toBeCloseTo(2.2256440889984477, 14)
    expect(p.epochs).toBeCloseTo(9.68, 10)
    expect(p.lossWithoutRepetition).toBeLessThan(p.loss)
    const text = await run(["loss", "--params", "1e9", "--tokens", "2e10"])
    expect(text.stdout).toMatch(/^loss \d\.\d{4} nats\/token \(preset epoch/)
    const bad = await run(["loss", "--params", "0", "--tokens", "1e9"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe("error: --params must be positive, got 0")
  })
})

describe("scaling fit", () => {
  it("--json prints E, A, B, alpha, beta and ci pairs; --svg writes the fit against the runs", async () => {
    const truth = { E: 2.0, A: 300, B: 900, alpha: 0.31, beta: 0.34 }
    const lines = ["params,tokens,loss"]
    let k = 0
    for (const n of [3e7, 1e8, 3e8, 1e9]) {
      for (const tpp of [5, 15, 45]) {
        const noise = 1 + 0.004 * Math.sin(k++ * 2.3)
        lines.push(`${n},${n * tpp},${Law.loss(truth, n, n * tpp) * noise}`)
      }
    }
    const csv = path.join(dir, "runs.csv")
    fs.writeFileSync(csv, lines.join("\n") + "\n")
    const svg = path.join(dir, "fit.svg")
    const r = await run(["fit", csv, "--bootstrap", "20", "--svg", svg, "--json"])
    expect(r.code).toBe(0)
    const f = JSON.parse(r.stdout)
    for (const key of ["E", "A", "B", "alpha", "beta"]) {
      expect(typeof f[key]).toBe("number")
      expect(f.ci[key].length).toBe(2)
      expect(f.ci[key][0]).toBeLessThanOrEqual(f.ci[key][1])
    }
    expect(Object.keys(f.ci).sort()).toEqual(["A", "B", "E", "alpha", "beta"])
    expectRel(f.E, truth.E, 0.03)
    expect(f.runs).toBe(12)
    expect(f.starts).toBe(4500)
    expect(fs.readFileSync(svg, "utf8")).toContain("12 runs")
  })

  it("a bad row fails naming file, line and column", async () => {
    const csv = path.join(dir, "bad.csv")
    fs.writeFileSync(csv, "params,tokens,loss\n1e8,2e9,3.1\n1e8,abc,3.0\n")
    const r = await run(["fit", csv])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`error: ${csv}, line 3, column tokens: expected a positive number, got "abc"`)
    const few = path.join(dir, "few.csv")
    fs.writeFileSync(few, "params,tokens,loss\n1e8,2e9,3.1\n2e8,2e9,3.0\n")
    expect((await run(["fit", few])).stderr).toBe(`error: ${few}: 2 runs; fitting five constants needs at least 6`)
  })
})
