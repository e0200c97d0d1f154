import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { afterEach, describe, expect, it, vi } from "vitest"
import { commands } from "../src/Commands.ts"
import { TokenDataset } from "../src/TokenDataset.ts"
import { corpus, tempDir, tokenizerFile, writeScattered } from "./support.ts"

const cli = Command.make("pretrain").pipe(Command.withSubcommands([...commands]))
const runCli = async (argv: ReadonlyArray<string>, stderr: Array<string> = []) => {
  const lines: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void lines.push(a.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => {
    lines.push(a.join(" "))
    stderr.push(a.join(" "))
  })
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

describe("pretrain pack", () => {
  const dir = tempDir()
  const input = writeScattered(dir, corpus(), 2)
  const tokenizer = tokenizerFile(dir)

  it("packs with the documented flags and prints tokens, sequences and padding", async () => {
    const out = path.join(dir, "out")
    const text = await runCli([
      "pack", input, "--tokenizer", tokenizer, "--seq-len", "512", "--out", out, "--format", "megatron", "--layout", "starcoder2",
      "--fim-rate", "0.5", "--fim-spm-rate", "0.5", "--packing", "best-fit", "--seed", "7", "--workers", "0"
    ])
    expect(text).toMatch(/packed: starcoder2 layout, best-fit packing, L=512, megatron \(uint16\), seed 7/)
    expect(text).toMatch(/[\d,]+ tokens in [\d,]+ sequences, padding \d+\.\d\d%/)
    expect(process.exitCode ?? 0).toBe(0)
    const ds = TokenDataset.open(out)
    expect(ds.format).toBe("megatron")
    expect(ds.get(0).inputIds.length).toBe(512)
    ds.close()
  })

  it("--json prints the summary object", async () => {
    const text = await runCli(["pack", input, "--tokenizer", tokenizer, "--seq-len", "256", "--out", path.join(dir, "json"), "--packing", "concat", "--json", "--workers", "0"])
    expect(JSON.parse(text)).toMatchObject({ format: "parquet", layout: "starcoder2", packing: "concat", seqLen: 256 })
  })

  it("a tokenizer without the layout's tokens prints the typed error and sets exit code 1", async () => {
    const text = await runCli(["pack", input, "--tokenizer", tokenizerFile(dir, "starcoder"), "--seq-len", "256", "--out", path.join(dir, "bad"), "--workers", "0"])
    expect(text).toContain("error: ")
    expect(text).toContain("tokenizer-starcoder.json: the tokenizer has no <file_sep>, <repo_name> tokens (needed for layout starcoder2)")
    expect(process.exitCode).toBe(1)
  })

  it("a bad rate is refused", async () => {
    const text = await runCli(["pack", input, "--tokenizer", tokenizer, "--seq-len", "256", "--out", path.join(dir, "bad2"), "--fim-rate", "2"])
    expect(text).toContain("error: invalid option fim-rate: must be in [0, 1], got 2")
    expect(process.exitCode).toBe(1)
  })

  it("a rerun with other options prints the typed error naming pack.json; --if-changed redo packs again", async () => {
    const out = path.join(dir, "rerun")
    const args = ["pack", input, "--tokenizer", tokenizer, "--out", out, "--workers", "0", "--json"]
    expect(JSON.parse(await runCli([...args, "--seq-len", "256"])).seqLen).toBe(256)
    const text = await runCli([...args, "--seq-len", "128"])
    expect(text).toContain(`error: ${path.join(out, "pack.json")}: the output was packed with other settings (seqLen 256 → 128)`)
    expect(process.exitCode).toBe(1)
    process.exitCode = 0
    // the redo's warning goes to stderr, so stdout stays one JSON document
    const stderr: Array<string> = []
    const redone = await runCli([...args, "--seq-len", "128", "--if-changed", "redo"], stderr)
    expect(stderr.join("\n")).toContain(`${out} was packed with other settings (seqLen 256 → 128): packing it again`)
    expect(JSON.parse(redone.split("\n").filter((l) => !stderr.includes(l)).join("\n")).seqLen).toBe(128)
    expect(process.exitCode ?? 0).toBe(0)
  })
})
