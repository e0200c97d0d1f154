import * as fs from "node:fs"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { afterEach, describe, expect, it, vi } from "vitest"
import { commands } from "../src/Commands.ts"
import { readJsonlDir, smallDataset, tempDir, writeJsonl } from "./support/files.ts"

const cli = Command.make("pretrain").pipe(Command.withSubcommands([...commands]))
const runCli = async (argv: ReadonlyArray<string>) => {
  const lines: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void lines.push(a.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => void lines.push(a.join(" ")))
  try {
    await Effect.runPromise(Command.runWith(cli, { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
  return lines.join("\n")
}

afterEach(() => {
  process.exitCode = 0
})

describe("pretrain dedup", () => {
  it("minhash mode with the documented flags", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const out = await runCli([
      "dedup", input, "--out", path.join(dir, "out"), "--mode", "minhash", "--threshold", "0.7", "--num-perm", "128", "--ngram", "5",
      "--clusters", path.join(dir, "c.jsonl"), "--rejects", path.join(dir, "rej"), "--format", "jsonl", "--verify"
    ])
    expect(out).toContain("minhash dedup: 5 documents, 2 kept, 3 removed (60.00%) in 1 clusters")
    expect(out).toContain("bigcode 5-grams, 128 permutations")
    expect(readJsonlDir(path.join(dir, "out")).length).toBe(2)
    expect(readJsonlDir(path.join(dir, "rej")).length).toBe(3)
    expect(fs.existsSync(path.join(dir, "c.jsonl"))).toBe(true)
    expect(process.exitCode ?? 0).toBe(0)
  })

  it("minhash mode checks candidates by default; --no-verify is LSH only", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const checked = await runCli(["dedup", input, "--out", path.join(dir, "a"), "--format", "jsonl"])
    expect(checked).toContain("exact Jaccard check")
    const plain = await runCli(["dedup", input, "--out", path.join(dir, "b"), "--format", "jsonl", "--no-verify"])
    expect(plain).not.toContain("exact Jaccard check")
    expect(process.exitCode ?? 0).toBe(0)
  })

  it("exact mode, JSON summary", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const out = await runCli(["dedup", input, "--out", path.join(dir, "out"), "--mode", "exact", "--json"])
    expect(JSON.parse(out)).toMatchObject({ mode: "exact", documents: 5, removed: 1 })
  })

  it("a bad threshold prints the typed error and sets exit code 1", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const out = await runCli(["dedup", input, "--out", path.join(dir, "out"), "--threshold", "2"])
    expect(out).toContain("error: invalid option threshold: must be in (0, 1), got 2")
    expect(process.exitCode).toBe(1)
  })
})

describe("pretrain dedup --tasks (multi-stage)", () => {
  it("runs the stages and prints the counts", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const out = await runCli(["dedup", input, "--out", path.join(dir, "out"), "--mode", "exact", "--tasks", "2", "--workers", "0", "--format", "jsonl"])
    expect(out).toContain("exact dedup (multi-stage): 5 documents, 4 kept, 1 removed (20.00%)")
    expect(fs.existsSync(path.join(dir, "out-work", "signatures"))).toBe(true)
    // minhash without --verify: the multi-stage mode runs LSH only (no check to default to)
    const near = await runCli(["dedup", input, "--out", path.join(dir, "near"), "--tasks", "2", "--workers", "0", "--format", "jsonl"])
    expect(near).toContain("minhash dedup (multi-stage): 5 documents")
  })
})

describe("pretrain membership", () => {
  it("build, then query a file and a snippet", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const built = await runCli(["membership", "build", input, "--out", path.join(dir, "idx")])
    expect(built).toMatch(/membership index: 5 documents, \d+ snippet postings/)
    const file = path.join(dir, "q.js")
    fs.writeFileSync(file, smallDataset()[0]!.content)
    const found = await runCli(["membership", "query", path.join(dir, "idx"), file])
    expect(found).toContain("found in the dataset")
    expect(found).toContain("exact copies:\n  acme/a src/options.js (doc 0)")
    expect(found).toMatch(/query [\d.]+ ms/)
    const json = JSON.parse(await runCli(["membership", "query", path.join(dir, "idx"), "--text", "nothing like it anywhere at all in here", "--json"]))
    expect(json.found).toBe(false)
  })

  it("a query without file or text is a clear error", async () => {
    const dir = tempDir()
    const out = await runCli(["membership", "query", path.join(dir, "idx")])
    expect(out).toContain("error: invalid option text: give a file or --text")
    expect(process.exitCode).toBe(1)
  })
})
