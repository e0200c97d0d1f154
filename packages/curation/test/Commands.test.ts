import { NodeServices } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Parquet, Rejects } from "@pretrain/dataflow"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as fs from "node:fs"
import * as path from "node:path"
import { curateCommand } from "../src/Commands.ts"
import { sampleDocs } from "./support/sample.ts"
import { humanEvalFile, nodeModules, tempDir } from "./support/corpus.ts"

const run = async (argv: ReadonlyArray<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = console.log
  const error = console.error
  console.log = (...a: Array<unknown>) => void out.push(a.join(" "))
  console.error = (...a: Array<unknown>) => void err.push(a.join(" "))
  const before = process.exitCode
  try {
    await Effect.runPromise(Command.runWith(curateCommand, { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))
  } finally {
    console.log = log
    console.error = error
  }
  const code = process.exitCode
  process.exitCode = before
  return { out: out.join("\n"), err: err.join("\n"), code }
}

describe("pretrain curate", () => {
  it("curates a dataset on worker threads with a config file and a separate rejects directory", async () => {
    const dir = tempDir("curate-cli-")
    fs.writeFileSync(path.join(dir, "in.jsonl"), sampleDocs().map((d) => JSON.stringify(d)).join("\n"))
    fs.writeFileSync(path.join(dir, "optout.txt"), "octocat\n")
    fs.writeFileSync(path.join(dir, "curate.json"), JSON.stringify({
      optOut: { file: "optout.txt" },
      decontamination: { benchmarks: [{ name: "HumanEval", file: humanEvalFile, id: "task_id", fields: ["canonical_solution"] }] },
      pii: { policy: "random" }
    }))
    const r = await run([path.join(dir, "in.jsonl"), "--out", path.join(dir, "out"), "--rejects", path.join(dir, "rejects"), "--config", path.join(dir, "curate.json"), "--workers", "1", "--tasks", "2"])
    expect(r.err).toBe("")
    expect(r.code ?? 0).toBe(0)
    expect(r.out).toContain("curation: 8 files in, 2 kept")
    expect(r.out).toMatch(/opt-out +1/)
    expect(r.out).toMatch(/decontamination:HumanEval +1/)
    const rejects = Rejects.readSync(path.join(dir, "rejects"))
    expect(rejects).toHaveLength(6)
    expect(fs.existsSync(path.join(dir, "out", "rejects"))).toBe(false)
    const stats = JSON.parse(fs.readFileSync(path.join(dir, "out", "stats.json"), "utf8"))
    expect(stats.docsOut).toBe(2)
    // A second run into the same --rejects directory needs --force.
    const again = await run([path.join(dir, "in.jsonl"), "--out", path.join(dir, "out2"), "--rejects", path.join(dir, "rejects"), "--workers", "1"])
    expect(again.code).toBe(1)
    expect(again.err).toContain(`output directory ${path.join(dir, "rejects")} holds files`)
  })

  it("reads The Stack v1 Parquet shards with --mapping stack-v1", async () => {
    const dir = tempDir("curate-cli-")
    fs.mkdirSync(path.join(dir, "v1"))
    Parquet.writeFileSync(path.join(dir, "v1", "train-00000.parquet"), [
      { hexsha: "a", max_stars_repo_name: "o/r", max_stars_repo_path: "src/app.py", max_stars_repo_licenses: ["MIT"], max_stars_count: 12, content: "def main():\n    print('hello from a small python program')\n" },
      { hexsha: "b", max_stars_repo_name: "o/r", max_stars_repo_path: "dist/app.min.js", max_stars_repo_licenses: ["MIT"], max_stars_count: 12, content: "var a=1;" }
    ])
    const r = await run([path.join(dir, "v1"), "--out", path.join(dir, "out"), "--mapping", "stack-v1", "--workers", "1", "--tasks", "1"])
    expect(r.err).toBe("")
    const rows = Parquet.readFileSync(path.join(dir, "out", "part-00000-0000.parquet"))
    expect(rows.map((row) => [row.repo_name, row.path, row.language])).toEqual([["o/r", "src/app.py", "Python"]])
    expect(r.out).toMatch(/dist-build +1/)
  })

  it("--explain says which rule keeps or drops one file, and why", async () => {
    const r = await run(["--explain", path.join(nodeModules, "caniuse-lite/data/features/calc.js"), "--as", "data/features/calc.js"])
    expect(r.out).toContain("DROP (minified)")
    expect(r.out).toMatch(/keep {2}alpha-fraction/)
    const j = await run(["--explain", path.join(nodeModules, "tslib/tslib.js"), "--as", "tslib.js", "--json"])
    expect(JSON.parse(j.out)).toMatchObject({ verdict: true, language: "JavaScript" })
  })

  it("a bad config fails with the file and field, exit code 1", async () => {
    const dir = tempDir("curate-cli-")
    fs.writeFileSync(path.join(dir, "curate.json"), JSON.stringify({ pii: { policy: "mask" } }))
    const r = await run(["--explain", path.join(nodeModules, "tslib/tslib.js"), "--config", path.join(dir, "curate.json")])
    expect(r.code).toBe(1)
    expect(r.err).toContain(`${path.join(dir, "curate.json")}: at $.pii.policy: unknown value "mask"`)
    const absent = await run([path.join(dir, "absent"), "--out", path.join(dir, "out")])
    expect(absent.code).toBe(1)
    expect(absent.err).toContain(`input not found: ${path.join(dir, "absent")}`)
    const missing = await run(["--out", dir])
    expect(missing.code).toBe(1)
    expect(missing.err).toContain("give <input> and --out <dir>, or --explain <file>")
  })
})
