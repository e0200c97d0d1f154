import * as fs from "node:fs"
import * as path from "node:path"
import { runPipeline } from "@pretrain/dataflow"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Dedup from "../src/Dedup.ts"
import * as MultiStage from "../src/MultiStage.ts"
import { plantEdits, realCode } from "./support/corpus.ts"
import { readJsonlDir, tempDir, writeJsonl } from "./support/files.ts"

/** A corpus in three JSONL files (so the stages have several shards), with stars for the survivor rule. */
const corpus = (dir: string) => {
  const real = realCode(240)
  const docs = [...real, ...plantEdits(real, 60)].map((d, i) => ({
    content: d.content,
    repo_name: d.repo_name,
    path: d.path,
    star_events_count: (i * 7919) % 100,
    license_type: i % 3 === 0 ? "permissive" : "no_license"
  }))
  const input = path.join(dir, "in")
  for (let f = 0; f < 3; f++) writeJsonl(path.join(input, `part-${f}.jsonl`), docs.slice(f * 100, (f + 1) * 100))
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
      const params: MultiStage.Params = { input, work: path.join(dir, "work"), out: path.join(dir, "multi"), format: "jsonl", mode, tasks: 3, ranges: 2, clusterTasks: 2 }
      const result = await Effect.runPromise(MultiStage.run(params, { workers: 2 }))
      const filter = result.stages.find((s) => s.stage === "filter")!
      expect(filter.stats.docsIn - filter.stats.docsOut).toBe(one.removed)
      expect(view(readJsonlDir(path.join(dir, "multi")), mode)).toEqual(view(readJsonlDir(path.join(dir, "one")), mode))
      expect(view(readJsonlDir(path.join(dir, "multi", "rejects")), mode)).toEqual(view(readJsonlDir(path.join(dir, "one", "rejects")), mode))
      const again = await Effect.runPromise(MultiStage.run(params, { workers: 2 }))
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

  it("rejects the exact-Jaccard check and bad task counts with typed errors", async () => {
    const error = await Effect.runPromise(Effect.flip(MultiStage.run({ input: "x", work: "w", out: "o", minhash: { verify: true } })))
    expect(error.message).toContain("verify")
    expect(() => MultiStage.resolveParams({ input: "x", work: "w", out: "o", tasks: 0 })).toThrow(/tasks/)
  })
})
