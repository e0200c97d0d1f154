/**
 * Bad input through a whole pipeline run: a corrupt Parquet input fails its task with the file and
 * row group named and leaves no partial output; a malformed JSONL line goes to the stage's rejects
 * with file and line while the rest continues; a missing input path is named.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Jsonl, Parquet, Pipeline, Rejects, runPipeline } from "../src/index.ts"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dataflow-bad-input-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit))
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  assert.isDefined(error)
  return (error as unknown as { error: E }).error
}

describe("bad input in a pipeline", () => {
  it.effect("a corrupt Parquet file fails its task naming file and row group; no partial output", () =>
    Effect.gen(function*() {
      const input = path.join(root, "corrupt-in")
      fs.mkdirSync(input)
      const rows = Array.from({ length: 3000 }, (_, i) => ({ content: `row ${i} `.repeat(20 + (i % 7)), id: i }))
      const good = Parquet.writeFileSync(path.join(input, "a.parquet"), rows, { rowGroupSize: 500 })
      const bad = path.join(input, "b.parquet")
      fs.copyFileSync(good, bad)
      const info = Parquet.metadataSync(bad)
      // flip bytes in the middle of row group 3's data
      const chunk = info.raw.row_groups[3]!.columns[0]!.meta_data!
      const at = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset) + 40
      const bytes = fs.readFileSync(bad)
      for (let i = 0; i < 64; i++) bytes[at + i] = bytes[at + i]! ^ 0x5a
      fs.writeFileSync(bad, bytes)

      const out = path.join(root, "corrupt-out")
      const pipeline = Pipeline.make("corrupt", [
        Pipeline.stage({ name: "copy", tasks: 2, source: Parquet.source(input), sink: Parquet.sink(out) })
      ])
      const error = failure(yield* Effect.exit(runPipeline(pipeline, { quiet: true })))
      assert.strictEqual((error as { _tag: string })._tag, "StageFailed")
      const message = (error as Error).message
      assert.include(message, "task 1")
      assert.include(message, "b.parquet")
      assert.include(message, "row group 3")
      const left = fs.readdirSync(out).filter((f) => f.endsWith(".parquet"))
      assert.deepStrictEqual(left, ["part-00000-0000.parquet"]) // task 0 (a.parquet) completed; task 1 left nothing
    }))

  it.effect("a malformed JSONL line goes to rejects with file and line, the rest continues", () =>
    Effect.gen(function*() {
      const input = path.join(root, "jsonl-in.jsonl")
      fs.writeFileSync(input, ['{"content":"one"}', '{"content": broken', '{"content":"three"}', '{"path":"no-content"}'].join("\n"))
      const out = path.join(root, "jsonl-out")
      const result = yield* runPipeline(
        Pipeline.make("jsonl", [Pipeline.stage({ name: "read", source: Jsonl.source(input), sink: Jsonl.sink(out) })]),
        { quiet: true }
      )
      assert.strictEqual(result.stages[0]!.stats.docsOut, 2)
      const kept = fs.readFileSync(path.join(out, "part-00000-0000.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).content)
      assert.deepStrictEqual(kept, ["one", "three"])
      const rejects = Rejects.readSync(path.join(out, "rejects"))
      assert.deepStrictEqual(rejects.map((r) => [r._reject_reason, r._reject_line, r._reject_file]), [
        ["malformed-json", 2, input],
        ["missing-content", 4, input]
      ])
      assert.strictEqual(rejects[0].content, '{"content": broken')
    }))

  it.effect("a missing input path is named", () =>
    Effect.gen(function*() {
      const missing = path.join(root, "does-not-exist")
      const error = failure(yield* Effect.exit(runPipeline(
        Pipeline.make("missing", [Pipeline.stage({ name: "read", source: Parquet.source(missing), sink: Parquet.sink(path.join(root, "m-out")) })]),
        { quiet: true }
      )))
      assert.strictEqual((error as { _tag: string })._tag, "InputNotFound")
      assert.include((error as Error).message, missing)
    }))
})
