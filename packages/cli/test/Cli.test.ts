import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { Rejects } from "@pretrain/dataflow"
import { beforeAll, describe, expect, it } from "vitest"

const bin = path.resolve(import.meta.dirname, "../dist/bin.js")
const workspace = path.resolve(import.meta.dirname, "../../..")

const pretrain = (args: ReadonlyArray<string>, cwd?: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const query = async (sql: string) => {
  const db = await DuckDBInstance.create(":memory:")
  const conn = await db.connect()
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS()
  } finally {
    conn.closeSync()
  }
}

let tmp: string
let repo: string

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-cli-"))
  repo = path.join(tmp, "repo")
  fs.mkdirSync(path.join(repo, "src"), { recursive: true })
  fs.writeFileSync(path.join(repo, "src/math.py"), "def add(a, b):\n    return a + b\n")
  fs.writeFileSync(path.join(repo, "src/app.ts"), "export const greet = (n: string) => `héllo ${n} 🚀`\n")
  fs.writeFileSync(path.join(repo, "Makefile"), "all:\n\techo ok\n")
  fs.writeFileSync(path.join(repo, "logo.bin"), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]))
  fs.writeFileSync(path.join(repo, "untracked.py"), "print('not in git')\n")
  const git = (...args: Array<string>) => execFileSync("git", args, { cwd: repo, stdio: "pipe" })
  git("init", "-q")
  git("add", "src", "Makefile", "logo.bin")
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init")
})

describe("pretrain ingest", () => {
  it("reads a git repository's tracked text files into Parquet that DuckDB reads", async () => {
    const out = path.join(tmp, "ds")
    const r = pretrain(["ingest", repo, "--out", out, "--workers", "2"])
    expect(r.stderr + r.stdout).toContain("3 out")
    expect(r.code).toBe(0)
    const rows = await query(`SELECT path, language, content FROM read_parquet('${out}/*.parquet') ORDER BY path`)
    expect(rows.map((x) => [x.path, x.language])).toEqual([["Makefile", "Makefile"], ["src/app.ts", "TypeScript"], ["src/math.py", "Python"]])
    expect(rows[1]!.content).toBe("export const greet = (n: string) => `héllo ${n} 🚀`\n")
    const stats = JSON.parse(fs.readFileSync(path.join(out, "stats.json"), "utf8"))
    expect(stats.docsOut).toBe(3)
    expect(stats.drops).toEqual({ binary: 1 })
    expect(fs.readdirSync(path.join(out, "rejects"))).toEqual([expect.stringMatching(/^part-\d{5}-0000\.jsonl\.zst$/)])
    expect(Rejects.readSync(path.join(out, "rejects")).map((r) => r._reject_reason)).toEqual(["binary"])
  })

  it("--json prints stats and the corpus summary; a rerun skips completed tasks", () => {
    const out = path.join(tmp, "ds-json")
    const first = pretrain(["ingest", repo, "--out", out, "--json", "--tasks", "2"])
    expect(first.code).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report.summary.files).toBe(3)
    expect(report.summary.languages.map((l: { key: string }) => l.key).sort()).toEqual(["Makefile", "Python", "TypeScript"])
    const before = fs.readdirSync(out).filter((f) => f.endsWith(".parquet")).map((f) => fs.readFileSync(path.join(out, f)))
    const again = pretrain(["ingest", repo, "--out", out, "--tasks", "2"])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain("2 already complete, running 0")
    const after = fs.readdirSync(out).filter((f) => f.endsWith(".parquet")).map((f) => fs.readFileSync(path.join(out, f)))
    expect(after).toEqual(before)
  })

  it("refuses an output directory with foreign files and touches nothing", () => {
    const out = path.join(tmp, "foreign")
    fs.mkdirSync(out)
    fs.writeFileSync(path.join(out, "notes.txt"), "mine")
    const r = pretrain(["ingest", repo, "--out", out])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("notes.txt")
    expect(fs.readdirSync(out)).toEqual(["notes.txt"])
  })

  it("names a missing input", () => {
    const r = pretrain(["ingest", path.join(tmp, "nope"), "--out", path.join(tmp, "x")])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(path.join(tmp, "nope"))
  })
})

describe("pretrain inspect", () => {
  it("summarises a Parquet dataset (text and --json)", () => {
    const out = path.join(tmp, "ds-inspect")
    expect(pretrain(["ingest", repo, "--out", out]).code).toBe(0)
    const text = pretrain(["inspect", out])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("rows: 3")
    expect(text.stdout).toContain("language")
    const json = JSON.parse(pretrain(["inspect", out, "--json", "--samples", "2"]).stdout)
    expect(json.format).toBe("parquet")
    expect(json.rows).toBe(3)
    expect(json.samples.length).toBe(2)
    const language = json.columns.find((c: { name: string }) => c.name === "language")
    expect(language.top.map((t: [string, number]) => t[0]).sort()).toEqual(["Makefile", "Python", "TypeScript"])
  })

  it("reads JSONL with only content and reports malformed lines", () => {
    const file = path.join(tmp, "docs.jsonl")
    fs.writeFileSync(file, `{"content":"a"}\n{oops\n{"content":"bb","extra":1}\n`)
    const json = JSON.parse(pretrain(["inspect", file, "--json"]).stdout)
    expect(json.format).toBe("jsonl")
    expect(json.rows).toBe(2)
    expect(json.rejected).toEqual({ "malformed-json": 1 })
    expect(json.columns.map((c: { name: string }) => c.name)).toEqual(["content", "extra"])
  })

  it("fails on a corrupt Parquet file naming it", () => {
    const out = path.join(tmp, "ds-corrupt")
    expect(pretrain(["ingest", repo, "--out", out, "--tasks", "1"]).code).toBe(0)
    const part = path.join(out, "part-00000-0000.parquet")
    const bytes = fs.readFileSync(part)
    fs.writeFileSync(part, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const r = pretrain(["inspect", part])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("part-00000-0000.parquet")
  })
})

describe("pretrain run", () => {
  it("runs a pipeline module on workers, resumes, and runs one stage with --only", () => {
    const dir = path.join(tmp, "run")
    fs.mkdirSync(dir)
    const input = path.join(dir, "in.jsonl")
    fs.writeFileSync(input, Array.from({ length: 50 }, (_, i) => JSON.stringify({ content: "x".repeat(i), id: i })).join("\n"))
    const module = path.join(dir, "pipeline.ts")
    fs.writeFileSync(module, `
import { Jsonl, Operator, Parquet, Pipeline } from "@pretrain/dataflow"
export default Pipeline.make("t", [
  Pipeline.stage({ name: "a", tasks: 3, source: Jsonl.source(${JSON.stringify(input)}),
    steps: (d) => d.pipe(Operator.filter("short", (x) => x.content.length >= 10)),
    sink: Parquet.sink(${JSON.stringify(path.join(dir, "a"))}) }),
  Pipeline.stage({ name: "b", tasks: 2, source: Parquet.source(${JSON.stringify(path.join(dir, "a"))}),
    sink: Jsonl.sink(${JSON.stringify(path.join(dir, "b"))}) })
])
`)
    // the module imports @pretrain/dataflow: link the workspace's node_modules next to it
    fs.symlinkSync(path.join(workspace, "node_modules"), path.join(dir, "node_modules"))
    const r = pretrain(["run", module, "--workers", "2"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain("stage a")
    expect(r.stdout).toContain("stage b")
    const a = JSON.parse(fs.readFileSync(path.join(dir, "a/stats.json"), "utf8"))
    expect([a.docsIn, a.docsOut, a.drops.short]).toEqual([50, 40, 10])
    const b = JSON.parse(fs.readFileSync(path.join(dir, "b/stats.json"), "utf8"))
    expect(b.docsOut).toBe(40)
    const again = pretrain(["run", module, "--only", "b"])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("stage b")
    expect(again.stdout).not.toContain("stage a")
  })
})

describe("pretrain scaling (from @pretrain/scaling)", () => {
  it("predicts Chinchilla's loss and plans a budget, as JSON", () => {
    const loss = pretrain(["scaling", "loss", "--params", "70e9", "--tokens", "1.4e12", "--preset", "chinchilla", "--json"])
    expect(loss.code, loss.stderr).toBe(0)
    // E + A/N^alpha + B/D^beta with the printed constants (1.69, 406.4, 410.7, 0.34, 0.28)
    expect(JSON.parse(loss.stdout).loss).toBeCloseTo(1.69 + 406.4 / 70e9 ** 0.34 + 410.7 / 1.4e12 ** 0.28, 10)
    const plan = JSON.parse(pretrain(["scaling", "plan", "--flops", "1e21", "--json"]).stdout)
    expect(plan.flops).toBeCloseTo(1e21, -15)
    expect(plan.params * plan.tokens * 6).toBeCloseTo(1e21, -17)
  })
})
