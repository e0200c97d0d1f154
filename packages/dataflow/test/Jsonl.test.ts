import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { InputReadError, Jsonl, Shard, Stats } from "../src/index.ts"
import type { Doc } from "../src/index.ts"
import { withDuckDB } from "./support/duckdb.ts"
import { short } from "./support/short.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("jsonl")

const bigString = "λ🙂x".repeat(1_000_000) // 4 M UTF-16 units, 7 MB of UTF-8

const sample: Array<Doc> = [
  { content: "hello\nworld", repo_name: "a/b", path: "src/x.js", star_events_count: 3, detected_licenses: ["MIT"] },
  { content: "ünïcödé 日本語 🙂 \u2028 \"quoted\" \\ back", language: null, license_type: "permissive" },
  { content: "", extra: { nested: [1, 2, { x: "y" }] }, flag: true, score: 0.25 },
  { content: bigString, length_bytes: Buffer.byteLength(bigString) },
  { content: "big int", fork_events_count: 12345678901234567890n, small: 42n },
  { content: "date", when: new Date("2024-01-02T03:04:05.678Z") }
]

/** What reading back the encoded sample gives: Dates as ISO strings, safe bigints as numbers. */
const expected = sample.map((d) => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(d)) {
    out[k] = v instanceof Date ? v.toISOString() : typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v
  }
  return out
})

const readAll = (input: string | Array<string>, shard: Shard.Shard = Shard.whole, options: Jsonl.SourceOptions = {}) =>
  Stream.runCollect(Jsonl.source(input, options).read(shard))

describe("Jsonl", () => {
  it("encodeLine: bigint as exact numbers, Dates as ISO strings, bytes as base64", () => {
    assert.strictEqual(
      Jsonl.encodeLine({ content: "x", n: 12345678901234567890n, s: 7n, d: new Date(0), b: new Uint8Array([1, 2, 3]) }),
      `{"content":"x","n":12345678901234567890,"s":7,"d":"1970-01-01T00:00:00.000Z","b":"AQID"}\n`
    )
    assert.strictEqual(Jsonl.encodeLine({ content: "x", nested: { n: -5n } }), `{"content":"x","nested":{"n":-5}}\n`)
    assert.strictEqual(Jsonl.encodeLine({ content: "x", nan: NaN, u: undefined }), `{"content":"x","nan":null}\n`)
  })

  it("parseLine: reasons for bad lines, bigint for unsafe integers", () => {
    assert.strictEqual(Jsonl.parseLine("{nope"), "malformed-json")
    assert.strictEqual(Jsonl.parseLine("[1,2]"), "not-an-object")
    assert.strictEqual(Jsonl.parseLine(`{"text":"x"}`), "missing-content")
    assert.strictEqual(Jsonl.parseLine(`{"content":5}`), "missing-content")
    assert.strictEqual(Jsonl.parseLine("   "), undefined)
    assert.deepStrictEqual(Jsonl.parseLine(`{"content":"a","n":12345678901234567890,"f":1e300}`), {
      content: "a",
      n: 12345678901234567890n,
      f: 1e300
    })
  })

  it("LineSplitter: lines split across chunks, CRLF, UTF-8 split mid-character, last line without newline", () => {
    const text = "first\r\nsécond 🙂\n\nthird"
    const bytes = Buffer.from(text, "utf8")
    for (let step = 1; step <= bytes.length; step++) {
      const splitter = new Jsonl.LineSplitter(1 << 20)
      const out: Array<unknown> = []
      for (let i = 0; i < bytes.length; i += step) splitter.push(bytes.subarray(i, i + step), out as never)
      splitter.end(out as never)
      assert.deepStrictEqual(out, ["first", "sécond 🙂", "", "third"], `step ${step}`)
    }
  })

  for (const compression of ["none", "gzip", "zstd"] as const) {
    it.effect(`round trip (${compression}): nulls, unicode, multi-megabyte strings, bigint, dates`, () =>
      Effect.gen(function*() {
        const dir = tmp(compression)
        const paths = yield* Jsonl.sink(dir, { compression }).write(Stream.fromIterable(sample), { rank: 3, world: 4 })
        const ext = compression === "none" ? "jsonl" : compression === "gzip" ? "jsonl.gz" : "jsonl.zst"
        assert.deepStrictEqual(paths, [path.join(dir, `part-00003-0000.${ext}`)])
        assert.deepStrictEqual(fs.readdirSync(dir), [`part-00003-0000.${ext}`]) // no temporary left
        const back = yield* readAll(dir)
        assert.deepStrictEqual(short(back), short(expected))
        // deterministic: the same input written again (chunked differently) gives the same bytes
        const dir2 = tmp(`${compression}-again`)
        yield* Jsonl.sink(dir2, { compression }).write(Stream.fromIterable(sample).pipe(Stream.rechunk(1)), { rank: 3, world: 4 })
        assert.isTrue(fs.readFileSync(paths[0]!).equals(fs.readFileSync(path.join(dir2, `part-00003-0000.${ext}`))))
        // and an independent decompressor agrees
        const raw = fs.readFileSync(paths[0]!)
        const plain = compression === "gzip" ? zlib.gunzipSync(raw) : compression === "zstd" ? zlib.zstdDecompressSync(raw) : raw
        assert.strictEqual(plain.toString("utf8"), sample.map(Jsonl.encodeLine).join(""))
      }))
  }

  it.effect("maxFileBytes rolls over to new parts; empty input writes nothing", () =>
    Effect.gen(function*() {
      const dir = tmp("roll")
      const docs = Array.from({ length: 100 }, (_, i) => ({ content: `doc ${i} ${"x".repeat(i)}` }))
      const sink = Jsonl.sink(dir, { compression: "gzip", maxFileBytes: 1000 })
      const paths = yield* sink.write(Stream.fromIterable(docs).pipe(Stream.rechunk(7)), { rank: 0, world: 1 })
      assert.isAbove(paths.length, 3)
      for (const p of paths) {
        assert.isTrue(sink.ownsTaskFile(path.basename(p), 0))
        assert.isFalse(sink.ownsTaskFile(path.basename(p), 1))
        const size = zlib.gunzipSync(fs.readFileSync(p)).length
        assert.isTrue(size <= 1000 || zlib.gunzipSync(fs.readFileSync(p)).toString().split("\n").length === 2)
      }
      assert.deepStrictEqual(yield* readAll(dir), docs)
      const empty = tmp("empty")
      assert.deepStrictEqual(yield* Jsonl.sink(empty).write(Stream.empty, Shard.whole), [])
      assert.deepStrictEqual(fs.readdirSync(empty), [])
    }))

  it.effect("a failing stream leaves no partial output", () =>
    Effect.gen(function*() {
      const dir = tmp("fail")
      const docs = Stream.fromIterable(sample.slice(0, 3)).pipe(Stream.concat(Stream.fail("boom")))
      const exit = yield* Effect.exit(Jsonl.sink(dir, { compression: "zstd" }).write(docs, Shard.whole))
      assert.isTrue(Exit.isFailure(exit))
      assert.deepStrictEqual(fs.readdirSync(dir), [])
    }))

  it.effect("a malformed line goes to rejects with file and line number; the rest is read", () =>
    Effect.gen(function*() {
      const dir = tmp("bad")
      const file = path.join(dir, "in.jsonl")
      fs.writeFileSync(
        file,
        [`{"content":"a"}`, `{"content": "b"`, ``, `{"text":"no content"}`, `[1]`, `{"content":"c","k":1}`].join("\r\n")
      )
      const stats = new Stats.TaskStats({ keepRejects: true })
      const docs = yield* readAll(file).pipe(Effect.provideService(Stats.Telemetry, stats))
      assert.deepStrictEqual(docs, [{ content: "a" }, { content: "c", k: 1 }])
      assert.deepStrictEqual(stats.takeRejects(), [
        { record: { content: `{"content": "b"` }, reason: "malformed-json", operator: "jsonl", file, line: 2 },
        { record: { content: `{"text":"no content"}` }, reason: "missing-content", operator: "jsonl", file, line: 4 },
        { record: { content: `[1]` }, reason: "not-an-object", operator: "jsonl", file, line: 5 }
      ])
      assert.deepStrictEqual(stats.drops, { "malformed-json": 1, "missing-content": 1, "not-an-object": 1 })
    }))

  it.effect("over-long lines are rejected without buffering them", () =>
    Effect.gen(function*() {
      const dir = tmp("long")
      const file = path.join(dir, "in.jsonl")
      fs.writeFileSync(file, `{"content":"a"}\n{"content":"${"y".repeat(5000)}"}\n{"content":"b"}`)
      const stats = new Stats.TaskStats({ keepRejects: true })
      const docs = yield* readAll(file, Shard.whole, { maxLineBytes: 1000 }).pipe(Effect.provideService(Stats.Telemetry, stats))
      assert.deepStrictEqual(docs, [{ content: "a" }, { content: "b" }])
      const [r] = stats.takeRejects()
      assert.strictEqual(r!.reason, "line-too-long")
      assert.strictEqual(r!.line, 2)
    }))

  it.effect("emits chunks of up to batchSize documents", () =>
    Effect.gen(function*() {
      const dir = tmp("chunks")
      fs.writeFileSync(path.join(dir, "a.jsonl"), Array.from({ length: 2500 }, (_, i) => Jsonl.encodeLine({ content: `${i}` })).join(""))
      const sizes: Array<number> = []
      yield* Stream.runForEachArray(Jsonl.source(dir).read(Shard.whole), (chunk) => Effect.sync(() => sizes.push(chunk.length)))
      assert.deepStrictEqual(sizes, [1000, 1000, 500])
    }))

  it.effect("sharding by files covers every record exactly once", () =>
    Effect.gen(function*() {
      const dir = tmp("shard")
      const all: Array<string> = []
      for (let f = 0; f < 7; f++) {
        const docs = Array.from({ length: 10 + f }, (_, i) => ({ content: `f${f}-${i}` }))
        all.push(...docs.map((d) => d.content))
        const name = path.join(dir, f % 2 === 0 ? `s${f}.jsonl.gz` : `s${f}.jsonl`)
        const text = docs.map(Jsonl.encodeLine).join("")
        fs.writeFileSync(name, f % 2 === 0 ? zlib.gzipSync(text) : text)
      }
      fs.writeFileSync(path.join(dir, "ignored.txt"), "not jsonl")
      for (const world of [1, 2, 3, 7, 10]) {
        const seen: Array<string> = []
        for (let rank = 0; rank < world; rank++) {
          for (const d of yield* readAll(path.join(dir, "*.jsonl*"), { rank, world })) seen.push(d.content)
        }
        assert.deepStrictEqual(seen.sort(), [...all].sort(), `world ${world}`)
      }
    }))

  for (const compression of ["gzip", "zstd"] as const) {
    it.effect(`a truncated ${compression} file fails with InputReadError naming the file`, () =>
      Effect.gen(function*() {
        const dir = tmp(`trunc-${compression}`)
        const text = Array.from({ length: 5000 }, (_, i) => Jsonl.encodeLine({ content: `doc ${i} ${Math.sin(i)}` })).join("")
        const full = compression === "gzip" ? zlib.gzipSync(text) : zlib.zstdCompressSync(text)
        const file = path.join(dir, `cut.jsonl.${compression === "gzip" ? "gz" : "zst"}`)
        fs.writeFileSync(file, full.subarray(0, Math.floor(full.length * 0.7)))
        const error = yield* Effect.flip(readAll(file))
        assert.instanceOf(error, InputReadError)
        assert.strictEqual((error as InputReadError).file, file)
        assert.include(error.message, file)
      }))
  }

  it.effect("a missing input fails with InputNotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(readAll("/nonexistent/in.jsonl"))
      assert.strictEqual(error._tag, "InputNotFound")
    }))

  it.effect("DuckDB read_json reads our output with the same values", () =>
    Effect.gen(function*() {
      const dir = tmp("duckdb")
      const docs = [
        { content: "héllo 🙂", repo_name: "a/b", stars: 5, licenses: ["MIT", "Apache-2.0"], big: 9007199254740993n },
        { content: bigString, repo_name: null, stars: null, licenses: [], big: -12n },
        { content: "line\nbreak \"q\"", repo_name: "c", stars: 7, licenses: null, big: null }
      ]
      yield* Jsonl.sink(dir, { compression: "gzip" }).write(Stream.fromIterable(docs), Shard.whole)
      yield* Jsonl.sink(dir, { compression: "zstd" }).write(Stream.fromIterable(docs), { rank: 1, world: 2 })
      const rows = yield* Effect.promise(() =>
        withDuckDB(async (conn) => {
          const out = []
          for (const file of fs.readdirSync(dir).sort()) {
            const reader = await conn.runAndReadAll(
              `SELECT content, repo_name, stars, licenses, big::VARCHAR AS big FROM read_json('${path.join(dir, file)}', format = 'newline_delimited', columns = {content: 'VARCHAR', repo_name: 'VARCHAR', stars: 'BIGINT', licenses: 'VARCHAR[]', big: 'HUGEINT'})`
            )
            out.push(reader.getRowObjectsJS())
          }
          return out
        })
      )
      const want = docs.map((d) => ({ ...d, stars: d.stars === null ? null : BigInt(d.stars), big: d.big === null ? null : d.big.toString() }))
      assert.strictEqual(rows.length, 2)
      for (const r of rows) assert.deepStrictEqual(short(r), short(want))
    }))
})
