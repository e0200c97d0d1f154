import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { Parquet } from "@pretrain/dataflow"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { commands } from "../src/Commands.ts"
import { Tokenizer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-cli-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Run `pretrain tokenizer ...argv`, capturing what it prints and the exit code. */
const cli = async (...argv: Array<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = console.log
  const error = console.error
  console.log = (...a: Array<unknown>) => out.push(a.join(" "))
  console.error = (...a: Array<unknown>) => err.push(a.join(" "))
  process.exitCode = 0
  try {
    await Effect.runPromise(Command.runWith(commands[0], { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))
  } finally {
    console.log = log
    console.error = error
  }
  const code = process.exitCode
  process.exitCode = 0
  return { out: out.join("\n"), err: err.join("\n"), code }
}

describe("pretrain tokenizer", () => {
  const docs = trainingDocs(300_000)
  const jsonl = path.join(dir, "docs.jsonl")
  const textFile = path.join(dir, "one.py")
  const out = path.join(dir, "tok.json")
  beforeAll(() => {
    fs.writeFileSync(jsonl, docs.map((content) => JSON.stringify({ content })).join("\n") + "\n")
    fs.writeFileSync(textFile, "def f(x):\n    return x * 2\n")
  })

  it("train: datasets and text files in, tokenizer.json out", async () => {
    const r = await cli("train", jsonl, textFile, "--vocab-size", "800", "--special", "starcoder", "--workers", "1", "--out", out)
    expect(r.code).toBe(0)
    expect(r.out).toContain(`documents        ${docs.length + 1}`)
    const tok = Tokenizer.fromFileSync(out)
    expect(tok.vocabSize).toBe(800)
    expect(tok.tokenToId("<reponame>")).toBe(18)
  })

  it("train: refuses to overwrite without --force, and reports bad options", async () => {
    const again = await cli("train", textFile, "--vocab-size", "300", "--out", out)
    expect(again.code).toBe(1)
    expect(again.err).toContain("already exists")
    const small = await cli("train", textFile, "--vocab-size", "10", "--out", path.join(dir, "x.json"))
    expect(small.code).toBe(1)
    expect(small.err).toContain("vocabSize")
    const missing = await cli("train", path.join(dir, "nope.txt"), "--vocab-size", "300", "--out", path.join(dir, "y.json"))
    expect(missing.code).toBe(1)
    expect(missing.err).toContain("nope.txt")
  })

  it("train on a Parquet dataset gives the same tokenizer as on the same JSONL", async () => {
    const pq = path.join(dir, "pq")
    fs.mkdirSync(pq)
    Parquet.writeFileSync(path.join(pq, "part-00000-0000.parquet"), docs.map((content, i) => ({ content, path: `f${i}.ts` })), { rowGroupSize: 7 })
    const a = path.join(dir, "from-parquet.json")
    const b = path.join(dir, "from-jsonl.json")
    expect((await cli("train", pq, "--vocab-size", "500", "--workers", "1", "--out", a)).code).toBe(0)
    expect((await cli("train", jsonl, "--vocab-size", "500", "--workers", "0", "--out", b)).code).toBe(0)
    expect(fs.readFileSync(a, "utf8")).toBe(fs.readFileSync(b, "utf8"))
  })

  it("train --json, cl100k-code preset, digits groups", async () => {
    const f = path.join(dir, "cl.json")
    const r = await cli("train", jsonl, "--vocab-size", "600", "--preset", "cl100k-code", "--digits", "groups", "--workers", "0", "--json", "--out", f)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).vocabSize).toBe(600)
    expect(JSON.parse(fs.readFileSync(f, "utf8")).pre_tokenizer.pretokenizers[0].type).toBe("Split")
  })

  it("encode: ids on one line, or one JSON array with special tokens recognised", async () => {
    const tok = Tokenizer.fromFileSync(out)
    const text = "<fim_prefix>def f(x):<fim_suffix>"
    const r = await cli("encode", "--tokenizer", out, "--text", text)
    expect(r.out).toBe(Array.from(tok.encode(text)).join(" "))
    const j = await cli("encode", "--tokenizer", out, "--json", "--text", text)
    expect(JSON.parse(j.out)).toEqual(Array.from(tok.encode(text)))
    expect(JSON.parse(j.out)[0]).toBe(1)
    const f = await cli("encode", "--tokenizer", out, "--json", textFile)
    expect(tok.decode(JSON.parse(f.out))).toBe(fs.readFileSync(textFile, "utf8"))
  })

  it("encode: a bad tokenizer file is a clear error", async () => {
    const bad = path.join(dir, "bad.json")
    fs.writeFileSync(bad, "{}")
    const r = await cli("encode", "--tokenizer", bad, "--text", "x")
    expect(r.code).toBe(1)
    expect(r.err).toContain(`invalid tokenizer file ${bad} at model`)
  })

  it("stats: bytes/token, chars/token, tokens, unknown bytes", async () => {
    const r = await cli("stats", "--tokenizer", out, textFile, jsonl, "--json")
    const s = JSON.parse(r.out)
    expect(s.documents).toBe(docs.length + 1)
    expect(s.unknownBytes).toBe(0)
    expect(s.bytesPerToken).toBeGreaterThan(2)
    const plain = await cli("stats", "--tokenizer", out, textFile)
    expect(plain.out).toMatch(/bytes\/token\s+\d+\.\d{3}/)
    // A directory of source files: each file one document.
    const src = path.join(dir, "src")
    fs.mkdirSync(src, { recursive: true })
    fs.writeFileSync(path.join(src, "a.py"), "print(1)\n")
    fs.writeFileSync(path.join(src, "b.ts"), "export const b = 2\n")
    const tree = JSON.parse((await cli("stats", "--tokenizer", out, src, "--json")).out)
    expect(tree.documents).toBe(2)
    expect(tree.bytes).toBe(9 + 19)
  })
})

