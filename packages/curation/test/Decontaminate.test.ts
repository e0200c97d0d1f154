import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import * as Benchmark from "../src/Benchmark.ts"
import * as Decontaminate from "../src/Decontaminate.ts"
import { forEachNgram } from "../src/internal/ngrams.ts"
import * as WuManber from "../src/internal/WuManber.ts"
import { BenchmarkLoadError } from "../src/Errors.ts"
import { humanEvalFile, packageFiles, plantText, respace, rng, tempDir } from "./support/corpus.ts"

const humanEval = Benchmark.load(Benchmark.humanEval(humanEvalFile))
const tasks = zlib.gunzipSync(fs.readFileSync(humanEvalFile)).toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>)
const hosts = packageFiles("effect", "src", [".ts"], 60)

describe("Benchmark.load", () => {
  it("HumanEval: a docstring and a solution per task, minus bigcode's four trivial solutions", () => {
    expect(tasks).toHaveLength(164)
    expect(humanEval.items.filter((i) => i.field === "prompt")).toHaveLength(164)
    expect(humanEval.items.filter((i) => i.field === "canonical_solution")).toHaveLength(160)
    expect(humanEval.items[0]!.text.startsWith("Check if in given list of numbers")).toBe(true)
  })

  it("names the file, line and field of bad input", () => {
    const dir = tempDir("bench-")
    const file = path.join(dir, "b.jsonl")
    fs.writeFileSync(file, `{"q": "a"}\n{"q": 3}\n`)
    expect(() => Benchmark.load({ name: "B", file, fields: ["q"] })).toThrow(BenchmarkLoadError)
    expect(() => Benchmark.load({ name: "B", file, fields: ["q"] })).toThrow(`${file}:2 (field q): not a string`)
    fs.writeFileSync(file, `{"q": "a"}\nnot json\n`)
    expect(() => Benchmark.load({ name: "B", file, fields: ["q"] })).toThrow(`${file}:2: not JSON`)
  })
})

describe("the block-shift matcher", () => {
  it("finds the first-starting pattern that normalising and indexOf find, on random texts and pattern sets", () => {
    const next = rng(17)
    const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(next() * chars.length)]).join("")
    for (let trial = 0; trial < 3000; trial++) {
      // Short patterns (1-8 letters, so blocks of 1-3) over a small alphabet: many overlaps and near-misses.
      const patterns = Array.from({ length: 1 + Math.floor(next() * 6) }, () => WuManber.normalize(pick("abcA", 1 + Math.floor(next() * 8))))
      const text = pick("abcdAB \n\t", Math.floor(next() * 80))
      const flat = WuManber.normalize(text)
      let first = -1
      for (const p of patterns) {
        const at = p.length === 0 ? -1 : flat.indexOf(p)
        if (at >= 0 && (first < 0 || at < first)) first = at
      }
      const found = WuManber.build(patterns).search(text)
      if (first < 0) expect(found, JSON.stringify({ patterns, text })).toBe(-1)
      else expect(found >= 0 && flat.startsWith(patterns[found]!, first), JSON.stringify({ patterns, text, found })).toBe(true)
    }
  })
})

describe("planted HumanEval prompts and solutions in real files", () => {
  const idx = Decontaminate.index([humanEval])

  it("every canonical solution and prompt, verbatim, re-indented and re-spaced, is caught with its task", () => {
    const next = rng(5)
    let planted = 0
    for (const task of tasks) {
      for (const field of ["prompt", "canonical_solution"] as const) {
        const text = task[field]!
        if (humanEval.items.every((i) => !(i.id === task.task_id && i.field === field))) continue // trivial solutions
        for (let variant = 0; variant < 3; variant++) {
          const host = hosts[Math.floor(next() * hosts.length)]!.content
          const found = idx.find(plantText(host, variant === 0 ? text : respace(text, variant), next))
          expect(found?.id, `${task.task_id} ${field} variant ${variant}`).toBe(task.task_id)
          planted++
        }
      }
    }
    expect(planted).toBe(3 * 324)
  })

  it("no false hit on unmodified node_modules files", () => {
    const files = [...hosts, ...packageFiles("tslib", "", [".js"], 20), ...packageFiles("@babel/core", "lib", [".js"], 80)]
    expect(files.filter((f) => idx.find(f.content) !== undefined).map((f) => f.path)).toEqual([])
  })
})

describe("13-gram mode", () => {
  const idx = Decontaminate.index([humanEval], { mode: "ngram" })

  it("catches planted solutions with an informative 13-gram, re-indented, and not the unmodified files", () => {
    const next = rng(9)
    let tried = 0
    let same = 0
    for (const item of humanEval.items.filter((i) => i.field === "canonical_solution")) {
      // Only items with an informative 13-gram can be found (`a*a == b*b + c*c` has none).
      let indexed = false
      forEachNgram(item.text, 13, () => (indexed = true))
      if (!indexed) continue
      const host = hosts[Math.floor(next() * hosts.length)]!.content
      const found = idx.find(plantText(host, respace(item.text, 1), next))
      expect(found, item.id).toBeDefined()
      // Near-identical solutions (56 and 61 both count brackets) share 13-grams: the first indexed is named.
      if (found!.id === item.id) same++
      tried++
    }
    expect(tried).toBeGreaterThan(100)
    expect(same / tried).toBeGreaterThan(0.95)
    expect(hosts.filter((f) => idx.find(f.content) !== undefined)).toEqual([])
  })
})
