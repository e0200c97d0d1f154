import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const pkg = fileURLToPath(new URL("..", import.meta.url))

/** The README's opening ```ts block, importing this package's source instead of its build. */
const example = async (): Promise<string> => {
  const readme = await readFile(join(pkg, "README.md"), "utf8")
  const match = /```ts\n([\s\S]*?)\n```/.exec(readme)
  if (match === null) throw new Error("README.md has no ```ts block")
  return match[1]!.replace(`from "@pretrain/synthetic"`, `from ${JSON.stringify(join(pkg, "src/index.ts"))}`)
}

describe("README", () => {
  it("the opening example runs and exits", async () => {
    const dir = await mkdtemp(join(pkg, ".readme-"))
    try {
      const file = join(dir, "example.ts")
      await writeFile(file, await example())
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: pkg, timeout: 60_000 })
      expect(stdout).toMatch(/kept: 2/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
