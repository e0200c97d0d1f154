/**
 * The algorithm modules are plain synchronous TypeScript: importing one (as `@pretrain/dedup/MinHash`
 * and so on) must not load Effect or dataflow at run time. Follows relative imports transitively.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const src = path.resolve(import.meta.dirname, "../src")
const pure = ["Shingle", "MinHash", "LshParams", "LshIndex", "UnionFind", "Clusters", "Survivor", "ExactDedup", "NearDedup"]

/** Runtime (non-type) import specifiers of a file. */
const runtimeImports = (file: string): Array<string> => {
  const text = fs.readFileSync(file, "utf8")
  return [...text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+"([^"]+)"/gm)].filter((m) => m[1] === undefined).map((m) => m[2]!)
}

describe("pure modules", () => {
  for (const name of pure) {
    it(`${name} loads neither effect nor @pretrain/dataflow`, () => {
      const seen = new Set<string>()
      const external: Array<string> = []
      const visit = (file: string) => {
        if (seen.has(file)) return
        seen.add(file)
        for (const spec of runtimeImports(file)) {
          if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec))
          else external.push(spec)
        }
      }
      visit(path.join(src, `${name}.ts`))
      expect(external.filter((s) => s === "effect" || s.startsWith("effect/") || s.startsWith("@pretrain/"))).toEqual([])
    })
  }
})
