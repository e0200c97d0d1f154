import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as path from "node:path"
import { Parquet } from "../src/index.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("pq")

/** `files` files of `groups` row groups of `rows` rows each; ids run 0.. over all files in order. */
const dataset = (files: number, groups: number, rows: number) => {
  const dir = tmp("shard")
  let id = 0
  for (let f = 0; f < files; f++) {
    const docs = Array.from({ length: groups * rows }, () => ({ id: id, content: `doc ${id++}` }))
    Parquet.writeFileSync(path.join(dir, `file-${f}.parquet`), docs, { rowGroupSize: rows })
  }
  return { dir, total: id }
}

const readShard = (dir: string, rank: number, world: number) =>
  Stream.runCollect(Parquet.source(dir).read({ rank, world })).pipe(Effect.map((docs) => docs.map((d) => d.id as number)))

describe("Parquet source sharding", () => {
  for (const [files, groups] of [[2, 3], [3, 1], [1, 4], [4, 2]] as const) {
    it.effect(`${files} file(s) of ${groups} row group(s): worlds 1..5 cover every row exactly once, in order`, () =>
      Effect.gen(function*() {
        const { dir, total } = dataset(files, groups, 5)
        for (let world = 1; world <= 5; world++) {
          const shards: Array<Array<number>> = []
          for (let rank = 0; rank < world; rank++) shards.push(yield* readShard(dir, rank, world))
          assert.deepStrictEqual(shards.flat(), Array.from({ length: total }, (_, i) => i), `world ${world}`)
          const units = files * groups
          if (world <= units) {
            // with fewer files than tasks, row groups are split, so no task is idle
            for (const shard of shards) assert.isAbove(shard.length, 0, `world ${world}`)
          }
        }
      }))
  }

  it.effect("units: whole files when there are enough, (file, row group) blocks otherwise", () =>
    Effect.gen(function*() {
      const { dir } = dataset(2, 3, 2)
      const files = [path.join(dir, "file-0.parquet"), path.join(dir, "file-1.parquet")]
      assert.deepStrictEqual(yield* Parquet.units(files, { rank: 1, world: 2 }), [{ file: files[1]! }])
      assert.deepStrictEqual(yield* Parquet.units(files, { rank: 1, world: 4 }), [{ file: files[0]!, rowGroups: [1, 2] }])
      assert.deepStrictEqual(yield* Parquet.units(files, { rank: 2, world: 4 }), [{ file: files[1]!, rowGroups: [0] }])
    }))
})
