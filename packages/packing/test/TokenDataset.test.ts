import * as fs from "node:fs"
import * as path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { TokenDatasetError } from "../src/Errors.ts"
import * as TokenDataset from "../src/TokenDataset.ts"
import { tempDir } from "./support.ts"

const L = 64
const make = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    tokens: Array.from({ length: L }, (_, k) => (i * 131 + k * 7) % 60_000),
    boundaries: [0, (i % 50) + 1, L - (i % 3)]
  }))

const write = (dir: string, format: TokenDataset.Format, seqs: ReturnType<typeof make>) => {
  const w = TokenDataset.writer(dir, format, "uint16", { rowsPerFile: 100 })
  for (const s of seqs) w.add(s.tokens, s.boundaries)
  w.close()
}

describe("TokenDataset", () => {
  for (const format of TokenDataset.formats) {
    it(`${format}: random access by sequence index, iteration and streaming in order`, async () => {
      const dir = tempDir()
      const seqs = make(250)
      write(dir, format, seqs)
      const ds = TokenDataset.TokenDataset.open(dir)
      expect(ds.format).toBe(format)
      expect(ds.size).toBe(250)
      for (const i of [249, 0, 101, 100, 99, 7]) {
        expect(Array.from(ds.get(i).inputIds)).toEqual(seqs[i]!.tokens)
        expect(Array.from(ds.get(i).boundaries)).toEqual(seqs[i]!.boundaries)
      }
      expect([...ds].map((s) => Array.from(s.inputIds))).toEqual(seqs.map((s) => s.tokens))
      expect(() => ds.get(250)).toThrow(TokenDatasetError)
      ds.close()
      const streamed = await Effect.runPromise(Stream.runCollect(TokenDataset.stream(dir, { from: 120, to: 123 })))
      expect(Array.from(streamed).map((s) => Array.from(s.inputIds))).toEqual(seqs.slice(120, 123).map((s) => s.tokens))
    })
  }

  it("parquet parts are readable by DuckDB as input_ids and boundaries lists", async () => {
    const dir = tempDir()
    const seqs = make(150)
    write(dir, "parquet", seqs)
    expect(fs.readdirSync(dir).filter((n) => n.endsWith(".parquet")).sort()).toEqual(["data-00000.parquet", "data-00001.parquet"])
    const db = await DuckDBInstance.create(":memory:")
    const con = await db.connect()
    try {
      const rows = (await con.runAndReadAll(
        `SELECT len(input_ids) AS n, input_ids[1] AS first, boundaries FROM read_parquet('${path.join(dir, "*.parquet")}') ORDER BY filename, file_row_number`
      )).getRowObjectsJS()
      expect(rows.length).toBe(150)
      expect(Number(rows[42]!.n)).toBe(L)
      expect(Number(rows[42]!.first)).toBe(seqs[42]!.tokens[0])
      expect((rows[42]!.boundaries as Array<number>).map(Number)).toEqual(seqs[42]!.boundaries)
    } finally {
      con.closeSync()
      db.closeSync()
    }
  })

  it("a missing directory or missing boundary files fail with TokenDatasetError naming the file", () => {
    const dir = tempDir()
    expect(() => TokenDataset.TokenDataset.open(path.join(dir, "nope"))).toThrow(/nope: no such dataset directory/)
    write(dir, "megatron", make(5))
    fs.rmSync(path.join(dir, "data-boundaries.idx"))
    expect(() => TokenDataset.TokenDataset.open(dir)).toThrow(/data-boundaries\.idx: cannot read/)
  })
})
