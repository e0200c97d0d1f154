import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { OutputWriteError, Parquet } from "../src/index.ts"
import type { Doc } from "../src/index.ts"
import { duck } from "./support/duckdb.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq")

const whole = { rank: 0, world: 1 }

const writeDocs = (dir: string, docs: ReadonlyArray<object>, options: Parquet.SinkOptions = {}, rank = 0) =>
  Parquet.sink<object>(dir, options).write(Stream.fromIterable(docs), { rank, world: rank + 1 })

const readAll = (input: string, options: Parquet.SourceOptions = {}) =>
  Stream.runCollect(Parquet.source<Record<string, unknown>>(input, options).read(whole))

/** Deterministic pseudo-random numbers. */
const rng = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  return seed / 2 ** 32
}

const samples = ["hello", "héllo wörld", "日本語のテキスト", "emoji 😀🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "中文 한국어 עברית", "", "tab\tnew\nline"]

/** Docs with every kind of value the sink infers, nulls everywhere but in `id` and `content`. */
const mixedDocs = (n: number) => {
  const next = rng(7)
  return Array.from({ length: n }, (_, i) => {
    const r = next()
    return {
      id: i,
      content: `${samples[i % samples.length]} #${i} ${"x".repeat(Math.floor(r * 200))}`,
      repo_name: i % 5 === 0 ? null : `owner${i % 3}/repo${i % 4}`,
      path: `src/${samples[i % samples.length]}/${i}.ts`,
      language: ["TypeScript", "JavaScript", "Python"][i % 3],
      detected_licenses: i % 7 === 0
        ? null
        : i % 7 === 1
        ? []
        : i % 7 === 2
        ? ["MIT", null, "BSD-3-Clause"]
        : ["MIT", ...(i % 2 ? ["Apache-2.0"] : [])],
      star_events_count: i % 4 === 0 ? null : i * 1000,
      big: i % 3 === 0 ? null : 9007199254740993n + BigInt(i),
      score: i % 6 === 0 ? null : i === 13 ? NaN : i === 17 ? -Infinity : r * 100 - 50,
      is_vendor: i % 8 === 0 ? null : r > 0.5,
      visit_date: i % 9 === 0 ? null : new Date(Date.UTC(2020, 0, 1) + i * 3_600_123),
      meta: i % 10 === 0 ? null : { n: i, tags: ["a", "b"], nested: { ok: true } },
      "odd name.ü 😀": i % 2 ? `w${i}` : null
    }
  })
}

/** What DuckDB returns for the mixed docs (BIGINT as bigint, JSON as text). */
const duckExpected = (d: ReturnType<typeof mixedDocs>[number]) => ({
  id: BigInt(d.id),
  content: d.content,
  repo_name: d.repo_name,
  path: d.path,
  language: d.language,
  detected_licenses: d.detected_licenses,
  star_events_count: d.star_events_count === null ? null : BigInt(d.star_events_count),
  big: d.big,
  score: d.score,
  is_vendor: d.is_vendor,
  visit_date: d.visit_date,
  meta: d.meta === null ? null : JSON.stringify(d.meta),
  "odd name.ü 😀": d["odd name.ü 😀"]
})

describe("Parquet sink", () => {
  it.effect("DuckDB reads every value we write: types, nulls, unicode, many row groups and parts", () =>
    Effect.gen(function*() {
      const dir = tmp("mixed")
      const docs = mixedDocs(2000)
      const paths = yield* writeDocs(dir, docs, { rowGroupSize: 97, maxFileBytes: 10_000 })
      assert.isAbove(paths.length, 3)
      assert.deepStrictEqual(paths.map((p) => path.basename(p)), paths.map((_, i) => `part-00000-${String(i).padStart(4, "0")}.parquet`))
      const groups = paths.reduce((n, p) => n + Parquet.metadataSync(p).rowGroups.length, 0)
      assert.strictEqual(groups, Math.ceil(2000 / 97))
      const rows = yield* duck(`SELECT * FROM read_parquet('${dir}/*.parquet') ORDER BY id`)
      assert.strictEqual(rows.length, docs.length)
      for (let i = 0; i < docs.length; i++) assert.deepStrictEqual(rows[i], duckExpected(docs[i]!), `row ${i}`)
      const types = yield* duck(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${dir}/*.parquet'))`)
      assert.deepStrictEqual(Object.fromEntries(types.map((t) => [t.column_name, t.column_type])), {
        id: "BIGINT",
        content: "VARCHAR",
        repo_name: "VARCHAR",
        path: "VARCHAR",
        language: "VARCHAR",
        detected_licenses: "VARCHAR[]",
        star_events_count: "BIGINT",
        big: "BIGINT",
        score: "DOUBLE",
        is_vendor: "BOOLEAN",
        visit_date: "TIMESTAMP WITH TIME ZONE",
        meta: "JSON",
        "odd name.ü 😀": "VARCHAR"
      })
    }))

  it.effect("our source reads back exactly what the sink wrote", () =>
    Effect.gen(function*() {
      const dir = tmp("roundtrip")
      const docs = mixedDocs(700)
      yield* writeDocs(dir, docs, { rowGroupSize: 128 })
      const rows = yield* readAll(dir)
      assert.strictEqual(rows.length, docs.length)
      for (let i = 0; i < docs.length; i++) assert.deepStrictEqual(rows[i], docs[i], `row ${i}`)
      // INT64 beyond 2^53 stays exact as bigint, safe ones are numbers
      assert.strictEqual(typeof rows[1]!.big, "bigint")
      assert.strictEqual(typeof rows[1]!.star_events_count, "number")
      assert.instanceOf(rows[1]!.visit_date, Date)
    }))

  it.effect("multi-megabyte strings, binary and numeric lists round-trip through DuckDB and our reader", () =>
    Effect.gen(function*() {
      const dir = tmp("big")
      const unit = "const π = '😀'; // 中文\n"
      const docs = [5_000_000, 12, 3_000_000, 0].map((n, i) => ({
        id: i,
        content: unit.repeat(Math.ceil(n / unit.length)),
        blob: new Uint8Array([i, 0, 255, 128]),
        tokens: Int32Array.from({ length: 5 + i }, (_, k) => k * 1000 - 7),
        weights: [0.5, i, -1.25]
      }))
      yield* writeDocs(dir, docs)
      const rows = yield* duck(`SELECT id, content, blob, tokens, weights, length(content) AS n FROM read_parquet('${dir}/*.parquet') ORDER BY id`)
      for (let i = 0; i < docs.length; i++) {
        assert.strictEqual(rows[i]!.content, docs[i]!.content)
        assert.deepStrictEqual(new Uint8Array(rows[i]!.blob as Uint8Array), docs[i]!.blob)
        assert.deepStrictEqual(rows[i]!.tokens, Array.from(docs[i]!.tokens))
        assert.deepStrictEqual(rows[i]!.weights, docs[i]!.weights)
      }
      const ours = yield* readAll(dir)
      for (let i = 0; i < docs.length; i++) {
        assert.strictEqual(ours[i]!.content, docs[i]!.content)
        assert.deepStrictEqual(ours[i]!.blob, docs[i]!.blob)
        assert.deepStrictEqual(ours[i]!.tokens, Array.from(docs[i]!.tokens))
      }
    }))

  it.effect("row groups are also cut by content bytes", () =>
    Effect.gen(function*() {
      const dir = tmp("bytes")
      const docs = Array.from({ length: 10 }, (_, i) => ({ content: String(i).repeat(100_000) }))
      const [file] = yield* writeDocs(dir, docs, { rowGroupBytes: 250_000 })
      assert.deepStrictEqual(Parquet.metadataSync(file!).rowGroups.map((g) => g.rows), [3, 3, 3, 1])
    }))

  it.effect("identical input gives byte-identical parts", () =>
    Effect.gen(function*() {
      const docs = mixedDocs(1500)
      const a = yield* writeDocs(tmp("det-a"), docs, { rowGroupSize: 200, maxFileBytes: 50_000 })
      const b = yield* writeDocs(tmp("det-b"), docs, { rowGroupSize: 200, maxFileBytes: 50_000 })
      assert.strictEqual(a.length, b.length)
      for (let i = 0; i < a.length; i++) assert.isTrue(fs.readFileSync(a[i]!).equals(fs.readFileSync(b[i]!)))
    }))

  it.effect("every codec is readable by DuckDB and by us", () =>
    Effect.gen(function*() {
      const docs = mixedDocs(300)
      for (const codec of ["zstd", "snappy", "gzip", "uncompressed"] as const) {
        const dir = tmp(`codec-${codec}`)
        const [file] = yield* writeDocs(dir, docs, { codec, rowGroupSize: 100 })
        assert.deepStrictEqual(Parquet.metadataSync(file!).codecs, [codec.toUpperCase()])
        const rows = yield* duck(`SELECT * FROM read_parquet('${dir}/*.parquet') ORDER BY id`)
        for (let i = 0; i < docs.length; i++) assert.deepStrictEqual(rows[i], duckExpected(docs[i]!), `${codec} row ${i}`)
        assert.deepStrictEqual(yield* readAll(dir), docs)
      }
    }))

  it.effect("a new column or a wider type starts a new part that keeps the earlier columns", () =>
    Effect.gen(function*() {
      const dir = tmp("evolve")
      const docs: Array<Record<string, unknown>> = [
        ...Array.from({ length: 10 }, (_, i) => ({ content: `a${i}`, n: i, note: null })),
        ...Array.from({ length: 10 }, (_, i) => ({ content: `b${i}`, n: i + 0.5, extra: "x" })),
        ...Array.from({ length: 10 }, (_, i) => ({ content: `c${i}`, n: i, note: i }))
      ]
      const paths = yield* writeDocs(dir, docs, { rowGroupSize: 10 })
      assert.deepStrictEqual(
        paths.map((p) => Parquet.metadataSync(p).columns.map((c) => `${c.name}:${c.type}`)),
        [
          ["content:string", "n:int64", "note:string"],
          ["content:string", "n:double", "note:string", "extra:string"],
          ["content:string", "n:double", "note:int64", "extra:string"]
        ]
      )
      const rows = yield* duck(`SELECT content, n, extra, note FROM read_parquet('${dir}/*.parquet', union_by_name = true) ORDER BY content`)
      assert.deepStrictEqual(rows.map((r) => [r.content, r.n, r.extra, r.note]), [
        ...Array.from({ length: 10 }, (_, i) => [`a${i}`, i, null, null]),
        ...Array.from({ length: 10 }, (_, i) => [`b${i}`, i + 0.5, "x", null]),
        // DuckDB unifies the all-null string `note` of the first parts with the int64 one as VARCHAR
        ...Array.from({ length: 10 }, (_, i) => [`c${i}`, i, null, String(i)])
      ])
    }))

  it.effect("declared types fix columns; a value that does not fit fails and leaves nothing behind", () =>
    Effect.gen(function*() {
      const dir = tmp("types")
      const [file] = yield* writeDocs(dir, [{ content: "a", n: 1, t: null }, { content: "b", n: 2, t: null }], {
        types: { n: "double", t: "timestamp" }
      })
      assert.deepStrictEqual(Parquet.metadataSync(file!).columns.map((c) => c.type), ["string", "double", "timestamp"])
      const bad = tmp("types-bad")
      const docs = Array.from({ length: 30 }, (_, i) => ({ content: String(i), n: i === 25 ? "oops" : i }))
      const error = yield* Effect.flip(writeDocs(bad, docs, { rowGroupSize: 10, types: { n: "int64" } }))
      assert.instanceOf(error, OutputWriteError)
      assert.deepStrictEqual(fs.readdirSync(bad), [])
    }))

  it.effect("a failing stream leaves no part and no temporary file; an empty stream writes nothing", () =>
    Effect.gen(function*() {
      const dir = tmp("fail")
      const docs = Stream.fromIterable(mixedDocs(100)).pipe(
        Stream.concat(Stream.fail("boom" as const))
      )
      const error = yield* Effect.flip(Parquet.sink<object>(dir, { rowGroupSize: 10, maxFileBytes: 1 }).write(docs, whole))
      assert.strictEqual(error, "boom")
      assert.deepStrictEqual(fs.readdirSync(dir), [])
      const empty = tmp("empty")
      assert.deepStrictEqual(yield* Parquet.sink<Doc>(empty).write(Stream.empty, whole), [])
      assert.deepStrictEqual(fs.readdirSync(empty), [])
    }))

  it.effect("part names follow the task rank and are recognised by the sink", () =>
    Effect.gen(function*() {
      const dir = tmp("rank")
      const [file] = yield* writeDocs(dir, [{ content: "x" }], {}, 3)
      assert.strictEqual(path.basename(file!), "part-00003-0000.parquet")
      const sink = Parquet.sink(dir)
      assert.isTrue(sink.ownsTaskFile("part-00003-0000.parquet", 3))
      assert.isFalse(sink.ownsTaskFile("part-00003-0000.parquet", 2))
      assert.isFalse(sink.ownsFile("data.parquet"))
    }))

  it.effect("writeFile / readFile / metadata work without a pipeline", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("helpers"), "one.parquet")
      const docs = mixedDocs(250)
      assert.strictEqual(yield* Parquet.writeFile(file, docs, { rowGroupSize: 100, codec: "snappy" }), file)
      const info = yield* Parquet.metadata(file)
      assert.strictEqual(info.rows, 250)
      assert.deepStrictEqual(info.rowGroups.map((g) => g.rows), [100, 100, 50])
      assert.strictEqual(info.createdBy, "@pretrain/dataflow")
      assert.deepStrictEqual(info.columns.find((c) => c.name === "detected_licenses")?.type, "list<string>")
      assert.deepStrictEqual(yield* Parquet.readFile(file), docs)
      const some = yield* Parquet.readFile(file, { columns: ["path", "id"], rowGroups: [2] })
      assert.deepStrictEqual(some, docs.slice(200).map((d) => ({ path: d.path, id: d.id })))
      const missing = yield* Effect.flip(Parquet.readFile(path.join(path.dirname(file), "nope.parquet")))
      assert.strictEqual(missing._tag, "InputNotFound")
    }))
})
