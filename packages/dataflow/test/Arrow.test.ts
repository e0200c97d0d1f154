import { assert, describe, it } from "@effect/vitest"
import {
  Dictionary,
  Int32,
  makeVector,
  RecordBatchReader,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray
} from "apache-arrow"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { Arrow, InputReadError, Shard, Stats } from "../src/index.ts"
import type { Doc } from "../src/index.ts"
import { short } from "./support/short.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("arrow")

const bigString = "λ🙂x".repeat(1_000_000)

const sample: Array<Doc> = [
  {
    content: "hello",
    repo_name: "a/b",
    star_events_count: 3,
    detected_licenses: ["MIT"],
    score: 0.5,
    ok: true,
    when: new Date("2024-01-02T03:04:05.678Z"),
    meta: { x: [1, 2] }
  },
  {
    content: "ünïcödé 日本語 🙂",
    repo_name: null,
    star_events_count: 9007199254740993n,
    detected_licenses: [],
    score: 2,
    ok: false,
    when: null,
    meta: null
  },
  { content: bigString, repo_name: "c", star_events_count: null, detected_licenses: null, score: null, ok: null, when: null, meta: "s" },
  { content: "", extra_only_here: "x" }
]

/** What reading back gives: every column on every row (absent -> null), safe bigints as numbers. */
const columns = ["content", "repo_name", "star_events_count", "detected_licenses", "score", "ok", "when", "meta", "extra_only_here"]
const expected = sample.map((d) => {
  const out: Record<string, unknown> = {}
  for (const c of columns) out[c] = d[c] === undefined ? null : d[c]
  return out
})

const readAll = (input: string | Array<string>, shard: Shard.Shard = Shard.whole) =>
  Stream.runCollect(Arrow.source(input).read(shard))

describe("Arrow", () => {
  it("schema inference: kinds and their merges", () => {
    const cols = Arrow.inferColumns(sample as Array<Record<string, unknown>>)
    assert.deepStrictEqual(cols.map((c) => [c.name, c.kind]), [
      ["content", "utf8"],
      ["repo_name", "utf8"],
      ["star_events_count", "int64"],
      ["detected_licenses", "list<utf8>"],
      ["score", "float64"],
      ["ok", "bool"],
      ["when", "timestamp"],
      ["meta", "json"],
      ["extra_only_here", "utf8"]
    ])
    const schema = Arrow.inferSchema(sample as Array<Record<string, unknown>>)
    assert.deepStrictEqual(schema.fields.map((f) => String(f.type)), [
      "Utf8",
      "Utf8",
      "Int64",
      "List<Utf8>",
      "Float64",
      "Bool",
      "Timestamp<MILLISECOND, UTC>",
      "Utf8",
      "Utf8"
    ])
  })

  it("docsToRecordBatch and recordBatchToDocs are inverses", () => {
    const batch = Arrow.docsToRecordBatch(sample as Array<Record<string, unknown>>)
    assert.strictEqual(batch.numRows, sample.length)
    assert.deepStrictEqual(short(Arrow.recordBatchToDocs(batch)), short(expected))
  })

  it.effect("round trip through files; apache-arrow's tableFromIPC reads the output independently", () =>
    Effect.gen(function*() {
      const dir = tmp("rt")
      const paths = yield* Arrow.sink(dir).write(Stream.fromIterable(sample), { rank: 2, world: 3 })
      assert.deepStrictEqual(paths, [path.join(dir, "part-00002-0000.arrow")])
      assert.deepStrictEqual(fs.readdirSync(dir), ["part-00002-0000.arrow"])
      assert.deepStrictEqual(short(yield* readAll(dir)), short(expected))

      const table = tableFromIPC(fs.readFileSync(paths[0]!))
      assert.strictEqual(table.numRows, sample.length)
      assert.deepStrictEqual(short(table.getChild("content")!.toArray()), short(sample.map((d) => d.content)))
      assert.deepStrictEqual([...table.getChild("repo_name")!], ["a/b", null, "c", null])
      assert.deepStrictEqual([...table.getChild("star_events_count")!], [3n, 9007199254740993n, null, null])
      assert.deepStrictEqual([...table.getChild("detected_licenses")!].map((v) => (v === null ? null : [...v])), [["MIT"], [], null, null])
      assert.deepStrictEqual([...table.getChild("score")!], [0.5, 2, null, null])
      assert.deepStrictEqual([...table.getChild("ok")!], [true, false, null, null])
      assert.deepStrictEqual([...table.getChild("when")!], [Date.parse("2024-01-02T03:04:05.678Z"), null, null, null])
      assert.deepStrictEqual([...table.getChild("meta")!], [`{"x":[1,2]}`, null, `"s"`, null])
    }))

  it.effect("deterministic bytes whatever the chunking; schema changes and maxFileBytes start new files", () =>
    Effect.gen(function*() {
      const docs = Array.from({ length: 50 }, (_, i) => ({ content: `doc ${i}`, n: i < 30 ? i : `s${i}` }))
      const a = tmp("det-a")
      const b = tmp("det-b")
      const pa = yield* Arrow.sink(a, { batchRows: 10 }).write(Stream.fromIterable(docs), Shard.whole)
      const pb = yield* Arrow.sink(b, { batchRows: 10 }).write(Stream.fromIterable(docs).pipe(Stream.rechunk(3)), Shard.whole)
      // rows 0-29 have an int64 `n`, rows 30-49 a string one: two files
      assert.strictEqual(pa.length, 2)
      assert.deepStrictEqual(pa.map((p) => path.basename(p)), pb.map((p) => path.basename(p)))
      for (let i = 0; i < pa.length; i++) assert.isTrue(fs.readFileSync(pa[i]!).equals(fs.readFileSync(pb[i]!)))
      assert.deepStrictEqual(yield* readAll(a), docs)
      const c = tmp("max")
      const pc = yield* Arrow.sink(c, { batchRows: 5, maxFileBytes: 1 }).write(Stream.fromIterable(docs.slice(0, 20)), Shard.whole)
      assert.strictEqual(pc.length, 4)
      assert.deepStrictEqual(yield* readAll(c), docs.slice(0, 20))
    }))

  it.effect("reads stream format, dictionary-encoded and other foreign column types", () =>
    Effect.gen(function*() {
      const dir = tmp("foreign")
      const dict = makeVector({
        type: new Dictionary(new Utf8(), new Int32()),
        data: Int32Array.from([0, 1, 0]),
        dictionary: vectorFromArray(["JavaScript", "Python"], new Utf8())
      } as never)
      const table = new Table({
        content: vectorFromArray(["a", "b", "c"], new Utf8()),
        language: dict,
        stars: vectorFromArray([1, null, 3], new Int32()),
        nums: tableFromArrays({ x: Float32Array.from([1.5, 2, 3]) }).getChild("x")!
      })
      fs.writeFileSync(path.join(dir, "a.arrows"), tableToIPC(table, "stream"))
      fs.writeFileSync(path.join(dir, "b.feather"), tableToIPC(table, "file"))
      const rows = yield* readAll(dir)
      const want = [
        { content: "a", language: "JavaScript", stars: 1, nums: 1.5 },
        { content: "b", language: "Python", stars: null, nums: 2 },
        { content: "c", language: "JavaScript", stars: 3, nums: 3 }
      ]
      assert.deepStrictEqual(rows, [...want, ...want])
      // a valid file with a schema and no rows reads as no documents
      const none = path.join(dir, "none.arrow")
      fs.writeFileSync(none, tableToIPC(table.slice(0, 0), "file"))
      assert.deepStrictEqual(yield* readAll(none), [])
    }))

  it.effect("rows without content go to rejects; sharding covers every record exactly once", () =>
    Effect.gen(function*() {
      const dir = tmp("shard")
      const all: Array<string> = []
      for (let f = 0; f < 5; f++) {
        const docs = Array.from({ length: 5 + f }, (_, i) => ({ content: `f${f}-${i}` }))
        all.push(...docs.map((d) => d.content))
        yield* Arrow.sink(path.join(dir, `d${f}`)).write(Stream.fromIterable(docs), Shard.whole)
      }
      for (const world of [1, 2, 3, 5, 8]) {
        const seen: Array<string> = []
        for (let rank = 0; rank < world; rank++) {
          for (const d of yield* readAll(dir, { rank, world })) seen.push(d.content)
        }
        assert.deepStrictEqual(seen.sort(), [...all].sort(), `world ${world}`)
      }
      const bad = tmp("reject")
      yield* Arrow.sink(bad).write(Stream.fromIterable([{ content: "ok" }, { content: null, path: "x" }] as Array<any>), Shard.whole)
      const stats = new Stats.TaskStats({ keepRejects: true })
      const docs = yield* readAll(bad).pipe(Effect.provideService(Stats.Telemetry, stats))
      assert.deepStrictEqual(docs, [{ content: "ok", path: null }])
      const rejects = stats.takeRejects()
      assert.strictEqual(rejects.length, 1)
      assert.strictEqual(rejects[0]!.reason, "missing-content")
      assert.deepStrictEqual(rejects[0]!.record, { content: null, path: "x" })
    }))

  it.effect("corrupt and truncated files fail with InputReadError naming the file", () =>
    Effect.gen(function*() {
      const dir = tmp("corrupt")
      const docs = Array.from({ length: 2000 }, (_, i) => ({ content: `doc ${i} ${"x".repeat(i % 50)}` }))
      const [good] = yield* Arrow.sink(dir, { batchRows: 100 }).write(Stream.fromIterable(docs), Shard.whole)
      const bytes = fs.readFileSync(good!)
      const truncated = path.join(dir, "truncated.arrow")
      fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)))
      const garbage = path.join(dir, "garbage.arrow")
      fs.writeFileSync(garbage, Buffer.from("ARROW1\0\0this is not an arrow file at all, just text".repeat(5)))
      const stream = path.join(dir, "truncated.arrows")
      const ipc = tableToIPC(Arrow.docsToRecordBatch(docs).schema && new Table([Arrow.docsToRecordBatch(docs)]), "stream")
      fs.writeFileSync(stream, ipc.subarray(0, Math.floor(ipc.length / 2)))
      const empty = path.join(dir, "empty.arrow")
      fs.writeFileSync(empty, "")
      const text = path.join(dir, "text.arrows")
      fs.writeFileSync(text, "hello world, this is text\n".repeat(100))
      for (const file of [truncated, garbage, stream, empty, text]) {
        const error = yield* Effect.flip(readAll(file))
        assert.instanceOf(error, InputReadError, file)
        assert.strictEqual((error as InputReadError).file, file)
        assert.include(error.message, file)
      }
    }))

  it.effect("reads batch by batch through RecordBatchReader", () =>
    Effect.gen(function*() {
      const dir = tmp("batches")
      const docs = Array.from({ length: 25 }, (_, i) => ({ content: `${i}` }))
      const [file] = yield* Arrow.sink(dir, { batchRows: 10 }).write(Stream.fromIterable(docs), Shard.whole)
      const reader = RecordBatchReader.from(fs.readFileSync(file!))
      assert.deepStrictEqual([...reader].map((b) => b.numRows), [10, 10, 5])
      const sizes: Array<number> = []
      yield* Stream.runForEachArray(Arrow.source(file!).read(Shard.whole), (chunk) => Effect.sync(() => sizes.push(chunk.length)))
      assert.deepStrictEqual(sizes, [10, 10, 5])
    }))
})
