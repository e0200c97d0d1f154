import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { Parquet, ParquetReadError } from "../src/index.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq")

/** A valid file of 4 row groups of 50 docs with ~2 KB of distinct content each. */
const validFile = (codec: Parquet.Codec = "zstd") => {
  const file = path.join(tmp("err"), "data.parquet")
  const docs = Array.from({ length: 200 }, (_, i) => ({
    id: i,
    repo_name: `repo-${i % 3}`,
    content: Array.from({ length: 60 }, (_, k) => `line ${k} of doc ${i}: ${(i * 7919 + k * 104729) % 100003}`).join("\n")
  }))
  Parquet.writeFileSync(file, docs, { rowGroupSize: 50, codec })
  return { file, docs }
}

/** The byte range of one column chunk. */
const chunkRange = (file: string, rowGroup: number, column: string) => {
  const meta = Parquet.metadataSync(file).raw.row_groups[rowGroup]!.columns.find((c) =>
    c.meta_data!.path_in_schema[0] === column
  )!.meta_data!
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset)
  return [start, start + Number(meta.total_compressed_size)] as const
}

/** Read through the source, collecting what was emitted before the failure. */
const readUntilFailure = (file: string) =>
  Effect.gen(function*() {
    const seen: Array<unknown> = []
    const error = yield* Effect.flip(
      Stream.runForEach(Parquet.source(file).read({ rank: 0, world: 1 }), (d) => Effect.sync(() => seen.push(d.id)))
    )
    return { error, seen }
  })

describe("Parquet source on truncated and corrupt files", () => {
  it.effect("a file cut short (footer lost) fails with ParquetReadError naming the file", () =>
    Effect.gen(function*() {
      const { file } = validFile()
      const bytes = fs.readFileSync(file)
      for (const keep of [bytes.length - 1, Math.floor(bytes.length / 2), 20, 3, 0]) {
        const cut = path.join(path.dirname(file), `cut-${keep}.parquet`)
        fs.writeFileSync(cut, bytes.subarray(0, keep))
        const { error } = yield* readUntilFailure(cut)
        assert.instanceOf(error, ParquetReadError)
        const e = error as ParquetReadError
        assert.strictEqual(e.file, cut)
        assert.strictEqual(e.rowGroup, undefined)
        assert.match(e.message, /cannot read Parquet file .*cut-\d+\.parquet/)
        assert.match(e.message, keep >= 12 ? /truncated/ : /too short/)
        assert.instanceOf(yield* Effect.flip(Parquet.metadata(cut)), ParquetReadError)
      }
    }))

  it.effect("a row group whose column data is truncated fails naming file, row group and column", () =>
    Effect.gen(function*() {
      const { file } = validFile()
      const bytes = fs.readFileSync(file)
      const [start, end] = chunkRange(file, 2, "content")
      // drop the second half of row group 2's content chunk, keep everything else (footer included)
      const mid = Math.floor((start + end) / 2)
      const broken = path.join(path.dirname(file), "short-chunk.parquet")
      fs.writeFileSync(broken, Buffer.concat([bytes.subarray(0, mid), bytes.subarray(end)]))
      const { error, seen } = yield* readUntilFailure(broken)
      assert.instanceOf(error, ParquetReadError)
      const e = error as ParquetReadError
      assert.strictEqual(e.file, broken)
      assert.strictEqual(e.rowGroup, 2)
      assert.strictEqual(e.column, "content")
      assert.match(e.message, /row group 2, column content/)
      // row groups 0 and 1 were delivered before the failure
      assert.deepStrictEqual(seen, Array.from({ length: 100 }, (_, i) => i))
    }))

  for (const codec of ["zstd", "snappy", "gzip"] as const) {
    it.effect(`flipped bytes in a ${codec} column chunk fail naming file, row group and column`, () =>
      Effect.gen(function*() {
        const { file } = validFile(codec)
        const bytes = Buffer.from(fs.readFileSync(file))
        const [start, end] = chunkRange(file, 1, "content")
        for (let i = start + 40; i < end - 8; i += 97) bytes[i] = bytes[i]! ^ 0x5a
        const broken = path.join(path.dirname(file), "flipped.parquet")
        fs.writeFileSync(broken, bytes)
        const { error, seen } = yield* readUntilFailure(broken)
        assert.instanceOf(error, ParquetReadError)
        const e = error as ParquetReadError
        assert.strictEqual(e.file, broken)
        assert.strictEqual(e.rowGroup, 1)
        assert.strictEqual(e.column, "content")
        assert.deepStrictEqual(seen, Array.from({ length: 50 }, (_, i) => i))
      }))
  }

  it.effect("a corrupt footer fails with ParquetReadError naming the file", () =>
    Effect.gen(function*() {
      const { file } = validFile()
      const bytes = Buffer.from(fs.readFileSync(file))
      const footerLength = bytes.readUInt32LE(bytes.length - 8)
      for (let i = bytes.length - 8 - footerLength; i < bytes.length - 8; i += 3) bytes[i] = 0xff
      const broken = path.join(path.dirname(file), "footer.parquet")
      fs.writeFileSync(broken, bytes)
      const error = yield* Effect.flip(Parquet.readFile(broken))
      assert.instanceOf(error, ParquetReadError)
      assert.strictEqual((error as ParquetReadError).file, broken)
    }))

  it.effect("a file that is not Parquet at all is a ParquetReadError; a missing one is InputNotFound", () =>
    Effect.gen(function*() {
      const dir = tmp("notpq")
      fs.writeFileSync(path.join(dir, "x.parquet"), "this is not parquet, just text that is long enough")
      const { error } = yield* readUntilFailure(path.join(dir, "x.parquet"))
      assert.instanceOf(error, ParquetReadError)
      assert.match((error as ParquetReadError).message, /PAR1/)
      const missing = yield* Effect.flip(Stream.runCollect(Parquet.source(path.join(dir, "none.parquet")).read({ rank: 0, world: 1 })))
      assert.strictEqual(missing._tag, "InputNotFound")
    }))
})
