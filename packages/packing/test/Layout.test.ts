import { describe, expect, it } from "vitest"
import { isSpecial, render } from "../src/Example.ts"
import * as Fim from "../src/Fim.ts"
import * as Layout from "../src/Layout.ts"

const repoFiles = (n: number, repo = "acme/app"): Array<Layout.FileRecord> =>
  Array.from({ length: n }, (_, i) => ({ repo, path: `src/f${i}.py`, content: `def f${i}():\n    return ${i} # 😀\n` }))

const noFim = { fim: { rate: 0 } }

describe("StarCoder2 layout", () => {
  it("groups a repository's files with metadata: <repo_name>name<file_sep>path\\ncontent...<|endoftext|>", () => {
    const files = repoFiles(4)
    const f = Layout.repository("acme/app", files, { ...noFim, metadataRate: 1 })
    expect(f.withMetadata).toBe(true)
    const text = render(f.parts)
    expect(text.startsWith("<repo_name>acme/app<file_sep>")).toBe(true)
    expect(text.endsWith("<|endoftext|>")).toBe(true)
    const chunks = text.slice("<repo_name>acme/app".length, -"<|endoftext|>".length).split("<file_sep>").slice(1)
    expect(chunks.sort()).toEqual(files.map((x) => `${x.path}\n${x.content}`).sort())
  })

  it("without metadata: <file_sep>content...<|endoftext|>", () => {
    const files = repoFiles(3)
    const text = render(Layout.repository("acme/app", files, { ...noFim, metadataRate: 0 }).parts)
    expect(text.startsWith("<file_sep>")).toBe(true)
    expect(text.slice(0, -"<|endoftext|>".length).split("<file_sep>").slice(1).sort()).toEqual(files.map((x) => x.content).sort())
  })

  it("orders files by the seed (not input order), the same for the same seed", () => {
    const files = repoFiles(8)
    const a = render(Layout.repository("acme/app", files, { ...noFim, seed: 1 }).parts)
    expect(render(Layout.repository("acme/app", files, { ...noFim, seed: 1 }).parts)).toBe(a)
    const orders = new Set<string>()
    for (let seed = 0; seed < 10; seed++) orders.add(render(Layout.repository("acme/app", files, { ...noFim, seed, metadataRate: 1 }).parts))
    expect(orders.size).toBeGreaterThan(5)
  })

  it("metadata in about half the repositories, FIM in about half the files of half the repositories, never the repository name", () => {
    let meta = 0
    let fimRepos = 0
    let fimChunks = 0
    let chunksOfFimRepos = 0
    const n = 1000
    for (let r = 0; r < n; r++) {
      const repo = `org/r${r}`
      const files = repoFiles(4, repo)
      const f = Layout.repository(repo, files, { seed: 5 })
      if (f.withMetadata) {
        meta++
        expect(f.parts[0]).toMatchObject({ token: "<repo_name>" })
        expect(f.parts[1]).toBe(repo)
        expect(isSpecial(f.parts[2]!) && f.parts[2].token === "<file_sep>").toBe(true)
      }
      if (f.fimChunks > 0) {
        fimRepos++
        fimChunks += f.fimChunks
        chunksOfFimRepos += files.length
      }
      // undoing FIM gives the same example as formatting without FIM
      expect(render(Fim.undo(f.parts))).toBe(render(Layout.repository(repo, files, { seed: 5, fim: { rate: 0 } }).parts))
    }
    expect(Math.abs(meta / n - 0.5)).toBeLessThan(0.08)
    // P(repo has >= 1 FIM chunk) = 0.5 * (1 - 0.5^4) = 0.469
    expect(Math.abs(fimRepos / n - 0.469)).toBeLessThan(0.08)
    // among repositories with FIM, chunks get it with probability 0.5 / (1 - 0.5^4) = 0.533
    expect(Math.abs(fimChunks / chunksOfFimRepos - 0.533)).toBeLessThan(0.08)
  })

  it("does not depend on the order the files arrive in", () => {
    const files = repoFiles(7)
    const a = render(Layout.repository("acme/app", files, { seed: 2 }).parts)
    expect(render(Layout.repository("acme/app", [...files].reverse(), { seed: 2 }).parts)).toBe(a)
  })

  it("fim-rate 0 turns FIM off; it does not change order or metadata", () => {
    const files = repoFiles(6)
    const off = Layout.repository("acme/app", files, { seed: 3, fim: { rate: 0 } })
    expect(off.fimChunks).toBe(0)
    expect(render(off.parts)).not.toContain("<fim_prefix>")
  })
})

describe("StarCoder1 layout", () => {
  const record: Layout.FileRecord = { repo: "acme/app", path: "a.py", content: "x = 1\n", stars: 42 }

  it("writes <reponame>repo<filename>path<gh_stars>bucket\\ncontent<|endoftext|> with all metadata", () => {
    const text = render(Layout.file(record, { ...noFim, metadataRate: 1 }).parts)
    expect(text).toBe("<reponame>acme/app<filename>a.py<gh_stars>10-100\nx = 1\n<|endoftext|>")
    expect(render(Layout.file(record, { ...noFim, metadataRate: 0 }).parts)).toBe("x = 1\n<|endoftext|>")
  })

  it("keeps each metadata item with probability 0.2 and FIM per document at the rate", () => {
    let repo = 0
    let fim = 0
    const n = 2000
    for (let i = 0; i < n; i++) {
      const r = { ...record, path: `f${i}.py` }
      const f = Layout.file(r, { seed: 1 })
      if (render(f.parts).includes("<reponame>")) repo++
      fim += f.fimChunks
      expect(render(Fim.undo(f.parts))).toBe(render(Layout.file(r, { seed: 1, fim: { rate: 0 } }).parts))
    }
    expect(Math.abs(repo / n - 0.2)).toBeLessThan(0.05)
    expect(Math.abs(fim / n - 0.5)).toBeLessThan(0.05)
  })

  it("star buckets", () => {
    expect([null, 0, 1, 10, 11, 100, 101, 1000, 1001].map(Layout.starBucket)).toEqual(["0", "0", "1-10", "1-10", "10-100", "10-100", "100-1000", "100-1000", "1000+"])
  })
})

describe("requiredTokens", () => {
  it("lists what each layout needs", () => {
    expect(Layout.requiredTokens("starcoder2")).toEqual(["<|endoftext|>", "<file_sep>", "<repo_name>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>"])
    expect(Layout.requiredTokens("starcoder1", { fim: { rate: 0 } })).toEqual(["<|endoftext|>", "<reponame>", "<filename>", "<gh_stars>"])
  })
})
