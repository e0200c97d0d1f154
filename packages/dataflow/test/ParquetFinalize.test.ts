import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Jsonl, Parquet, Pipeline, runPipeline } from "../src/index.ts"
import { tryDuck as duck } from "./support/duckdb.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq-finalize")

/** DuckDB's column names and types of a plain `read_parquet` over the directory's parts. */
const describeDir = (dir: string) =>
  Effect.map(
    duck(`DESCRIBE SELECT * FROM read_parquet('${dir}/*.parquet')`),
    (rows) => rows.map((r) => `${r.column_name}:${r.column_type}`)
  )

const part = (rank: number, seq = 0) => `part-${String(rank).padStart(5, "0")}-${String(seq).padStart(4, "0")}.parquet`

/** Write each list of records as part `rank` of `dir` (options per part optional). */
const writeParts = (dir: string, parts: ReadonlyArray<ReadonlyArray<object>>, options: ReadonlyArray<Parquet.WriteOptions> = []) =>
  parts.forEach((rows, rank) => Parquet.writeFileSync(path.join(dir, part(rank)), rows, options[rank]))

const finalize = (dir: string) => Parquet.sink(dir).finalize!(dir)

const parquetFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".parquet")).sort()

/** name → sha256 of every file of `dir` (temporary files included, so leftovers show). */
const hashes = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort().map((
      f
    ) => [f, crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex")])
  )

/** name → inode and mtime: a file replaced by a rename gets a new inode. */
const stamps = (dir: string): Record<string, string> =>
  Object.fromEntries(parquetFiles(dir).map((f) => {
    const s = fs.statSync(path.join(dir, f), { bigint: true })
    return [f, `${s.ino}:${s.mtimeNs}`]
  }))

const repro = [
  [{ content: "a", path: "x", extra: 1 }],
  [{ content: "b", path: "y" }],
  [{ content: "c", other: "z", extra: 2 }]
]

describe("Parquet sink finalize", () => {
  it.effect("parts with different columns read as one table with plain read_parquet", () =>
    Effect.gen(function*() {
      const dir = tmp("repro")
      writeParts(dir, repro)
      const before = yield* Effect.flip(duck(`SELECT * FROM read_parquet('${dir}/*.parquet')`))
      assert.match(String(before.cause), /schema mismatch in glob/)

      yield* finalize(dir)
      assert.deepStrictEqual(parquetFiles(dir), [part(0), part(1), part(2)])
      assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => !f.endsWith(".parquet")), [], "no temporary files")
      assert.deepStrictEqual(yield* describeDir(dir), ["content:VARCHAR", "path:VARCHAR", "extra:BIGINT", "other:VARCHAR"])
      const rows = yield* duck(`SELECT * FROM read_parquet('${dir}/*.parquet') ORDER BY content`)
      assert.deepStrictEqual(rows, [
        { content: "a", path: "x", extra: 1n, other: null },
        { content: "b", path: "y", extra: null, other: null },
        { content: "c", path: null, extra: 2n, other: "z" }
      ])
      // our reader agrees, and every part has the union schema
      for (const f of parquetFiles(dir)) {
        assert.deepStrictEqual(
          Parquet.metadataSync(path.join(dir, f)).columns.map((c) => `${c.name}:${c.type}`),
          ["content:string", "path:string", "extra:int64", "other:string"]
        )
      }
      assert.deepStrictEqual(Parquet.readFileSync(path.join(dir, part(2))), [{ content: "c", path: null, extra: 2, other: "z" }])
    }))

  it.effect("types widen deterministically: int64 + double, conflicts to JSON, all-null and empty-list columns give way", () =>
    Effect.gen(function*() {
      const dir = tmp("widen")
      writeParts(dir, [
        [
          { content: "a0", x: 1, s: "text", note: null, ints: [1, 2], nums: [], when: new Date(0) },
          { content: "a1", x: 2, s: null, note: null, ints: null, nums: [], when: null },
          { content: "a2", x: null, s: "more", note: null, ints: [3], nums: null, when: null },
          { content: "a3", x: 4, s: "last", note: null, ints: [4, null], nums: [], when: null },
          { content: "a4", x: 5, s: null, note: null, ints: [5], nums: [], when: null }
        ],
        [
          { content: "b0", x: 2.5, s: 5, note: 7, ints: [1.5], nums: [3, 4], when: new Date(1000) }
        ]
      ], [{ codec: "snappy", rowGroupSize: 2 }, { codec: "gzip" }])
      const first = Parquet.metadataSync(path.join(dir, part(0)))
      assert.deepStrictEqual(first.columns.map((c) => `${c.name}:${c.type}`), [
        "content:string",
        "x:int64",
        "s:string",
        "note:string",
        "ints:list<int64>",
        "nums:list<string>",
        "when:timestamp"
      ])

      yield* finalize(dir)
      const expected = ["content:string", "x:double", "s:json", "note:int64", "ints:list<double>", "nums:list<int64>", "when:timestamp"]
      for (const f of parquetFiles(dir)) {
        assert.deepStrictEqual(Parquet.metadataSync(path.join(dir, f)).columns.map((c) => `${c.name}:${c.type}`), expected)
      }
      // row groups and codec of each part are kept
      const after = Parquet.metadataSync(path.join(dir, part(0)))
      assert.deepStrictEqual(after.rowGroups.map((g) => g.rows), [2, 2, 1])
      assert.deepStrictEqual(after.codecs, ["SNAPPY"])
      assert.deepStrictEqual(Parquet.metadataSync(path.join(dir, part(1))).codecs, ["GZIP"])

      assert.deepStrictEqual(yield* describeDir(dir), [
        "content:VARCHAR",
        "x:DOUBLE",
        "s:JSON",
        "note:BIGINT",
        "ints:DOUBLE[]",
        "nums:BIGINT[]",
        "when:TIMESTAMP WITH TIME ZONE"
      ])
      const rows = yield* duck(
        `SELECT content, x, s::VARCHAR AS s, note, ints, nums, epoch_ms("when") AS t FROM read_parquet('${dir}/*.parquet') ORDER BY content`
      )
      assert.deepStrictEqual(rows.map((r) => [r.content, r.x, r.s, r.note, r.ints, r.nums, r.t]), [
        ["a0", 1, `"text"`, null, [1, 2], [], 0n],
        ["a1", 2, null, null, null, [], null],
        ["a2", null, `"more"`, null, [3], null, null],
        ["a3", 4, `"last"`, null, [4, null], [], null],
        ["a4", 5, null, null, [5], [], null],
        ["b0", 2.5, "5", 7n, [1.5], [3n, 4n], 1000n]
      ])
      // our reader: JSON parsed back, doubles as numbers
      assert.deepStrictEqual(Parquet.readFileSync(path.join(dir, part(0)), { columns: ["x", "s"] }).map((r) => [r.x, r.s]), [
        [1, "text"],
        [2, null],
        [null, "more"],
        [4, "last"],
        [5, null]
      ])
    }))

  it.effect("idempotent, untouched when already matching, and a rerun after a crash midway gives the same bytes", () =>
    Effect.gen(function*() {
      const original = tmp("original")
      writeParts(original, repro)
      const clean = tmp("clean")
      writeParts(clean, repro)
      yield* finalize(clean)
      const done = hashes(clean)
      const stamped = stamps(clean)

      // a second finalize touches nothing
      yield* finalize(clean)
      assert.deepStrictEqual(hashes(clean), done)
      assert.deepStrictEqual(stamps(clean), stamped)

      // crashes after any subset of the rewrites: the rerun ends with the bytes of the clean run
      for (const rewritten of [[0], [1], [2], [0, 1], [1, 2], [0, 2]]) {
        const crashed = tmp("crashed")
        for (const f of parquetFiles(original)) fs.copyFileSync(path.join(original, f), path.join(crashed, f))
        for (const r of rewritten) fs.copyFileSync(path.join(clean, part(r)), path.join(crashed, part(r)))
        yield* finalize(crashed)
        assert.deepStrictEqual(hashes(crashed), done, `rewritten before the crash: ${rewritten}`)
      }

      // a part that already has the union schema is not rewritten
      const partial = tmp("partial")
      writeParts(partial, [[{ content: "a", path: "x", n: 1 }], [{ content: "b", path: "y" }], [{ content: "c", n: null }]])
      const before = stamps(partial)
      yield* finalize(partial)
      const after = stamps(partial)
      assert.strictEqual(after[part(0)], before[part(0)])
      assert.notStrictEqual(after[part(1)], before[part(1)])
      assert.notStrictEqual(after[part(2)], before[part(2)])
      const rows = yield* duck(`SELECT * FROM read_parquet('${partial}/*.parquet') ORDER BY content`)
      assert.deepStrictEqual(rows, [
        { content: "a", path: "x", n: 1n },
        { content: "b", path: "y", n: null },
        { content: "c", path: null, n: null }
      ])

      // an empty or missing directory is fine
      yield* finalize(tmp("empty"))
      yield* finalize(path.join(original, "absent"))
    }))

  it.effect("a pipeline run leaves a directory that plain read_parquet reads, whatever columns each task saw", () =>
    Effect.gen(function*() {
      const root = tmp("pipeline")
      const input = path.join(root, "in")
      const out = path.join(root, "out")
      fs.mkdirSync(input)
      const jsonl = (records: ReadonlyArray<object>) => records.map((r) => JSON.stringify(r)).join("\n") + "\n"
      // task 0: `extra` appears mid-task (a new part); task 1: other columns; task 2: `extra` as double
      fs.writeFileSync(
        path.join(input, "in-0.jsonl"),
        jsonl([{ content: "a0", path: "p0" }, { content: "a1", path: "p1" }, { content: "a2", path: "p2", extra: 1 }])
      )
      fs.writeFileSync(path.join(input, "in-1.jsonl"), jsonl([{ content: "b0", lang: "js" }, { content: "b1", lang: null }]))
      fs.writeFileSync(path.join(input, "in-2.jsonl"), jsonl([{ content: "c0", extra: 2.5, tags: ["t", "u"] }]))
      const pipeline = Pipeline.make("finalize", [
        Pipeline.stage({ name: "copy", tasks: 3, source: Jsonl.source(input), sink: Parquet.sink(out, { rowGroupSize: 2 }) })
      ])
      const result = yield* runPipeline(pipeline, { quiet: true, workers: 0 })
      assert.strictEqual(result.stages[0]!.stats.docsOut, 6)
      assert.deepStrictEqual(parquetFiles(out), [part(0, 0), part(0, 1), part(1), part(2)])
      assert.deepStrictEqual(yield* describeDir(out), [
        "content:VARCHAR",
        "path:VARCHAR",
        "extra:DOUBLE",
        "lang:VARCHAR",
        "tags:VARCHAR[]"
      ])
      const rows = yield* duck(`SELECT * FROM read_parquet('${out}/*.parquet') ORDER BY content`)
      assert.deepStrictEqual(rows, [
        { content: "a0", path: "p0", extra: null, lang: null, tags: null },
        { content: "a1", path: "p1", extra: null, lang: null, tags: null },
        { content: "a2", path: "p2", extra: 1, lang: null, tags: null },
        { content: "b0", path: null, extra: null, lang: "js", tags: null },
        { content: "b1", path: null, extra: null, lang: null, tags: null },
        { content: "c0", path: null, extra: 2.5, lang: null, tags: ["t", "u"] }
      ])

      // a rerun skips every task, finalizes again and changes nothing
      const done = hashes(out)
      const stamped = stamps(out)
      const again = yield* runPipeline(pipeline, { quiet: true, workers: 0 })
      assert.deepStrictEqual(again.stages[0]!.skipped, [0, 1, 2])
      assert.deepStrictEqual(stamps(out), stamped)
      assert.deepStrictEqual(
        Object.fromEntries(Object.entries(hashes(out)).filter(([f]) => f !== "stats.json")),
        Object.fromEntries(Object.entries(done).filter(([f]) => f !== "stats.json"))
      )

      // a part finalize cannot read fails the stage, naming its task; nothing else is touched
      fs.truncateSync(path.join(out, part(1)), 20)
      const error = yield* Effect.flip(runPipeline(pipeline, { quiet: true, workers: 0 }))
      assert.strictEqual(error._tag, "StageFailed")
      if (error._tag === "StageFailed") {
        assert.strictEqual(error.failures[0]!.task, 1)
        assert.match(error.failures[0]!.message, /^finalize: cannot write .*part-00001-0000\.parquet/)
      }
      assert.deepStrictEqual(stamps(out)[part(2)], stamped[part(2)])
    }))
})
