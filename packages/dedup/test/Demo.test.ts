import * as fs from "node:fs"
import * as path from "node:path"
import { Parquet, runPipelinePromise } from "@pretrain/dataflow"
import { describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.ts"
import { smallDataset, tempDir } from "./support/files.ts"

describe("Demo", () => {
  it("exact then near dedup as pipeline stages on a worker thread, with a summary", async () => {
    const dir = tempDir()
    const input = path.join(dir, "curated")
    fs.mkdirSync(input)
    Parquet.writeFileSync(path.join(input, "part-00000-0000.parquet"), smallDataset())
    const out = path.join(dir, "out")
    const module = path.join(import.meta.dirname, "fixtures", "demo-pipeline.ts")
    const result = await runPipelinePromise(module, { params: { input, out }, workers: 1, quiet: true })
    expect(result.stages.map((s) => [s.stage, s.stats.docsIn, s.stats.docsOut])).toEqual([["exact-dedup", 5, 4], ["near-dedup", 4, 2]])
    const near = Parquet.readFileSync(path.join(out, "near-dedup", "part-00000-0000.parquet"))
    expect(near.map((d) => d.repo_name)).toEqual(["acme/c", "other/py"])
    expect(near[0]).toMatchObject({ exact_cluster_size: 1, minhash_cluster_size: 3 })
    const text = Demo.summary(out)
    expect(text).toContain("exact: 5 -> 4 documents, removed 1 (20.00%")
    expect(text).toContain("total: removed 60.00% of documents")
    // a rerun resumes: both stages are complete
    const again = await runPipelinePromise(module, { params: { input, out }, workers: 1, quiet: true })
    expect(again.stages.map((s) => s.skipped.length)).toEqual([1, 1])
  })
})
