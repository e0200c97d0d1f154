import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { Effect, Exit } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as OssInstruct from "../src/OssInstruct.ts"
import * as Seeds from "../src/Seeds.ts"
import { mulberry32 } from "../src/internal/random.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-seeds-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const readError = (input: string) => {
  const exit = Effect.runSyncExit(Seeds.read(input))
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const f = exit.cause.reasons.find((r) => r._tag === "Fail")
  return f !== undefined && "error" in f ? (f.error as Error).message : ""
}

describe("Seeds.read", () => {
  it("reads JSONL (gzipped too), plain documents and code files from a directory, in path order", () => {
    fs.mkdirSync(path.join(dir, "tree/src"), { recursive: true })
    fs.writeFileSync(path.join(dir, "tree/a.jsonl"), `${JSON.stringify({ id: "p1", text: "page one", topic: "t" })}\n\n${JSON.stringify({ outline: "1. x" })}\n`)
    fs.writeFileSync(path.join(dir, "tree/b.jsonl.gz"), zlib.gzipSync(JSON.stringify({ content: "zipped", kind: "document" })))
    fs.writeFileSync(path.join(dir, "tree/notes.md"), "# Notes")
    fs.writeFileSync(path.join(dir, "tree/src/util.py"), "def f():\n    pass\n")
    fs.writeFileSync(path.join(dir, "tree/.hidden"), "no")
    const seeds = Effect.runSync(Seeds.read(path.join(dir, "tree")))
    expect(seeds.map((s) => [s.id, s.kind, s.text])).toEqual([
      ["p1", "web", "page one"],
      ["a.jsonl:3", "outline", "1. x"],
      ["b.jsonl.gz:1", "document", "zipped"],
      ["notes.md", "document", "# Notes"],
      [path.join("src", "util.py"), "code", "def f():\n    pass\n"]
    ])
    expect(seeds[0]!.topic).toBe("t")
  })

  it("names the file, line and field of bad input", () => {
    const bad = path.join(dir, "bad.jsonl")
    fs.writeFileSync(bad, "{\"text\": \"ok\"}\n{nope\n")
    expect(readError(bad)).toMatch(new RegExp(`^${bad}:2: not JSON`))
    fs.writeFileSync(bad, "{\"text\": \"ok\"}\n{\"title\": \"x\"}\n")
    expect(readError(bad)).toBe(`${bad}:2 (field text|content|extract|outline): missing`)
    fs.writeFileSync(bad, "{\"text\": \"ok\", \"kind\": \"poem\"}\n")
    expect(readError(bad)).toBe(`${bad}:1 (field kind): must be one of web, outline, document, code, got "poem"`)
    fs.writeFileSync(bad, "{\"id\": 1, \"text\": \"a\"}\n{\"id\": 1, \"text\": \"b\"}\n")
    expect(readError(bad)).toBe(`${bad}: duplicate seed id "1"`)
    expect(readError(path.join(dir, "missing"))).toMatch(/missing: no such file or directory/)
  })
})

describe("extracts and snippets", () => {
  it("cuts extracts at a word boundary within the limit", () => {
    expect(Seeds.extract("short text", 1000)).toBe("short text")
    const cut = Seeds.extract("alpha beta gamma delta", 13)
    expect(cut).toBe("alpha beta")
  })

  it("draws 1-15 consecutive lines, the same for the same seed", () => {
    const text = Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n")
    const random = mulberry32(9)
    for (let i = 0; i < 200; i++) {
      const s = Seeds.snippet(text, random).split("\n")
      expect(s.length).toBeGreaterThanOrEqual(1)
      expect(s.length).toBeLessThanOrEqual(15)
      const first = Number(s[0]!.slice(5))
      expect(s).toEqual(s.map((_, k) => `line ${first + k}`))
    }
    const seed = Seeds.make("f.py", "code", text)
    const a = OssInstruct.plan([seed], { perSeed: 3, seed: 1 }).tasks
    const b = OssInstruct.plan([seed], { perSeed: 3, seed: 1 }).tasks
    expect(a.map((t) => t.snippet)).toEqual(b.map((t) => t.snippet))
    expect(a.map((t) => t.id)).toEqual(b.map((t) => t.id))
    expect(new Set(a.map((t) => t.id)).size).toBe(3)
    expect(a[0]!.prompt).toContain(a[0]!.snippet)
  })
})
