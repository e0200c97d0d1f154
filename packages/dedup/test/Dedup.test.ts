import { Rejects } from "@pretrain/dataflow"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import * as Dedup from "../src/Dedup.ts"
import { readJsonlDir, smallDataset, tempDir, writeJsonl } from "./support/files.ts"

const run = (options: Dedup.RunOptions) => Effect.runPromise(Dedup.run(options))

describe("Dedup.run", () => {
  it("exact mode keeps one per content hash, by The Stack v2's survivor rule", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const summary = await run({ input, out: path.join(dir, "out"), mode: "exact", format: "jsonl" })
    expect(summary).toMatchObject({ documents: 5, removed: 1, kept: 4, duplicateClusters: 1 })
    const kept = readJsonlDir(path.join(dir, "out"))
    // 0 and 1 are identical: 1 is permissive, so it survives although 0 has more stars
    expect(kept.map((d) => d.repo_name)).toEqual(["acme/b", "acme/c", "other/py", "acme/d"])
    expect(kept[0]).toMatchObject({ exact_cluster_id: 0, exact_cluster_size: 2 })
    const rejects = Rejects.readSync(path.join(dir, "out", "rejects"))
    expect(rejects.map((r) => [r.repo_name, r._reject_reason])).toEqual([["acme/a", "exact-duplicate"]])
    const clusters = fs.readFileSync(path.join(dir, "out", "clusters.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(clusters).toEqual([{
      cluster_id: 0,
      size: 2,
      survivor: 1,
      members: [
        { doc: 0, repo_name: "acme/a", path: "src/options.js", kept: false },
        { doc: 1, repo_name: "acme/b", path: "lib/options.js", kept: true }
      ]
    }])
  })

  it("exact mode with whitespace normalisation also catches the re-spaced copy", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const summary = await run({ input, out: path.join(dir, "out"), mode: "exact", exact: { normalizeWhitespace: true }, survivor: "first" })
    expect(summary.removed).toBe(2)
  })

  it("minhash mode clusters the near copies; removed documents can go to their own directory", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const summary = await run({
      input,
      out: path.join(dir, "out"),
      rejects: path.join(dir, "removed"),
      clusters: path.join(dir, "clusters.jsonl"),
      format: "jsonl",
      minhash: { verify: true }
    })
    expect(summary).toMatchObject({ documents: 5, removed: 3, kept: 2, duplicateClusters: 1 })
    const kept = readJsonlDir(path.join(dir, "out"))
    // acme/c: permissive with 50 stars
    expect(kept.map((d) => [d.repo_name, d.minhash_cluster_id, d.minhash_cluster_size])).toEqual([["acme/c", 0, 4], ["other/py", 3, 1]])
    expect(readJsonlDir(path.join(dir, "removed")).map((d) => d.repo_name)).toEqual(["acme/a", "acme/b", "acme/d"])
    expect(fs.existsSync(path.join(dir, "out", "rejects"))).toBe(false)
    expect(fs.readFileSync(path.join(dir, "clusters.jsonl"), "utf8")).toContain(`"survivor":2`)
    expect(Dedup.format(summary)).toContain("3 removed (60.00%)")
  })

  // character shingles see the re-spaced copy as different (every doubled newline changes 24 grams)
  for (const [shingle, ngram, removed] of [["datatrove", 5, 3], ["char", 24, 2]] as const) {
    it(`minhash with ${shingle} ${ngram}-grams removes ${removed}`, async () => {
      const dir = tempDir()
      const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
      const summary = await run({ input, out: path.join(dir, "out"), minhash: { shingle, ngram, verify: true }, survivor: "first" })
      expect(summary).toMatchObject({ removed, duplicateClusters: 1 })
    })
  }

  it("bad options fail with a typed error naming the option; an existing clusters file is not overwritten", async () => {
    const dir = tempDir()
    const input = writeJsonl(path.join(dir, "in.jsonl"), smallDataset())
    const failure = (options: Dedup.RunOptions) => Effect.runPromise(Effect.flip(Dedup.run(options)))
    const bad = await failure({ input, out: path.join(dir, "out"), minhash: { threshold: 1.5 } })
    expect(bad._tag).toBe("DedupOptionsError")
    expect(bad.message).toBe("invalid option threshold: must be in (0, 1), got 1.5")
    const tooMany = await failure({ input, out: path.join(dir, "out"), minhash: { numPerm: 16, bands: 5, rows: 5 } })
    expect(tooMany.message).toContain("5 bands x 5 rows")
    fs.writeFileSync(path.join(dir, "mine.jsonl"), "precious")
    const exists = await failure({ input, out: path.join(dir, "out"), clusters: path.join(dir, "mine.jsonl") })
    expect(exists._tag).toBe("OutputExists")
    expect(fs.readFileSync(path.join(dir, "mine.jsonl"), "utf8")).toBe("precious")
  })

  it("a malformed input line is rejected once, with its file and line; positions stay aligned", async () => {
    const dir = tempDir()
    const input = path.join(dir, "in.jsonl")
    fs.writeFileSync(input, ['{"content":"a b c d e f g"}', "not json", '{"content":"a b c d e f g"}', '{"content":"x y z"}'].join("\n") + "\n")
    const summary = await run({ input, out: path.join(dir, "out"), format: "jsonl" })
    expect(summary).toMatchObject({ documents: 3, removed: 1 })
    const rejects = Rejects.readSync(path.join(dir, "out", "rejects"))
    expect(rejects.map((r) => [r._reject_reason, r._reject_line ?? null])).toEqual([["malformed-json", 2], ["near-duplicate", null]])
    expect(readJsonlDir(path.join(dir, "out")).map((d) => [d.content, d.minhash_cluster_id])).toEqual([["a b c d e f g", 0], ["x y z", 2]])
  })

  it("a missing input fails with InputNotFound naming the path", async () => {
    const dir = tempDir()
    const exit = await Effect.runPromiseExit(Dedup.run({ input: path.join(dir, "nope.jsonl"), out: path.join(dir, "out") }))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("nope.jsonl")
  })
})
