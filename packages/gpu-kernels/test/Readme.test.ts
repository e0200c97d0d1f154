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
  const match = /^# [^\n]*\n+```ts\n([\s\S]*?)\n```/.exec(readme)
  if (match === null) throw new Error("README.md does not open with a ```ts block")
  return match[1]!.replace(`from "@pretrain/gpu-kernels"`, `from ${JSON.stringify(join(pkg, "src/index.ts"))}`)
}

const runExample = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const dir = await mkdtemp(join(pkg, ".readme-"))
  try {
    const file = join(dir, "example.ts")
    await writeFile(file, await example())
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: pkg, env, timeout: 100_000 })
    return stdout
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe("README", () => {
  it("the opening example runs, on the GPU when there is an adapter, and exits", async () => {
    const out = await runExample(process.env)
    expect(out).toMatch(/agrees with the CPU reference/)
    if (process.env.REQUIRE_WEBGPU === "1") expect(out).not.toMatch(/on the CPU/)
  })

  it("the opening example falls back to the CPU reference without a Vulkan driver", async () => {
    const out = await runExample({ ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json", VK_DRIVER_FILES: "/nonexistent/icd.json" })
    expect(out).toMatch(/on the CPU \(.*\) agrees with the CPU reference/)
  })
})
