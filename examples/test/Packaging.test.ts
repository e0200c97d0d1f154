/**
 * Packages must work once published: pack every workspace package with `npm pack`, install the
 * tarballs into a fresh project outside the workspace, and run each package's README example there.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "../..")
const packagesDir = path.join(root, "packages")
const nodeBin = path.dirname(process.execPath)
const env = { ...process.env, PATH: `${nodeBin}:${process.env.PATH}`, npm_config_audit: "false", npm_config_fund: "false" }

interface Pkg {
  readonly dir: string
  readonly name: string
  readonly version: string
}

const packages: Array<Pkg> = fs.readdirSync(packagesDir)
  .map((d) => path.join(packagesDir, d))
  .filter((d) => fs.existsSync(path.join(d, "package.json")))
  .map((dir) => ({ dir, ...JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) }))
  .filter((p) => !p.private)

/** The README's first fenced example: its language and code. */
export const readmeExample = (readme: string): { lang: string; code: string } => {
  const m = /```(ts|typescript|sh|bash)\n([\s\S]*?)```/.exec(readme)
  if (m === null) throw new Error("README has no ts or sh example")
  return { lang: m[1]!, code: m[2]! }
}

describe("published packages", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-pack-"))
  const project = path.join(work, "project")

  it("pack and install into a project outside the workspace", () => {
    fs.mkdirSync(project)
    const tarballs = packages.map((p) => {
      const out = execFileSync("npm", ["pack", "--pack-destination", work, "--json"], { cwd: p.dir, env, encoding: "utf8" })
      const info = JSON.parse(out)[0] as { filename: string; files: Array<{ path: string }> }
      expect(info.files.some((f) => f.path.startsWith("dist/"))).toBe(true)
      expect(info.files.some((f) => f.path.startsWith("src/") || f.path.startsWith("test/"))).toBe(false)
      return path.join(work, info.filename)
    })
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
    execFileSync("npm", ["install", "--prefer-offline", "--no-package-lock", ...tarballs], { cwd: project, env, stdio: "pipe" })
    for (const p of packages) {
      expect(fs.existsSync(path.join(project, "node_modules", p.name, "package.json"))).toBe(true)
    }
  }, 600_000)

  for (const p of packages) {
    it(`${p.name}: README example runs from the installed tarball`, () => {
      const { lang, code } = readmeExample(fs.readFileSync(path.join(p.dir, "README.md"), "utf8"))
      const dir = fs.mkdtempSync(path.join(project, "example-"))
      const opts = {
        cwd: dir,
        env: { ...env, PATH: `${path.join(project, "node_modules/.bin")}:${env.PATH}` },
        encoding: "utf8" as const,
        stdio: "pipe" as const
      }
      if (lang === "ts" || lang === "typescript") {
        fs.writeFileSync(path.join(dir, "example.ts"), code)
        execFileSync(process.execPath, ["example.ts"], opts)
      } else {
        execFileSync("bash", ["-euo", "pipefail", "-c", code], opts)
      }
    }, 300_000)
  }
})
