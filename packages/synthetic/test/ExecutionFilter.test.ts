import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as ExecutionFilter from "../src/ExecutionFilter.ts"

const add = "export function add(a, b) {\n  return a + b\n}\n"
const assertImport = "import assert from \"node:assert/strict\"\n"

const hasPython = (() => {
  try {
    execFileSync("python3", ["-c", "print(1)"])
    return true
  } catch {
    return false
  }
})()

describe("ExecutionFilter", () => {
  it("passes a solution whose tests pass, and fails one whose tests fail, with the assertion message", async () => {
    const ok = await ExecutionFilter.run(add, `${assertImport}assert.equal(add(2, 3), 5)\n`)
    expect(ok.passed).toBe(true)
    const bad = await ExecutionFilter.run(add, `${assertImport}assert.equal(add(2, 2), 5)\n`)
    expect(bad).toMatchObject({ passed: false, reason: "failed" })
    expect(!bad.passed && bad.detail).toMatch(/4 !== 5|Expected values to be strictly equal/)
    const syntax = await ExecutionFilter.run("export function add(a, b) {", `${assertImport}assert.equal(add(1, 1), 2)\n`)
    expect(syntax).toMatchObject({ passed: false, reason: "failed" })
  })

  it("kills tests that hang, at the time limit", async () => {
    const hang = await ExecutionFilter.run(add, "while (true) {}\n", { timeoutMs: 500 })
    expect(hang).toMatchObject({ passed: false, reason: "timeout" })
    const pending = await ExecutionFilter.run(add, "setInterval(() => {}, 1000)\n", { timeoutMs: 500 })
    expect(pending).toMatchObject({ passed: false, reason: "timeout" })
  })

  it("stops tests that take too much memory, on the heap or outside it", async () => {
    const heap = await ExecutionFilter.run(add, "const a = []\nwhile (true) a.push({ x: Math.random(), y: [1, 2, 3] })\n", { memoryMb: 64, timeoutMs: 20_000 })
    expect(heap).toMatchObject({ passed: false, reason: "memory" })
    const buffers = await ExecutionFilter.run(add, "const keep = []\nwhile (true) keep.push(Buffer.alloc(16 * 1024 * 1024, 1))\n", { memoryMb: 64, timeoutMs: 20_000 })
    expect(buffers).toMatchObject({ passed: false, reason: "memory" })
  })

  it("runs without the parent's environment, outside writes or child processes, and leaves nothing behind", async () => {
    process.env.PRETRAIN_TEST_SECRET = "s3cret"
    const outside = path.join(os.tmpdir(), `pretrain-exec-outside-${process.pid}.txt`)
    try {
      const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("pretrain-exec-")).length
      const env = await ExecutionFilter.run(add, `${assertImport}assert.equal(process.env.PRETRAIN_TEST_SECRET, undefined)\nassert.equal(process.env.HTTPS_PROXY, undefined)\n`)
      expect(env.passed).toBe(true)
      const write = await ExecutionFilter.run(add, `import * as fs from "node:fs"\nfs.writeFileSync(${JSON.stringify(outside)}, "x")\n`)
      expect(write).toMatchObject({ passed: false, reason: "failed" })
      expect(fs.existsSync(outside)).toBe(false)
      const spawn = await ExecutionFilter.run(add, `import { execSync } from "node:child_process"\nexecSync("true")\n`)
      expect(spawn).toMatchObject({ passed: false, reason: "failed" })
      expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("pretrain-exec-")).length).toBe(before)
    } finally {
      delete process.env.PRETRAIN_TEST_SECRET
    }
  })

  it.skipIf(!hasPython)("runs Python tests under an address-space limit", async () => {
    const solution = "def add(a, b):\n    return a + b\n"
    expect((await ExecutionFilter.run(solution, "assert add(2, 3) == 5\n", { language: "python" })).passed).toBe(true)
    expect(await ExecutionFilter.run(solution, "assert add(2, 2) == 5\n", { language: "python" })).toMatchObject({ passed: false, reason: "failed" })
    expect(await ExecutionFilter.run(solution, "x = bytearray(1024 * 1024 * 1024)\n", { language: "python", memoryMb: 64 })).toMatchObject({ passed: false, reason: "memory" })
  })
})
