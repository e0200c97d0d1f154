import { describe, expect, it } from "@effect/vitest"
import { NodeModules, Parquet, Pipeline, runPipeline } from "@pretrain/dataflow"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Benchmark from "../src/Benchmark.ts"
import * as Demo from "../src/Demo.ts"
import { humanEvalFile, packageFile, tempDir } from "./support/corpus.ts"

/** A node_modules tree of three packages copied from real ones (files and package.json licenses). */
const miniNodeModules = (root: string) => {
  const write = (pkg: string, license: string, files: Record<string, string>) => {
    const dir = path.join(root, "node_modules", pkg)
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      fs.writeFileSync(path.join(dir, file), content)
    }
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: pkg, version: "1.0.0", license }))
  }
  write("tslib", "0BSD", { "tslib.js": packageFile("tslib", "tslib.js").content, "LICENSE.txt": packageFile("tslib", "LICENSE.txt").content })
  write("caniuse-lite", "CC-BY-4.0", { "data/features/calc.js": packageFile("caniuse-lite", "data/features/calc.js").content })
  write("lightningcss", "MPL-2.0", { "node/index.mjs": packageFile("lightningcss", "node/index.mjs").content })
  return path.join(root, "node_modules")
}

describe("Demo", () => {
  it("curation after ingest, as the stack-mini demo runs it, and its summary", async () => {
    const root = tempDir("demo-")
    const out = path.join(root, "out")
    const pipeline = Pipeline.make("stack-mini", [
      Pipeline.stage({ name: "ingest", tasks: 2, source: NodeModules.source(miniNodeModules(root)), sink: Parquet.sink(path.join(out, "ingest")) }),
      Demo.curationStage({
        input: path.join(out, "ingest"),
        out: path.join(out, "curate"),
        tasks: 2,
        config: { decontamination: { benchmarks: [Benchmark.humanEval(humanEvalFile)] } }
      })
    ])
    const result = await Effect.runPromise(runPipeline(pipeline, { workers: 0, quiet: true }))
    const curate = result.stages.find((s) => s.stage === "curate")!
    expect(curate.stats.drops).toEqual({ "minified": 1, "text-file-name": 1, "license:non_permissive": 2 })
    const kept = fs.readdirSync(path.join(out, "curate")).filter((f) => f.endsWith(".parquet"))
      .flatMap((f) => Parquet.readFileSync(path.join(out, "curate", f)))
    expect(kept.map((r) => `${r.repo_name}/${r.path}`).sort()).toEqual(["caniuse-lite/package.json", "tslib/package.json", "tslib/tslib.js"])
    const summary = Demo.summarize(curate.stats)
    expect(summary.split("\n")[0]).toBe("curation: 7 files in, 3 kept (42.9%), 4 dropped; 0.0 MB in, 0.0 MB out")
    expect(summary).toMatch(/license:non_permissive +2 +28\.6% +\(license\)/)
  })
})
