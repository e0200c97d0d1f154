import * as fs from "node:fs"
import * as path from "node:path"
import { Rejects, runPipeline } from "@pretrain/dataflow"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Dedup from "../src/Dedup.ts"
import * as MultiStage from "../src/MultiStage.ts"
import { plantEdits, realCode } from "./support/corpus.ts"
import { readJsonlDir, tempDir, writeJsonl } from "./support/files.ts"

/**
 * A long chain of near-duplicates: sliding windows over one token sequence (60 tokens, shifted by
 * 3: neighbours at Jaccard ~0.9, five apart ~0.58), so the component is long and thin.
 */
const chain = (length: number) => {
  const tokens = Array.from({ length: 60 + 3 * length }, (_, i) => `t${(Math.imul(i + 1, 2654435761) >>> 0).toString(36)}`)
  return Array.from({ length }, (_, i) => ({ content: tokens.slice(3 * i, 3 * i + 60).join(" "), repo_name: `chain/${i}`, path: "w.txt" }))
}

/** A corpus in three JSONL files (so the stages have several shards), with stars for the survivor rule. */
const corpus = (dir: string) => {
  const real = realCode(240)
  const docs: Array<{ content: string; repo_name: string; path: string }> = [...real, ...plantEdits(real, 60)]
  // the chain in a scrambled order and 12 identical copies of one file (a star), spread over every shard and partition
  const links = chain(40)
  const extras = [...links.filter((_, i) => i % 2 === 1).reverse(), ...links.filter((_, i) => i % 2 === 0)]
  const star = "// SPDX-License-Identifier: MIT\n/* the same banner copied into every package of a monorepo */\nexport const banner = 'copyright'\n"
  for (let i = 0; i < 12; i++) extras.push({ content: star, repo_name: `star/${i}`, path: "banner.js" })
  extras.forEach((d, i) => docs.splice(Math.floor((i * docs.length) / extras.length) + i, 0, d))
  const rows = docs.map((d, i) => ({
    content: d.content,
    repo_name: d.repo_name,
    path: d.path,
    star_events_count: (i * 7919) % 100,
    license_type: i % 3 === 0 ? "permissive" : "no_license"
  }))
  const input = path.join(dir, "in")
  const per = Math.ceil(rows.length / 3)
  for (let f = 0; f < 3; f++) writeJsonl(path.join(input, `part-${f}.jsonl`), rows.slice(f * per, (f + 1) * per))
  return input
}

const view = (rows: ReadonlyArray<Record<string, unknown>>, mode: string) =>
  rows.map((r) => `${r.repo_name}/${r.path} ${r[`${mode}_cluster_id`]} ${r[`${mode}_cluster_size`]}`)

describe("MultiStage", () => {
  for (const mode of ["minhash", "exact"] as const) {
    it(`${mode}: the same kept documents, cluster ids and sizes as the one-machine mode, and resumes`, async () => {
      const dir = tempDir()
      const input = corpus(dir)
      const one = await Effect.runPromise(Dedup.run({ input, out: path.join(dir, "one"), mode, format: "jsonl" }))
      expect(one.removed).toBeGreaterThan(5)
      // 4 clustering partitions over 3 input shards: partition ranges cross shard boundaries
      const params: MultiStage.Params = { input, work: path.join(dir, "work"), out: path.join(dir, "multi"), format: "jsonl", mode, tasks: 3, ranges: 2, clusterTasks: 4 }
      // worker threads for one mode (started once for every stage of the run), in-process for the other
      const workers = mode === "minhash" ? 2 : 0
      const result = await Effect.runPromise(MultiStage.run(params, { workers }))
      // one run, in pipeline order, leaving out the clustering rounds after convergence
      const planned = MultiStage.pipeline(params).stages.map((s) => s.name)
      const ran = result.stages.map((s) => s.stage)
      expect(planned.filter((name) => ran.includes(name))).toEqual(ran)
      expect(ran).toEqual(expect.arrayContaining(["signatures", "buckets", "link-000", "ask-000", "aggregate", "combine", "clusters", "filter"]))
      expect(ran.length).toBeLessThan(planned.length)
      const filter = result.stages.find((s) => s.stage === "filter")!
      expect(filter.stats.docsIn - filter.stats.docsOut).toBe(one.removed)
      expect(view(readJsonlDir(path.join(dir, "multi")), mode)).toEqual(view(readJsonlDir(path.join(dir, "one")), mode))
      const removed = Rejects.readSync(path.join(dir, "one", "rejects"))
      expect(removed.length).toBe(one.removed)
      expect(view(Rejects.readSync(path.join(dir, "multi", "rejects")), mode)).toEqual(view(removed, mode))
      // the star is one cluster of 12 across every partition; in minhash mode the chain is one long cluster
      const kept = readJsonlDir(path.join(dir, "multi"))
      expect(kept.filter((d) => String(d.repo_name).startsWith("star/")).map((d) => d[`${mode}_cluster_size`])).toEqual([12])
      if (mode === "minhash") expect(kept.filter((d) => String(d.repo_name).startsWith("chain/")).map((d) => d.minhash_cluster_size)).toEqual([40])
      // the clusters files of the partitions list every member once
      const lines = fs.readdirSync(path.join(dir, "work", "clusters")).filter((f) => f.endsWith(".jsonl")).flatMap((f) =>
        fs.readFileSync(path.join(dir, "work", "clusters", f), "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as { members: Array<number> })
      )
      const members = lines.flatMap((l) => l.members)
      expect(new Set(members).size).toBe(members.length)
      expect(members.length - new Set(lines.map((l) => (l as unknown as { cluster_id: number }).cluster_id)).size).toBe(one.removed)
      const again = await Effect.runPromise(MultiStage.run(params, { workers }))
      expect(again.stages.every((s) => s.ran.length === 0)).toBe(true)
    })
  }

  it("a corrupted spill file fails its bucket task naming the file and position; after repair the rerun completes", async () => {
    const dir = tempDir()
    const input = corpus(dir)
    const params: MultiStage.Params = { input, work: path.join(dir, "work"), out: path.join(dir, "multi"), format: "jsonl", tasks: 2, ranges: 1, clusterTasks: 1 }
    const runOnly = (only: string) => runPipeline(MultiStage.pipeline(params), { workers: 0, quiet: true, only, force: true })
    await Effect.runPromise(runOnly("signatures"))
    const file = path.join(dir, "work", "signatures", "sig-b003-r000-t00001.bin")
    const good = fs.readFileSync(file)
    const bad = Buffer.from(good)
    bad[bad.length - 5]! ^= 0xff
    fs.writeFileSync(file, bad)
    const error = await Effect.runPromise(Effect.flip(runOnly("buckets")))
    expect(error.message).toMatch(/task 3: .*sig-b003-r000-t00001\.bin at byte \d+: checksum mismatch/)
    fs.writeFileSync(file, good.subarray(0, good.length - 12))
    expect((await Effect.runPromise(Effect.flip(runOnly("buckets")))).message).toMatch(/sig-b003-r000-t00001\.bin at byte \d+: checksum mismatch \(truncated or altered\)/)
    fs.writeFileSync(file, good)
    const ok = await Effect.runPromise(runOnly("buckets"))
    expect(ok.stages[0]!.ran.length).toBe(25)
  })

  it("a corrupted clustering file fails its round naming the file; after repair the run resumes and completes", async () => {
    const dir = tempDir()
    const input = corpus(dir)
    const params: MultiStage.Params = { input, work: path.join(dir, "work"), out: path.join(dir, "multi"), format: "jsonl", mode: "exact", tasks: 3, clusterTasks: 3 }
    const stages = MultiStage.pipeline(params).stages.map((s) => s.name)
    for (const only of stages.slice(0, stages.indexOf("link-000") + 1)) await Effect.runPromise(runPipeline(MultiStage.pipeline(params), { workers: 0, quiet: true, only }))
    const file = path.join(dir, "work", "cc", "link-000", "state-t00001.bin")
    const good = fs.readFileSync(file)
    const bad = Buffer.from(good)
    bad[bad.length - 3]! ^= 0x01
    fs.writeFileSync(file, bad)
    const error = await Effect.runPromise(Effect.flip(MultiStage.run(params, { workers: 0 })))
    expect(error.message).toMatch(/task 1: .*link-000.state-t00001\.bin at byte \d+: checksum mismatch/)
    fs.writeFileSync(file, good)
    const result = await Effect.runPromise(MultiStage.run(params, { workers: 0 }))
    expect(result.stages.find((s) => s.stage === "signatures")!.ran).toEqual([])
    expect(result.stages.find((s) => s.stage === "filter")!.ran).toEqual([0, 1, 2])
    const one = await Effect.runPromise(Dedup.run({ input, out: path.join(dir, "one"), mode: "exact", format: "jsonl" }))
    expect(readJsonlDir(path.join(dir, "multi")).length).toBe(one.kept)
  })

  it("rejects the exact-Jaccard check and bad task counts with typed errors", async () => {
    const error = await Effect.runPromise(Effect.flip(MultiStage.run({ input: "x", work: "w", out: "o", minhash: { verify: true } })))
    expect(error.message).toContain("verify")
    expect(() => MultiStage.resolveParams({ input: "x", work: "w", out: "o", tasks: 0 })).toThrow(/tasks/)
  })
})
