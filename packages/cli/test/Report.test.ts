/**
 * `pretrain report`: a tiny run (ingest with a filter, exact and near dedup, a tokenizer, packing,
 * a few training steps of a tiny model) is built in a temporary directory, its report written through the `report` command, then opened
 * in headless Chromium (Debian's `chromium`, driven by playwright-core): it must render with no
 * console error and no network request, show the run's own figures, and leave a screenshot.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { NodeModules, Operator, Parquet, Pipeline, runPipeline } from "@pretrain/dataflow"
import { Demo as Dedup } from "@pretrain/dedup"
import { Demo as Packing } from "@pretrain/packing"
import { Demo as Tokenizer } from "@pretrain/tokenizer"
import { Config, Data, Model, Trainer } from "@pretrain/trainer"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { chromium } from "playwright-core"
import { beforeAll, describe, expect, it } from "vitest"
import { RunDir, render, reportCommand, writeReport } from "../src/Report.ts"

const chromiumPath = "/usr/bin/chromium"
const ci = process.env.CI === "true"
const haveChromium = fs.existsSync(chromiumPath)
if (!haveChromium && !ci) console.warn(`Report: the browser checks are skipped, ${chromiumPath} is missing (examples/scripts/install-notebook-deps.sh installs it)`)

let tmp: string
let runDir: string

/** A node_modules tree of five packages: shared license texts, near-copies, a binary, a minified file. */
const writeCorpus = (root: string) => {
  const mit = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software.\n"
  const util = (name: string, extra: string) =>
    `export function ${name}(values, limit = 10) {\n  const out = []\n  for (const v of values) {\n    if (out.length >= limit) break\n    out.push(v * 2)\n  }\n  return out\n}\n${extra}`
  const pkgs = [
    { name: "alpha", license: "MIT" },
    { name: "beta", license: "MIT" },
    { name: "gamma", license: "Apache-2.0" },
    { name: "delta", license: "GPL-3.0" },
    { name: "epsilon", license: "ISC" }
  ]
  pkgs.forEach((p, i) => {
    const dir = path.join(root, p.name)
    fs.mkdirSync(path.join(dir, "lib"), { recursive: true })
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: p.name, version: "1.0.0", license: p.license }))
    fs.writeFileSync(path.join(dir, "LICENSE"), mit)
    fs.writeFileSync(path.join(dir, "lib/util.js"), util("take", i % 2 === 0 ? "" : `// ${p.name}\n`))
    for (let j = 0; j < 6; j++) {
      fs.writeFileSync(path.join(dir, `lib/m${j}.ts`), `// ${p.name} module ${j}\nexport const value${j}: number = ${i * 100 + j}\nexport function f${j}(x: number): number {\n  return x * ${j + 1} + value${j}\n}\n`)
    }
    fs.writeFileSync(path.join(dir, "README.md"), `# ${p.name}\n\nA small package number ${i} for the report test.\n`)
    fs.writeFileSync(path.join(dir, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x03]))
  })
  fs.writeFileSync(path.join(root, "alpha/lib/bundle.min.js"), `var a=${"1,".repeat(3000)}1;`)
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-report-"))
  const modules = path.join(tmp, "node_modules")
  writeCorpus(modules)
  runDir = path.join(tmp, "run")
  const ingest = path.join(runDir, "ingest")
  const pipeline = Pipeline.make("report-test", [
    Pipeline.stage({
      name: "ingest",
      tasks: 2,
      source: NodeModules.source(modules),
      steps: (docs) => docs.pipe(Operator.filter("long-lines", (doc) => doc.content.split("\n").every((l) => l.length <= 1000) || "long-lines")),
      sink: Parquet.sink(ingest)
    }),
    ...Dedup.stages({ input: ingest, out: runDir })
  ])
  await Effect.runPromise(runPipeline(pipeline, { quiet: true, workers: 0 }))
  const tokenizer = await Effect.runPromise(Tokenizer.trainTokenizer({ input: path.join(runDir, "near-dedup"), outDir: path.join(runDir, "tokenizer"), vocabSize: 300, workers: 0 }))
  await Effect.runPromise(Packing.pack({ input: path.join(runDir, "near-dedup"), tokenizerFile: tokenizer.tokenizerFile, outDir: path.join(runDir, "packed"), seqLen: 128, workers: 0 }))
  // 12 steps of a one-layer model, evaluated every 4 steps (on the training sequences: the report only draws what was measured)
  const packed = Data.openDataset(path.join(runDir, "packed"))
  try {
    const model = Model.Model.init(Config.make("gpt2", { nLayer: 1, nHead: 2, dModel: 32, contextLength: 64 }, 300), 1)
    Trainer.train({ model, train: packed, heldOut: packed, out: path.join(runDir, "train"), options: { steps: 12, batchSize: 2, seqLen: 64, lr: 1e-2, warmupSteps: 1, evalEvery: 4, evalBatches: 2 } })
  } finally {
    packed.close()
  }
})

/** Run `pretrain report ...` through the command itself, as the binary will. */
const report = (args: ReadonlyArray<string>) => {
  const root = Command.make("pretrain").pipe(Command.withSubcommands([reportCommand]))
  return Effect.runPromise(Command.runWith(root, { version: "0.0.0" })(["report", ...args]).pipe(Effect.provide(NodeServices.layer)))
}

describe("RunDir.read", () => {
  it("finds the stages in funnel order, the clusters, the tokenizer and the packing summary", async () => {
    const run = await Effect.runPromise(RunDir.read(runDir))
    expect(run.stages.map((s) => s.dir)).toEqual(["ingest", "exact-dedup", "near-dedup"])
    expect(run.stages[0]!.stats.drops).toEqual({ binary: 5, "long-lines": 1 })
    expect(run.stages[1]!.stats.drops).toEqual({ "exact-duplicate": 6 })
    expect(run.dedup.map((d) => d.dir)).toEqual(["exact-dedup", "near-dedup"])
    expect(run.dedup[0]!.clusters.some((c) => c.size === 5 && c.members.every((m) => m.path === "LICENSE"))).toBe(true)
    expect(run.corpusStage).toBe("near-dedup")
    expect(run.corpus!.files).toBe(run.stages[2]!.stats.docsOut)
    expect(run.tokenizer!.train.vocabSize).toBe(300)
    expect(run.packing!.seqLen).toBe(128)
    expect(run.training.map((t) => t.dir)).toEqual(["train"])
    const records = run.training[0]!.records
    expect(records.filter((r) => r.kind === "train").map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(records.filter((r) => r.kind === "eval").map((r) => r.step)).toEqual([4, 8, 12])
    expect(run.training[0]!.summary!.tokens).toBe(12 * 2 * 64)
  })

  it("reads a trainer's run directory on its own, and names the line of a malformed metrics record", async () => {
    const alone = await Effect.runPromise(RunDir.read(path.join(runDir, "train")))
    expect(alone.stages).toEqual([])
    expect(alone.training.map((t) => t.dir)).toEqual(["."])
    const html = render(alone)
    expect(html).toContain(`<section id="training">`)
    expect(html).not.toContain(`<section id="funnel">`)
    const bad = path.join(tmp, "bad-train")
    fs.mkdirSync(bad, { recursive: true })
    fs.writeFileSync(path.join(bad, "metrics.jsonl"), `{"kind":"train","step":1,"loss":5,"tokens":64}\n{"kind":"train","step":2}\n`)
    const malformed = await Effect.runPromise(Effect.flip(RunDir.read(bad)))
    expect(malformed.message).toBe(`${path.join(bad, "metrics.jsonl")}: line 2: not a metrics record (kind "train" or "eval", step, loss)`)
  })

  it("fails with a typed error naming the path", async () => {
    const missing = await Effect.runPromise(Effect.flip(RunDir.read(path.join(tmp, "nope"))))
    expect(missing._tag).toBe("RunDirError")
    expect(missing.message).toContain("nope: not a directory")
    const bad = path.join(tmp, "bad-run")
    fs.mkdirSync(path.join(bad, "ingest"), { recursive: true })
    fs.writeFileSync(path.join(bad, "ingest", "stats.json"), "{\"stage\":")
    const malformed = await Effect.runPromise(Effect.flip(RunDir.read(bad)))
    expect(malformed.message).toContain(path.join(bad, "ingest", "stats.json"))
    expect(malformed.message).toContain("not valid JSON")
  })
})

describe("pretrain report", () => {
  it("writes one self-contained page and refuses to overwrite it without --force", async () => {
    const out = path.join(tmp, "report.html")
    await report([runDir, "--out", out])
    const html = fs.readFileSync(out, "utf8")
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i)
    expect(html).not.toMatch(/(src|href)="https?:/)
    const before = fs.statSync(out).mtimeMs
    process.exitCode = undefined
    await report([runDir, "--out", out])
    expect(process.exitCode).toBe(1)
    process.exitCode = undefined
    expect(fs.statSync(out).mtimeMs).toBe(before)
    await report([runDir, "--out", out, "--force"])
    expect(process.exitCode).toBeUndefined()
  })

  it.skipIf(!haveChromium && !ci)("renders in headless Chromium with no console error and the run's own figures", async () => {
    const out = path.join(tmp, "browser.html")
    const run = await Effect.runPromise(writeReport(runDir, out))
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
      const problems: Array<string> = []
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
      })
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
      page.on("request", (r) => {
        if (!r.url().startsWith("file://")) problems.push(`request: ${r.url()}`)
      })
      await page.goto(`file://${out}`, { waitUntil: "load" })
      expect(await page.title()).toBe("pretrain report: run")
      const headings = await page.locator("h2").allTextContents()
      expect(headings).toEqual(["Summary", "Stage funnel", "Drop reasons", "Language and license mix", "Deduplication clusters", "Tokenizer", "Packing", "Training"])
      const funnel = await page.locator("#funnel tbody tr").allInnerTexts()
      expect(funnel.map((r) => r.split("\t")[0])).toEqual(["ingest", "exact-dedup", "near-dedup"])
      // the source's drops (binary files) count as read: 56 files, 50 kept, 6 dropped
      expect(funnel[0]!.split("\t").slice(1, 4)).toEqual(["56", "50", "6"])
      expect(funnel[1]!.split("\t").slice(1, 4)).toEqual([String(run.stages[1]!.stats.docsIn), String(run.stages[1]!.stats.docsOut), "6"])
      const drops = await page.locator("#drops").innerText()
      expect(drops).toContain("binary")
      expect(drops).toContain("long-lines")
      expect(drops).toContain("exact-duplicate")
      const mix = await page.locator("#mix").innerText()
      expect(mix).toContain("TypeScript")
      expect(mix).toContain("permissive")
      expect(await page.locator("#tokenizer").innerText()).toContain("300")
      expect(await page.locator("#packing").innerText()).toContain(run.packing!.stats.sequences.toLocaleString("en-US"))
      // the loss curve: a line through the 12 training losses, a dot per evaluation, the run's figures
      const training = run.training[0]!
      const evals = training.records.filter((r) => r.kind === "eval")
      const curve = page.locator("#training svg.chart")
      expect(await curve.count()).toBe(1)
      const points = await curve.locator("polyline").evaluateAll((els) => els.map((e) => e.getAttribute("points")!.trim().split(/\s+/).length))
      expect(points).toEqual([12, 3])
      expect(await curve.locator("circle").count()).toBe(evals.length)
      const box = await curve.evaluate((e) => e.getBoundingClientRect())
      expect(box.width).toBeGreaterThan(300)
      const trainingText = await page.locator("#training").innerText()
      expect(trainingText).toContain("tokens trained")
      expect(trainingText).toContain((12 * 2 * 64).toLocaleString("en-US"))
      expect(trainingText).toContain(evals.at(-1)!.loss.toFixed(4))
      expect(await page.locator("#training tbody tr").count()).toBe(evals.length)
      // every chart is drawn: an SVG with bars of non-zero size
      const charts = page.locator("svg.chart")
      expect(await charts.count()).toBeGreaterThanOrEqual(6)
      for (const box of await charts.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) expect(box).toBeGreaterThan(0)
      const shots = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-report-shot-"))
      const shot = path.join(shots, "report.png")
      await page.screenshot({ path: shot, fullPage: true })
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000)
      console.log(`report screenshot: ${shot}`)
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
