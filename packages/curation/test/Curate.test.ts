import { describe, expect, it } from "@effect/vitest"
import { Parquet, Pipeline, Rejects, runPipeline } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Benchmark from "../src/Benchmark.ts"
import * as Curate from "../src/Curate.ts"
import * as Demo from "../src/Demo.ts"
import * as Pii from "../src/Pii.ts"
import { CurateConfigError } from "../src/Errors.ts"
import { humanEvalFile, packageFile, tempDir } from "./support/corpus.ts"
import { sampleDocs } from "./support/sample.ts"

describe("Curate.resolve", () => {
  it("fills defaults, turns steps on with true or a partial object, and off with false", () => {
    const c = Curate.resolve({ pii: { policy: "random" }, quality: { html: false }, metadata: true, optOut: { entries: ["octocat"] } })
    expect(c.pii).toMatchObject({ policy: "random", seed: 0, attribution: "redact" })
    expect(Curate.resolve({ pii: { attribution: "keep" } }).pii).toMatchObject({ policy: "placeholder", attribution: "keep" })
    expect(c.quality.html).toBe(false)
    expect(c.quality.lineLength).toEqual(Curate.defaults.quality.lineLength)
    expect(c.metadata).toEqual(Curate.templates.metadata)
    expect(c.optOut).toEqual({ file: null, entries: ["octocat"] })
    expect(Curate.resolve({}).decontamination).toBe(false)
    expect(Object.values(Curate.resolve({ quality: false }).quality).every((rule) => rule === false)).toBe(true)
  })

  it("names the file and field of a bad setting", () => {
    const bad = (json: unknown) => () => Curate.resolve(json, { file: "curate.json" })
    expect(bad({ quality: { lineLenght: {} } })).toThrow(CurateConfigError)
    expect(bad({ quality: { lineLenght: {} } })).toThrow('curate.json: at $.quality: unknown key "lineLenght"')
    expect(bad({ quality: { lineLength: { maxLineLength: "1000" } } })).toThrow("at $.quality.lineLength.maxLineLength: expected a number")
    expect(bad({ pii: { policy: "mask" } })).toThrow('at $.pii.policy: unknown value "mask"')
    expect(bad({ pii: { attribution: "drop" } })).toThrow('at $.pii.attribution: unknown value "drop" (known: redact, keep)')
    expect(bad({ decontamination: { benchmarks: [{ name: "x" }] } })).toThrow("at $.decontamination.benchmarks[0]")
  })
})

describe("Curate.explain", () => {
  it("says which rule drops a file and what every rule measured", () => {
    const e = Curate.explain(packageFile("caniuse-lite", "data/features/calc.js"))
    expect(e.verdict).toBe("minified")
    expect(e.language).toBe("JavaScript")
    const text = Curate.formatExplanation(e)
    expect(text).toContain("data/features/calc.js (JavaScript): DROP (minified)")
    expect(text).toMatch(/DROP {2}auto-generated +\[minified\]/)
    expect(text).toMatch(/keep {2}alpha-fraction +alphabetic fraction/)
    expect(Curate.explain(packageFile("tslib", "tslib.js")).verdict).toBe(true)
  })
})

describe("operators", () => {
  it("data-first and data-last forms give the same documents", async () => {
    const docs = sampleDocs()
    const config = Curate.resolve({ optOut: { entries: ["octocat"] } })
    const run = (stream: Stream.Stream<Record<string, unknown> & { content: string }>) =>
      Effect.runPromise(Stream.runCollect(stream)).then((c) => Array.from(c).map((d) => d.path))
    const first = await run(Curate.steps(Stream.fromIterable(docs), config))
    const last = await run(Stream.fromIterable(docs).pipe(Curate.steps(config)))
    expect(first).toEqual(["tslib.js", "sol.py", "src/config.js"])
    expect(last).toEqual(first)
    const redacted = await Effect.runPromise(Stream.runCollect(Pii.redactDocs(Stream.fromIterable([docs[6]!]))))
    expect(Array.from(redacted)[0]!.content).toContain("<KEY>")
  })
})

describe("the curation stage", () => {
  it("drops per reason, redacts PII with counts, records the benchmark item of a decontamination reject", async () => {
    const dir = tempDir("curate-")
    fs.writeFileSync(path.join(dir, "in.jsonl"), sampleDocs().map((d) => JSON.stringify(d)).join("\n"))
    const stage = Demo.curationStage({
      input: path.join(dir, "in.jsonl"),
      out: path.join(dir, "out"),
      tasks: 1,
      config: { optOut: { entries: ["octocat"] }, decontamination: { benchmarks: [Benchmark.humanEval(humanEvalFile)] } }
    })
    const result = await Effect.runPromise(runPipeline(Pipeline.make("t", [stage]), { workers: 0, quiet: true }))
    const stats = result.stages[0]!.stats
    expect(stats.drops).toEqual({
      "minified": 1,
      "dist-build": 1,
      "license:non_permissive": 1,
      "opt-out": 1,
      "decontamination:HumanEval": 1,
      "language-unknown": 1
    })
    expect(stats.operators["pii:aws_access_key"]).toMatchObject({ docsIn: 1, docsOut: 1 })
    expect(stats.operators["pii:email"]).toMatchObject({ docsIn: 1, docsOut: 1 })
    const rows = Parquet.readFileSync(path.join(dir, "out", "part-00000-0000.parquet"))
    expect(rows.map((r) => r.path)).toEqual(["tslib.js", "src/config.js"])
    expect(rows[1]!.content).toBe(`export const key = "<KEY>"\nexport const admin = "<EMAIL>"\nexport const upstream = "<IP_ADDRESS>"\n`)
    expect(rows[1]!.language).toBe("JavaScript")
    const rejects = Rejects.readSync(path.join(dir, "out", "rejects"))
    expect(rejects.find((r) => r._reject_reason === "decontamination:HumanEval")).toMatchObject({ path: "sol.py", benchmark_match: "HumanEval/12 canonical_solution" })
    const summary = Demo.summarize(stats)
    expect(summary).toContain("curation: 8 files in, 2 kept (25.0%), 6 dropped")
    expect(summary).toMatch(/decontamination:HumanEval +1 +12\.5% +\(decontaminate\)/)
    expect(summary).toContain("PII redacted:")
  })

  it("keeps attribution notices with pii.attribution keep, and counts them", async () => {
    const dir = tempDir("curate-")
    const content = `// Copyright (c) 2011 Einar Otto Stangvik <einaros@gmail.com>\nexport const admin = "jane.doe@corvid-labs.io"\n`
    fs.writeFileSync(path.join(dir, "in.jsonl"), JSON.stringify({ repo_name: "a/b", path: "src/ws.js", license_type: "permissive", content }))
    const stage = Demo.curationStage({ input: path.join(dir, "in.jsonl"), out: path.join(dir, "out"), tasks: 1, config: { pii: { attribution: "keep" } } })
    const stats = (await Effect.runPromise(runPipeline(Pipeline.make("t", [stage]), { workers: 0, quiet: true }))).stages[0]!.stats
    const rows = Parquet.readFileSync(path.join(dir, "out", "part-00000-0000.parquet"))
    expect(rows[0]!.content).toBe(`// Copyright (c) 2011 Einar Otto Stangvik <einaros@gmail.com>\nexport const admin = "<EMAIL>"\n`)
    expect(stats.operators["pii:email"]).toMatchObject({ docsIn: 1, docsOut: 1 })
    expect(stats.operators["pii-kept:attribution"]).toMatchObject({ docsIn: 1, docsOut: 2 })
    expect(Demo.summarize(stats)).toContain("attribution notices kept: 2 names and emails in 1 files")
  })
})
