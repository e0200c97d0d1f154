/**
 * Real code for tests: training text from `effect/src` and held-out files of six languages from
 * other packages. Python and C come from node_modules when any is installed there, else from the
 * system's node-gyp and C headers; a language with no files found is left out (the test says so).
 */
import * as fs from "node:fs"
import * as path from "node:path"

export const repoRoot = path.resolve(import.meta.dirname, "../../..")
const nm = (...p: Array<string>) => path.join(repoRoot, "node_modules", ...p)

const walk = (dir: string, ext: RegExp, out: Array<string>, limit: number): void => {
  if (out.length >= limit || !fs.existsSync(dir)) return
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (out.length >= limit) return
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p, ext, out, limit)
    else if (e.isFile() && ext.test(e.name)) out.push(p)
  }
}

const files = (roots: ReadonlyArray<string>, ext: RegExp, limit: number, maxBytes = 80_000): Array<string> => {
  const out: Array<string> = []
  for (const r of roots) walk(r, ext, out, 10_000)
  return out.filter((f) => fs.statSync(f).size <= maxBytes && fs.statSync(f).size > 200).slice(0, limit)
}

/** Whole TypeScript files from effect/src, up to `maxChars` characters in all. */
export const trainingDocs = (maxChars = 1_500_000): Array<string> => {
  const out: Array<string> = []
  let n = 0
  for (const f of files([nm("effect", "src")], /\.ts$/, 10_000, 400_000)) {
    const text = fs.readFileSync(f, "utf8")
    if (n + text.length > maxChars) break
    out.push(text)
    n += text.length
  }
  return out
}

export interface HeldOut {
  readonly language: string
  readonly file: string
  readonly text: string
}

/** Up to `perLanguage` held-out files each of TypeScript, JavaScript, Python, C, JSON and Markdown. */
export const heldOut = (perLanguage = 4): Array<HeldOut> => {
  const langs: Array<[string, ReadonlyArray<string>, RegExp]> = [
    ["TypeScript", [nm("nx", "src"), nm("nx", "dist", "src", "config"), nm("@nx")], /\.ts$/],
    ["JavaScript", [nm("@zkochan", "js-yaml", "lib"), nm("debug")], /\.js$/],
    ["Python", [nm(), "/usr/lib/node_modules/npm/node_modules/node-gyp/gyp/pylib"], /\.py$/],
    ["C", [nm(), "/usr/include"], /\.(c|h)$/],
    ["JSON", [nm("nx", "schemas")], /\.json$/],
    ["Markdown", [nm("@clack"), nm("picomatch"), nm("debug")], /\.md$/]
  ]
  const out: Array<HeldOut> = []
  for (const [language, roots, ext] of langs) {
    for (const file of files(roots, ext, perLanguage)) out.push({ language, file, text: fs.readFileSync(file, "utf8") })
  }
  return out
}
