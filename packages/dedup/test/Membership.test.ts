import { Rejects } from "@pretrain/dataflow"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Dedup from "../src/Dedup.ts"
import * as Membership from "../src/Membership.ts"
import * as MultiStage from "../src/MultiStage.ts"
import { realCode } from "./support/corpus.ts"
import { readJsonlDir, tempDir, writeJsonl } from "./support/files.ts"

describe("Membership", () => {
  const dir = tempDir()
  const docs = realCode(200, { minBytes: 2000 })
  const input = writeJsonl(path.join(dir, "old.jsonl"), docs)
  const idx = path.join(dir, "idx")
  const built = Effect.runPromise(Membership.build(input, idx))

  it("build reports documents, postings and size", async () => {
    const report = await built
    expect(report.documents).toBe(200)
    expect(report.postings).toBeGreaterThan(1000)
    expect(report.bytes).toBeGreaterThan(200 * 1024)
    const again = await Effect.runPromise(Effect.flip(Membership.build(input, idx)))
    expect(again._tag).toBe("OutputExists")
  })

  it("finds exact files, near-duplicates and snippets with their repo and path; not unrelated text", async () => {
    await built
    const index = await Effect.runPromise(Membership.load(idx))
    const target = docs[37]!
    const exact = index.query(target.content)
    expect(exact.exact.map((m) => [m.repo_name, m.path])).toContainEqual([target.repo_name, target.path])
    expect(exact.near.map((m) => m.doc)).toContain(37)

    const edited = target.content + "\n// a local patch\nexport const patched = true\n"
    const near = index.query(edited)
    expect(near.exact.length).toBe(0)
    expect(near.near[0]).toMatchObject({ repo_name: target.repo_name, path: target.path })

    const lines = target.content.split("\n")
    const snippet = lines.slice(Math.floor(lines.length / 3), Math.floor(lines.length / 3) + 25).join("\n")
    const found = index.query(snippet, { containment: 0.8 })
    expect(found.sampledShingles).toBeGreaterThan(3)
    expect(found.snippet.map((m) => m.doc)).toContain(37)

    const none = index.query("quantum chromodynamics lattice gauge simulation with staggered fermions and hybrid monte carlo trajectories")
    expect(none.exact.length + none.near.length + none.snippet.length).toBe(0)
  })

  it("a damaged index fails with CorruptFile naming the file", async () => {
    await built
    const copy = path.join(dir, "copy")
    fs.cpSync(idx, copy, { recursive: true })
    const file = path.join(copy, "membership.bin")
    const bytes = fs.readFileSync(file)
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100))
    const error = await Effect.runPromise(Effect.flip(Membership.load(copy)))
    expect(error.message).toContain("membership.bin at byte")
  })

  it("incremental dedup: a new crawl loses the documents (and their clusters) already in the index", async () => {
    await built
    const fresh = [
      { content: docs[5]!.content, repo_name: "new/copy", path: "a.js" },
      { content: docs[9]!.content + "\n// tweaked\n", repo_name: "new/near", path: "b.js" },
      { content: "export const brandNew = (x) => x * 2 + 1 // nothing like anything in the old crawl at all", repo_name: "new/unique", path: "c.js" }
    ]
    const crawl = writeJsonl(path.join(dir, "new.jsonl"), fresh)
    const summary = await Effect.runPromise(Dedup.run({ input: crawl, out: path.join(dir, "new-out"), index: idx, format: "jsonl" }))
    expect(summary.removed).toBe(2)
    expect(summary.inIndex).toBe(2)
    expect(readJsonlDir(path.join(dir, "new-out")).map((d) => d.repo_name)).toEqual(["new/unique"])
    expect(Rejects.readSync(path.join(dir, "new-out", "rejects")).map((d) => d._reject_reason)).toEqual(["in-index", "in-index"])
    // the multi-stage mode gives the same result
    await Effect.runPromise(MultiStage.run({ input: crawl, work: path.join(dir, "work"), out: path.join(dir, "multi-out"), index: idx, format: "jsonl", tasks: 2, clusterTasks: 1 }, { workers: 0 }))
    expect(readJsonlDir(path.join(dir, "multi-out"))).toEqual(readJsonlDir(path.join(dir, "new-out")))
    expect(Rejects.readSync(path.join(dir, "multi-out", "rejects"))).toEqual(Rejects.readSync(path.join(dir, "new-out", "rejects")))
  })
})
