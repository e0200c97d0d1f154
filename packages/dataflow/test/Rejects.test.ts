/**
 * A stage's rejects parts: zstd-compressed JSON Lines (frames of about 1 MiB of text), read back in
 * order by `Rejects.readSync`, by the JSONL source and by DuckDB; the plain parts of earlier
 * versions are still the stage's own; a damaged part is named.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { InputReadError, Jsonl, Operator, Pipeline, Rejects, runPipeline } from "../src/index.ts"
import { duck } from "./support/duckdb.ts"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dataflow-rejects-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

// 3,000 documents of about 1.5 KB; every odd one is dropped: about 2.3 MB of rejected text, so
// the one task's part holds several frames.
const docs = Array.from({ length: 3000 }, (_, i) => ({ content: `document ${i}: ${"lorem ipsum dolor sit amet ".repeat(55)}`, id: i }))
const input = path.join(root, "in.jsonl")
fs.writeFileSync(input, docs.map((d) => JSON.stringify(d)).join("\n") + "\n")

const stage = (out: string) =>
  Pipeline.make("rejects", [
    Pipeline.stage({
      name: "odd",
      source: Jsonl.source(input),
      steps: Operator.filter("drop-odd", (d) => (Number(d.id) % 2 === 0 ? true : `odd:${Number(d.id) % 3}`)),
      sink: Jsonl.sink(out)
    })
  ])

describe("rejects parts", () => {
  it.effect("are zstd frames read back in order by Rejects.readSync and by the JSONL source", () =>
    Effect.gen(function*() {
      const out = path.join(root, "out")
      yield* runPipeline(stage(out), { quiet: true })
      const dir = path.join(out, "rejects")
      assert.deepStrictEqual(fs.readdirSync(dir), ["part-00000-0000.jsonl.zst"])
      const bytes = fs.readFileSync(path.join(dir, "part-00000-0000.jsonl.zst"))
      assert.strictEqual(bytes.readUInt32LE(0), 0xfd2fb528) // zstd magic
      let frames = 0
      for (let at = bytes.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])); at >= 0; at = bytes.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), at + 4)) frames++
      assert.isAtLeast(frames, 2)
      const odd = docs.filter((d) => d.id % 2 === 1)
      const text = odd.reduce((n, d) => n + JSON.stringify(d).length + 60, 0)
      assert.isBelow(bytes.length, text / 10)

      const rejected = Rejects.readSync(dir)
      assert.deepStrictEqual(rejected.map((r) => r.id), odd.map((d) => d.id))
      // DuckDB reads every frame too
      const counted = yield* duck(`SELECT count(*) AS n, count(DISTINCT _reject_reason) AS reasons FROM read_json('${dir}/*.jsonl.zst')`)
      assert.deepStrictEqual(counted, [{ n: 1500n, reasons: 3n }])
      assert.deepStrictEqual(rejected[0], { content: odd[0]!.content, id: 1, _reject_reason: "odd:1", _reject_operator: "drop-odd" })

      const copied = path.join(root, "copied")
      yield* runPipeline(Pipeline.make("copy", [Pipeline.stage({ name: "copy", source: Jsonl.source(dir), sink: Jsonl.sink(copied) })]), { quiet: true })
      const read = fs.readFileSync(path.join(copied, "part-00000-0000.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
      assert.deepStrictEqual(read.map((r) => r.id), odd.map((d) => d.id))
      assert.deepStrictEqual(Rejects.readSync(path.join(root, "nowhere")), [])
    }))

  it.effect("a plain part of an earlier version is the stage's own (force replaces it); a damaged part is named", () =>
    Effect.gen(function*() {
      const out = path.join(root, "legacy")
      fs.mkdirSync(path.join(out, "rejects"), { recursive: true })
      fs.writeFileSync(path.join(out, "rejects", "part-00000-0000.jsonl"), "{\"id\":1,\"_reject_reason\":\"old\",\"_reject_operator\":\"x\"}\n")
      assert.deepStrictEqual(Rejects.readSync(path.join(out, "rejects")).map((r) => r._reject_reason), ["old"])
      yield* runPipeline(stage(out), { quiet: true, force: true })
      assert.deepStrictEqual(fs.readdirSync(path.join(out, "rejects")), ["part-00000-0000.jsonl.zst"])

      const part = path.join(out, "rejects", "part-00000-0000.jsonl.zst")
      fs.writeFileSync(part, fs.readFileSync(part).subarray(0, 100))
      assert.throws(() => Rejects.readSync(path.join(out, "rejects")), InputReadError)
      assert.throws(() => Rejects.readSync(path.join(out, "rejects")), part)
    }))
})
