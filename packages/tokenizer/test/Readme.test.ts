import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const pkg = path.resolve(import.meta.dirname, "..")

describe("README", () => {
  it("the opening example runs (against this package's source)", () => {
    const readme = fs.readFileSync(path.join(pkg, "README.md"), "utf8")
    const match = /^# [^\n]*\n[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(readme)
    expect(match).not.toBeNull()
    const code = match![1]!.replace(`from "@pretrain/tokenizer"`, `from ${JSON.stringify(path.join(pkg, "src/index.ts"))}`)
    const dir = fs.mkdtempSync(path.join(pkg, ".readme-"))
    try {
      const file = path.join(dir, "example.ts")
      fs.writeFileSync(file, code + `\nconsole.log("example ok")\n`)
      const out = execFileSync(process.execPath, [file], { cwd: pkg, encoding: "utf8", timeout: 100_000 })
      expect(out).toContain("example ok")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
