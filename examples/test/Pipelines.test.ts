/**
 * The example pipelines under examples/pipelines, each run on small inputs made here: through the
 * `pretrain` binary (`pretrain run`) or `node`, as their headers say, and checked by what they wrote.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { DuckDBInstance } from "@duckdb/node-api"
import { Parquet } from "@pretrain/dataflow"
import { Demo as Packing } from "@pretrain/packing"
import { Trainer as Bpe, Demo as Tokenizer } from "@pretrain/tokenizer"
import { Checkpoint, Config, Inference, Model, Server } from "@pretrain/trainer"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"

const examples = path.resolve(import.meta.dirname, "..")
const bin = path.resolve(examples, "../packages/cli/dist/bin.js")

let tmp: string
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-pipelines-"))
})

const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, args, { cwd: examples, encoding: "utf8", env: { ...process.env, ...env, NO_COLOR: "1" } })
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}:\n${r.stderr}\n${r.stdout}`)
  return r.stdout + r.stderr
}

/** `run`, without blocking this process's event loop (a server in this process answers the child). */
const runAsync = (args: ReadonlyArray<string>) =>
  new Promise<{ status: number; out: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: examples, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : 1, out: stdout + stderr }))
  })

const rowsOf = (dir: string) =>
  fs.readdirSync(dir).filter((f) => f.endsWith(".parquet")).sort().flatMap((f) => Parquet.readFileSync(path.join(dir, f)))

const stats = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "stats.json"), "utf8")) as { docsOut: number; drops: Record<string, number> }

const code = (name: string, extra = "") =>
  `export function ${name}(items: Array<number>, limit = 10): Array<number> {\n  const out: Array<number> = []\n  for (const item of items) {\n    if (out.length >= limit) break\n    out.push(item * 2 + 1)\n  }\n  return out\n}\n${extra}`

describe("byo-repos: a folder of git checkouts", () => {
  it("ingests each checkout as its own repository (tracked files only) and dedups across them", () => {
    const repos = path.join(tmp, "checkouts")
    const make = (name: string, files: Record<string, string>, untracked: Record<string, string> = {}) => {
      const dir = path.join(repos, name)
      for (const [f, text] of Object.entries({ ...files, ...untracked })) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
        fs.writeFileSync(path.join(dir, f), text)
      }
      const git = (...args: Array<string>) => execFileSync("git", args, { cwd: dir, stdio: "pipe" })
      git("init", "-q")
      git("add", ...Object.keys(files))
      git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init")
    }
    make("alpha", { "src/take.ts": code("take"), "src/other.ts": "export const pi = 3.14159\nexport const e = 2.71828\n" }, { "notes.txt": "not tracked\n" })
    make("beta", { "lib/take.ts": code("take"), "lib/min.js": `var x=[${"1,".repeat(800)}1];\n` })
    make("gamma", { "take.ts": code("take", "// patched in gamma\n"), "README.md": "# gamma\n\nSomething else entirely.\n" })
    const out = path.join(tmp, "byo-out")
    const log = run([bin, "run", "pipelines/byo-repos/pipeline.ts", "--workers", "1"], { REPOS: repos, OUT: out })
    expect(log).toContain("near-dedup")
    const ingest = rowsOf(path.join(out, "ingest"))
    expect(ingest.map((r) => `${r.repo_name}:${r.path}`).sort()).toEqual(["alpha:src/other.ts", "alpha:src/take.ts", "beta:lib/take.ts", "gamma:README.md", "gamma:take.ts"])
    expect(stats(path.join(out, "ingest")).drops).toEqual({ "max-line-length": 1 })
    expect(stats(path.join(out, "exact-dedup")).drops).toEqual({ "exact-duplicate": 1 })
    expect(stats(path.join(out, "near-dedup")).drops).toEqual({ "near-duplicate": 1 })
    const kept = rowsOf(path.join(out, "near-dedup"))
    expect(kept.filter((r) => String(r.path).endsWith("take.ts")).length).toBe(1)
    expect(kept.length).toBe(3)
  })
})

describe("stack-v2-parquet: The Stack v2 shards as published", () => {
  it("reads v2 rows with the stack-v2 mapping, filters on metadata, attaches blob texts, filters on text", async () => {
    const dir = path.join(tmp, "v2")
    const shards = path.join(dir, "data", "Python")
    const blobs = path.join(dir, "blobs")
    fs.mkdirSync(shards, { recursive: true })
    fs.mkdirSync(path.join(blobs, "content"), { recursive: true })
    const texts: Record<string, string> = {
      b1: "def add(a, b):\n    return a + b\n",
      b2: "package main\n\nfunc main() {}\n",
      b3: "def sub(a, b):\n    return a - b\n",
      b5: `x = [${"0, ".repeat(100)}0]\n`.repeat(3), // lines under 1000 characters, 300 on average
      b6: "def vendored():\n    pass\n"
    }
    for (const [id, text] of Object.entries(texts)) fs.writeFileSync(path.join(blobs, "content", id), zlib.gzipSync(Buffer.from(text)))
    // b4 has no blob: the text was not downloaded
    const rows: Array<[string, string, string, string, boolean, boolean]> = [
      ["b1", "o/a", "/add.py", "Python", false, false],
      ["b2", "o/b", "/main.go", "Go", false, false],
      ["b3", "o/a", "/sub.py", "Python", false, false],
      ["b4", "o/c", "/gone.py", "Python", false, false],
      ["b5", "o/c", "/data.py", "Python", false, false],
      ["b6", "o/d", "/vendor/v.py", "Python", true, false]
    ]
    const db = await DuckDBInstance.create(":memory:")
    const conn = await db.connect()
    try {
      const values = rows.map(([id, repo, p, lang, vendor, generated]) =>
        `('${id}', 'dir-${id}', '${p}', 'c-${id}', ['MIT'], 'permissive', '${repo}', 'snap', 'rev', 'refs/heads/main', TIMESTAMP '2023-09-06 12:00:00', TIMESTAMP '2022-01-01 00:00:00', TIMESTAMP '2022-01-01 00:00:00', 1::BIGINT, 3::BIGINT, 1::BIGINT, NULL, NULL, NULL, '${lang}', 'UTF-8', '${lang}', ${vendor}, ${generated}, ${Buffer.byteLength(texts[id] ?? "")}::BIGINT, '${p.split(".").at(-1)}')`
      ).join(",\n")
      await conn.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(blob_id, directory_id, path, content_id, detected_licenses, license_type, repo_name,
        snapshot_id, revision_id, branch_name, visit_date, revision_date, committer_date, github_id, star_events_count, fork_events_count,
        gha_license_id, gha_event_created_at, gha_created_at, gha_language, src_encoding, language, is_vendor, is_generated, length_bytes, extension))
        TO '${path.join(shards, "train-00000-of-00001.parquet")}' (FORMAT parquet, COMPRESSION zstd)`)
    } finally {
      conn.closeSync()
    }
    const out = path.join(dir, "out")
    run([bin, "run", "pipelines/stack-v2-parquet/pipeline.ts", "--workers", "1"], { SHARDS: path.join(dir, "data", "*", "*.parquet"), BLOBS: blobs, OUT: out, LANGUAGES: "Python" })
    const kept = rowsOf(out)
    expect(kept.map((r) => r.path).sort()).toEqual(["/add.py", "/sub.py"])
    expect(kept.find((r) => r.path === "/add.py")).toMatchObject({ content: texts.b1, repo_name: "o/a", blob_id: "b1", license_type: "permissive", star_events_count: 3 })
    expect(stats(out).drops).toEqual({ language: 1, "vendor-or-generated": 1, "content-missing": 1, "avg-line-length": 1 })
  })
})

describe("incremental-dedup: a new crawl against an existing dataset", () => {
  it("indexes the dataset once, keeps only new material, reuses the index for the next crawl", () => {
    const dir = path.join(tmp, "incr")
    fs.mkdirSync(dir, { recursive: true })
    const jsonl = (file: string, docs: Array<Record<string, unknown>>) => fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n") + "\n")
    const existing = path.join(dir, "existing.jsonl")
    jsonl(existing, [
      { content: code("take"), repo_name: "old/a", path: "take.ts" },
      { content: "export const answer = () => 42 // the answer to everything\n", repo_name: "old/b", path: "answer.ts" }
    ])
    const crawl = path.join(dir, "crawl.jsonl")
    jsonl(crawl, [
      { content: code("take"), repo_name: "new/a", path: "copy.ts" },
      { content: code("take", "// one more line\n"), repo_name: "new/b", path: "near.ts" },
      { content: "def brand_new(x):\n    return [y for y in range(x) if y % 3 == 0]\n", repo_name: "new/c", path: "new.py" },
      { content: "def brand_new(x):\n    return [y for y in range(x) if y % 3 == 0]\n", repo_name: "new/d", path: "dup.py" }
    ])
    const out = path.join(dir, "out")
    const first = run(["pipelines/incremental-dedup/run.ts", "--existing", existing, "--crawl", crawl, "--out", out])
    expect(first).toContain("built the index")
    expect(first).toContain("new documents: 1, already in")
    const kept = rowsOf(out)
    expect(kept.map((r) => r.path)).toEqual(["new.py"])
    expect(stats(out).drops).toEqual({ "in-index": 2, "near-duplicate": 1 })
    const crawl2 = path.join(dir, "crawl2.jsonl")
    jsonl(crawl2, [{ content: "export const answer = () => 42 // the answer to everything\n", repo_name: "new/e", path: "a.ts" }, { content: "fn main() { println!(\"hello, world\"); }\n", repo_name: "new/f", path: "main.rs" }])
    const second = run(["pipelines/incremental-dedup/run.ts", "--existing", existing, "--crawl", crawl2, "--out", path.join(dir, "out2"), "--index", `${out}.index`])
    expect(second).toContain("reused the index")
    expect(rowsOf(path.join(dir, "out2")).map((r) => r.path)).toEqual(["main.rs"])
  })
})

describe("scaling-sweep: several tiny sizes, the law fitted to them", () => {
  it("trains widths x step budgets, writes each run's summary.json, fits and plots the law", async () => {
    const dir = path.join(tmp, "sweep")
    fs.mkdirSync(dir, { recursive: true })
    // a packed dataset: 80 small code files through a 300-token BPE into 64-token sequences
    const corpus = path.join(dir, "corpus.jsonl")
    fs.writeFileSync(corpus, Array.from({ length: 80 }, (_, i) =>
      JSON.stringify({ content: code(`f${i}`, `export const k${i} = ${i * 7} // file ${i}\n`), repo_name: `r/${i % 9}`, path: `src/f${i}.ts` })).join("\n") + "\n")
    const tokenizer = await Effect.runPromise(Tokenizer.trainTokenizer({ input: corpus, outDir: path.join(dir, "tokenizer"), vocabSize: 300, workers: 0 }))
    const packed = path.join(dir, "packed")
    await Effect.runPromise(Packing.pack({ input: corpus, tokenizerFile: tokenizer.tokenizerFile, outDir: packed, seqLen: 64, workers: 0 }))
    const out = path.join(dir, "out")
    const log = run(["pipelines/scaling-sweep/run.ts", "--data", packed, "--out", out, "--widths", "8,16,24", "--steps", "6,12", "--seq-len", "32", "--batch-size", "4", "--lr", "1e-2"])
    expect(log).toContain("fitted law: L(N, D) = ")
    const runDirs = ["d8-s6", "d8-s12", "d16-s6", "d16-s12", "d24-s6", "d24-s12"]
    const summaries = runDirs.map((d) => (JSON.parse(fs.readFileSync(path.join(out, d, "summary.json"), "utf8")) as { runs: Array<{ params: number; tokens: number; loss: number }> }).runs[0]!)
    // wider models have more parameters; twice the steps, twice the tokens
    expect(summaries.map((r) => r.tokens)).toEqual([6, 12, 6, 12, 6, 12].map((s) => s * 4 * 32))
    expect(summaries[2]!.params).toBeGreaterThan(summaries[0]!.params)
    expect(summaries[4]!.params).toBeGreaterThan(summaries[2]!.params)
    // every run learned: its final held-out loss is below its loss at step 0
    for (const d of runDirs) {
      const evals = fs.readFileSync(path.join(out, d, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; step: number; loss: number }).filter((r) => r.kind === "eval")
      expect(evals[0]!.step).toBe(0)
      expect(evals.at(-1)!.loss).toBeLessThan(evals[0]!.loss)
    }
    const gathered = JSON.parse(fs.readFileSync(path.join(out, "runs.json"), "utf8")) as { runs: Array<{ params: number; tokens: number; loss: number }> }
    expect(gathered.runs).toEqual(summaries.map((r) => ({ params: r.params, tokens: r.tokens, loss: r.loss })))
    const fit = JSON.parse(fs.readFileSync(path.join(out, "fit.json"), "utf8")) as { law: Record<string, number>; runs: number }
    expect(fit.runs).toBe(6)
    for (const k of ["E", "A", "B", "alpha", "beta"]) expect(Number.isFinite(fit.law[k])).toBe(true)
    expect(fs.readFileSync(path.join(out, "fit.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
  })

  it("refuses a sweep of fewer than six runs", () => {
    const r = spawnSync(process.execPath, ["pipelines/scaling-sweep/run.ts", "--data", path.join(tmp, "sweep", "packed"), "--out", path.join(tmp, "sweep", "few"), "--widths", "8,16", "--steps", "4"], { cwd: examples, encoding: "utf8" })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("2 widths x 1 step budgets = 2 runs")
  })
})

describe("synthetic-textbook: Cosmopedia-style sections from a served model", () => {
  type Report = {
    promptSet: { prompts: number; seeds: number; byAudience: Record<string, number>; byStyle: Record<string, number>; bySeedKind: Record<string, number> }
    run: { requests: number; skipped: number; kept: number; rejected: Record<string, number>; failed: number }
    totals: { kept: number; rejected: number }
  }
  type Out = { id: string; content: string; audience: string; style: string; prompt: string; provenance: { backend: string; model: string; template: string; seed_ids: Array<string>; params: Record<string, unknown> } }
  const audiences = ["college students", "young children"]
  const styles = ["textbook_academic", "story"]
  const readJsonl = (file: string) => fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Out) : []
  const readReport = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as Report

  // a tokenizer and an untrained GPT-2-style model (a checkpoint directory with its tokenizer)
  const setup = () => {
    const dir = path.join(tmp, "synth")
    const seeds = path.join(dir, "seeds")
    fs.mkdirSync(seeds, { recursive: true })
    fs.writeFileSync(path.join(seeds, "pipes.md"), "# Pipes\n\nA pipe connects the output of one program to the input of the next, so small tools compose.\n")
    fs.writeFileSync(path.join(seeds, "hashing.md"), "# Hashing\n\nMinHash estimates the Jaccard similarity of two sets from the minima of a few hash functions.\n")
    const { tokenizer } = Bpe.train([code("take"), fs.readFileSync(path.join(seeds, "pipes.md"), "utf8"), fs.readFileSync(path.join(seeds, "hashing.md"), "utf8")], { vocabSize: 19 + 256 + 60, special: "starcoder" })
    const checkpoint = path.join(dir, "checkpoint")
    Checkpoint.writeModel(checkpoint, Model.Model.init(Config.named("gpt2-nano", tokenizer.vocabSize, { contextLength: 256 }), 3))
    tokenizer.saveSync(path.join(checkpoint, "tokenizer.json"))
    return { dir, seeds, checkpoint }
  }

  const args = (backend: string, seeds: string, out: string, n: number) =>
    ["pipelines/synthetic-textbook/run.ts", "--backend", backend, "--seeds", seeds, "--out", out, "--audiences", audiences.join(","), "--styles", styles.join(","), "--n", String(n), "--max-tokens", "12", "--seed", "5"]

  it("writes sections with their provenance and the prompt-set report, and resumes where a run stopped", async () => {
    const { dir, seeds, checkpoint } = setup()
    const loaded = Inference.loadForInference(checkpoint)
    const server = await Server.start({ model: loaded.model, tokenizer: loaded.tokenizer, port: 0, modelName: "tiny-textbook", truncatePrompts: true })
    try {
      const out = path.join(dir, "out")
      // a first run asks for 3 of the 2 seeds x 2 audiences x 2 styles = 8 prompts
      const first = await runAsync(args(server.url, seeds, out, 3))
      expect(first.status, first.out).toBe(0)
      expect(first.out).toContain("prompt set: 3 prompts from")
      const r1 = readReport(out)
      expect(r1.promptSet.prompts).toBe(3)
      expect(Object.values(r1.promptSet.byAudience).reduce((a, b) => a + b, 0)).toBe(3)
      expect(Object.keys(r1.promptSet.byAudience).every((a) => audiences.includes(a))).toBe(true)
      expect(Object.keys(r1.promptSet.byStyle).every((s) => styles.includes(s))).toBe(true)
      expect(r1.promptSet.bySeedKind).toEqual({ document: 3 })
      expect(r1.run).toMatchObject({ requests: 3, skipped: 0, failed: 0 })
      expect(r1.run.kept + Object.values(r1.run.rejected).reduce((a, b) => a + b, 0)).toBe(3)
      expect(r1.run.kept).toBeGreaterThan(0)
      const kept1 = readJsonl(path.join(out, "outputs.jsonl"))
      expect(kept1.length).toBe(r1.run.kept)
      for (const o of kept1) {
        expect(o.content.length).toBeGreaterThan(0)
        expect(audiences).toContain(o.audience)
        expect(styles).toContain(o.style)
        expect(o.prompt).toContain(`for ${o.audience}`)
        expect(o.provenance).toMatchObject({ model: "tiny-textbook", template: `cosmopedia/${o.style}@1`, params: { maxTokens: 12, audience: o.audience, style: o.style } })
        expect(o.provenance.backend).toContain(server.url)
        expect(["pipes.md", "hashing.md"]).toContain(o.provenance.seed_ids[0])
      }
      // the whole set: the 3 done are skipped, the other 5 asked
      const second = await runAsync(args(server.url, seeds, out, 8))
      expect(second.status, second.out).toBe(0)
      const r2 = readReport(out)
      expect(r2.promptSet.prompts).toBe(8)
      expect(r2.promptSet.byAudience).toEqual({ "college students": 4, "young children": 4 })
      expect(r2.promptSet.byStyle).toEqual({ textbook_academic: 4, story: 4 })
      expect(r2.run).toMatchObject({ requests: 8, skipped: 3, failed: 0 })
      expect(r2.totals.kept + r2.totals.rejected).toBe(8)
      const kept2 = readJsonl(path.join(out, "outputs.jsonl"))
      expect(kept2.slice(0, kept1.length)).toEqual(kept1)
      expect(new Set([...kept2, ...readJsonl(path.join(out, "rejects.jsonl"))].map((o) => o.id)).size).toBe(8)
      // nothing left to do
      const before = fs.readFileSync(path.join(out, "outputs.jsonl"), "utf8")
      const third = await runAsync(args(server.url, seeds, out, 8))
      expect(third.status, third.out).toBe(0)
      expect(third.out).toContain("8 already done, skipped")
      expect(readReport(out).run).toMatchObject({ requests: 8, skipped: 8, kept: 0, failed: 0 })
      expect(fs.readFileSync(path.join(out, "outputs.jsonl"), "utf8")).toBe(before)
    } finally {
      await server.close()
    }
  })

  it("runs on a checkpoint directory in process too, and names bad input", async () => {
    const { dir, seeds, checkpoint } = setup()
    const out = path.join(dir, "inhouse")
    const r = await runAsync(args(checkpoint, seeds, out, 2))
    expect(r.status, r.out).toBe(0)
    const report = readReport(out)
    expect(report.run).toMatchObject({ requests: 2, skipped: 0, failed: 0 })
    const written = [...readJsonl(path.join(out, "outputs.jsonl")), ...readJsonl(path.join(out, "rejects.jsonl"))]
    expect(written.length).toBe(2)
    for (const o of written) expect(o.provenance.backend).toMatch(/^in-house/)
    const badStyle = await runAsync(args(checkpoint, seeds, out, 2).map((a) => (a === styles.join(",") ? "story,sonnet" : a)))
    expect(badStyle.status).toBe(1)
    expect(badStyle.out).toContain("--styles: unknown \"sonnet\"")
    const noSeeds = await runAsync(args(checkpoint, path.join(dir, "missing"), out, 2))
    expect(noSeeds.status).toBe(1)
    expect(noSeeds.out).toContain(path.join(dir, "missing"))
  })
})
