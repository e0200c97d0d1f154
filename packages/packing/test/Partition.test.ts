import * as fs from "node:fs"
import * as path from "node:path"
import { Shard } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { TokenDatasetError } from "../src/Errors.ts"
import * as Partition from "../src/internal/partition.ts"
import { tempDir } from "./support.ts"

const rows: Array<Partition.Row> = [
  { repo: "acme/app", path: "a.py", content: "x = 1\n", stars: 3 },
  { repo: "", path: "README.md", content: "# 😀 naïve\n".repeat(100_000), stars: undefined },
  { repo: "org/other", path: "dir/b.ts", content: "", stars: 0 },
  { repo: "acme/app", path: "c.py", content: "print('ok')\n", stars: 3 }
]

describe("partition files", () => {
  it("route each repository to one partition and read back every record exactly", async () => {
    const dir = tempDir()
    const sink = Partition.sink(dir, 3, Partition.groupKey)
    await Effect.runPromise(sink.write(Stream.fromIterable(rows), { rank: 0, world: 1 } satisfies Shard.Shard))
    const back: Array<Partition.Row> = []
    const where = new Map<string, number>()
    for (let p = 0; p < 3; p++) {
      for (const file of Partition.filesOf(dir, p)) {
        Partition.forEachRow(file, (row) => {
          back.push(row)
          const key = Partition.groupKey(row)
          expect(where.get(key) ?? p).toBe(p)
          where.set(key, p)
        })
      }
    }
    expect(back.sort((a, b) => a.path.localeCompare(b.path))).toEqual([...rows].sort((a, b) => a.path.localeCompare(b.path)))
  })

  it("a truncated file fails with TokenDatasetError naming the file and byte", async () => {
    const dir = tempDir()
    await Effect.runPromise(Partition.sink(dir, 1, Partition.groupKey).write(Stream.fromIterable(rows.slice(0, 1)), { rank: 0, world: 1 }))
    const file = Partition.filesOf(dir, 0)[0]!
    fs.truncateSync(file, fs.statSync(file).size - 2)
    expect(() => Partition.forEachRow(file, () => {})).toThrow(TokenDatasetError)
    expect(() => Partition.forEachRow(file, () => {})).toThrow(new RegExp(`${path.basename(file)} \\(byte 0\\): truncated record`))
  })
})
