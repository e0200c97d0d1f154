import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { parquetHeader } from "hyparquet/src/column.js"
import { parquetWriteBuffer } from "hyparquet-writer"
import * as zlib from "node:zlib"
import { Parquet } from "../src/index.ts"
import { duck } from "./support/duckdb.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq")

const readAll = (input: string | ReadonlyArray<string>, options: Parquet.SourceOptions = {}) =>
  Stream.runCollect(Parquet.source<Record<string, unknown>>(input, options).read({ rank: 0, world: 1 }))

/** DuckDB's JS values -> ours: BIGINT as number when safe, BLOB as Uint8Array. */
const normalize = (v: unknown): unknown => {
  if (typeof v === "bigint") return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
  if (v instanceof Uint8Array) return new Uint8Array(v)
  if (Array.isArray(v)) return v.map(normalize)
  if (v !== null && typeof v === "object" && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]))
  }
  return v
}

/** A table with every common type, nulls, unicode, repeated values (dictionary) and a 2.8 MB string. */
const table = `
  CREATE TABLE t AS
  SELECT
    i::BIGINT AS id,
    CASE WHEN i % 11 = 0 THEN NULL ELSE 'repo-' || (i % 7) END AS repo_name,
    CASE WHEN i = 3 THEN repeat('long 😀 line\n', 200000) WHEN i % 5 = 0 THEN 'emoji 😀🚀 ' || i
      WHEN i % 5 = 1 THEN '中文テキスト ' || i WHEN i % 5 = 2 THEN 'héllo ' || i ELSE 'plain ' || i END AS content,
    CASE WHEN i % 13 = 0 THEN NULL ELSE i * 1.25 END AS score,
    i::BIGINT * 922337203685477 AS big,
    i::INTEGER AS small,
    i % 3 = 0 AS flag,
    TIMESTAMP '2021-03-04 05:06:07.123' + INTERVAL (i) MINUTE AS ts,
    DATE '2020-01-01' + i::INTEGER AS day,
    CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN []::VARCHAR[] ELSE ['MIT', 'Apache-2.0', NULL][1:(i % 3) + 1] END AS licenses,
    {'stars': i, 'name': 'n' || i} AS info,
    CASE WHEN i % 6 = 0 THEN NULL ELSE ('\\x00\\xff' || i::VARCHAR)::BLOB END AS raw
  FROM range(0, 10000) r(i)
`

describe("Parquet source reads files DuckDB writes", () => {
  const variants: ReadonlyArray<readonly [string, string]> = [
    ["zstd, dictionary, page v1", "COMPRESSION zstd"],
    ["zstd, PARQUET_VERSION v2 (delta encodings)", "COMPRESSION zstd, PARQUET_VERSION v2"],
    ["snappy", "COMPRESSION snappy"],
    ["gzip", "COMPRESSION gzip"],
    ["brotli", "COMPRESSION brotli"],
    ["lz4", "COMPRESSION lz4"],
    ["uncompressed, PARQUET_VERSION v2", "COMPRESSION uncompressed, PARQUET_VERSION v2"]
  ]
  for (const [label, options] of variants) {
    it.effect(`${label}: same rows and values as DuckDB reads`, () =>
      Effect.gen(function*() {
        const file = path.join(tmp("duck"), "data.parquet")
        const expected = yield* duck(
          table,
          `COPY (SELECT * FROM t ORDER BY id) TO '${file}' (FORMAT parquet, ${options}, ROW_GROUP_SIZE 2048)`,
          `SELECT * FROM read_parquet('${file}')`
        )
        const info = Parquet.metadataSync(file)
        assert.isAbove(info.rowGroups.length, 1)
        const rows = yield* readAll(file)
        assert.strictEqual(rows.length, 10000)
        for (let i = 0; i < rows.length; i++) assert.deepStrictEqual(rows[i], normalize(expected[i]), `row ${i}`)
        assert.strictEqual(typeof rows[5]!.big, "number")
        assert.strictEqual(typeof rows[50]!.big, "bigint")
        assert.instanceOf(rows[5]!.ts, Date)
      }))
  }

  it.effect("files from hyparquet-writer (data page v2, ZSTD, dictionary) read like DuckDB reads them", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("hw"), "v2.parquet")
      const n = 5000
      const repo = Array.from({ length: n }, (_, i) => i % 9 === 0 ? null : `repo-${i % 5}`)
      const content = Array.from({ length: n }, (_, i) => `line ${i} 😀 中文 ${"y".repeat(i % 50)}`)
      const stars = Array.from({ length: n }, (_, i) => i % 4 === 0 ? null : BigInt(i) * 3_000_000_000_000n)
      fs.writeFileSync(
        file,
        new Uint8Array(parquetWriteBuffer({
          codec: "ZSTD",
          compressors: { ZSTD: (b: Uint8Array) => zlib.zstdCompressSync(b) },
          rowGroupSize: 1500,
          columnData: [
            { name: "repo_name", data: repo, type: "STRING" },
            { name: "content", data: content, type: "STRING" },
            { name: "stars", data: stars, type: "INT64" }
          ]
        }))
      )
      const bytes = fs.readFileSync(file)
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const info = Parquet.metadataSync(file)
      assert.strictEqual(info.rowGroups.length, 4)
      const first = info.raw.row_groups[0]!.columns[0]!.meta_data!
      assert.include(first.encodings, "RLE_DICTIONARY")
      assert.strictEqual(parquetHeader({ view, offset: Number(first.data_page_offset) }).type, "DATA_PAGE_V2")
      const expected = yield* duck(`SELECT * FROM read_parquet('${file}')`)
      const rows = yield* readAll(file)
      assert.strictEqual(rows.length, n)
      for (let i = 0; i < n; i++) assert.deepStrictEqual(rows[i], normalize(expected[i]), `row ${i}`)
      assert.deepStrictEqual(rows[1], { repo_name: "repo-1", content: content[1], stars: 3_000_000_000_000 })
      assert.deepStrictEqual(rows[4001]!.stars, 12_003_000_000_000_000n)
    }))

  it.effect("dictionary and delta encodings are really used in DuckDB's v2 files", () =>
    Effect.gen(function*() {
      const dir = tmp("duck-enc")
      const meta = yield* duck(
        table,
        `COPY t TO '${dir}/v2.parquet' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2)`,
        `SELECT path_in_schema, encodings, compression FROM parquet_metadata('${dir}/v2.parquet')`
      )
      const encodings = meta.map((m) => String(m.encodings)).join(" ")
      assert.include(encodings, "RLE_DICTIONARY")
      assert.include(encodings, "DELTA")
      assert.deepStrictEqual([...new Set(meta.map((m) => m.compression))], ["ZSTD"])
      const rows = yield* readAll(`${dir}/v2.parquet`)
      assert.strictEqual(rows.length, 10000)
    }))

  it.effect("column projection reads only the named columns, in the given order", () =>
    Effect.gen(function*() {
      const dir = tmp("duck-proj")
      yield* duck(table, `COPY t TO '${dir}/a.parquet' (FORMAT parquet, ROW_GROUP_SIZE 500)`, `SELECT 1`)
      const rows = yield* readAll(dir, { columns: ["score", "id", "no_such_column"] })
      assert.deepStrictEqual(Object.keys(rows[0]!), ["score", "id"])
      assert.deepStrictEqual(rows.slice(0, 3), [{ score: null, id: 0 }, { score: 1.25, id: 1 }, { score: 2.5, id: 2 }])
    }))

  it.effect("directories and globs resolve to sorted files; a missing input is InputNotFound", () =>
    Effect.gen(function*() {
      const dir = tmp("duck-glob")
      yield* duck(
        `COPY (SELECT 2 AS n) TO '${dir}/b.parquet' (FORMAT parquet)`,
        `COPY (SELECT 1 AS n) TO '${dir}/a.parquet' (FORMAT parquet)`,
        `COPY (SELECT 3 AS n) TO '${dir}/c.txt' (FORMAT csv)`,
        `SELECT 1`
      )
      assert.deepStrictEqual((yield* readAll(dir)).map((r) => r.n), [1, 2])
      assert.deepStrictEqual((yield* readAll(`${dir}/*.parquet`)).map((r) => r.n), [1, 2])
      assert.deepStrictEqual((yield* readAll([`${dir}/b.parquet`])).map((r) => r.n), [2])
      const error = yield* Effect.flip(readAll(`${dir}/nothing-*.parquet`))
      assert.strictEqual(error._tag, "InputNotFound")
    }))
})
