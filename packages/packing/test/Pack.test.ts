import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { MissingSpecialToken, PackOptionsError } from "../src/Errors.ts"
import * as Example from "../src/Example.ts"
import * as Fim from "../src/Fim.ts"
import * as Layout from "../src/Layout.ts"
import * as Pack from "../src/Pack.ts"
import { TokenDataset } from "../src/TokenDataset.ts"
import { corpus, pythonRead, tempDir, tinyTokenizer, tokenizerFile, writeScattered } from "./support.ts"

const docs = corpus()

/** Every file in a directory tree (relative path -> bytes). */
const snapshot = (dir: string): Map<string, Buffer> => {
  const out = new Map<string, Buffer>()
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name !== "stats.json" && !p.includes(`${path.sep}.pretrain${path.sep}`)) out.set(path.relative(dir, p), fs.readFileSync(p))
    }
  }
  walk(dir)
  return out
}

/** The segments of every sequence, decoded. */
const segments = (dir: string): Array<Array<number>> => {
  const ds = TokenDataset.open(dir)
  const out: Array<Array<number>> = []
  for (const { inputIds, boundaries } of ds) {
    for (let k = 0; k + 1 < boundaries.length; k++) out.push(Array.from(inputIds.subarray(boundaries[k]!, boundaries[k + 1]!)))
  }
  ds.close()
  return out
}

describe("Pack.run", () => {
  const dir = tempDir()
  const input = writeScattered(dir, docs, 3)
  const tokenizer = tokenizerFile(dir)
  const base: Pack.Params = { input, tokenizer, out: "", seqLen: 32_768, seed: 3, tasks: 3, partitions: 4 }

  it("groups each repository's scattered files into one example; undoing FIM restores every file exactly", async () => {
    const out = path.join(dir, "grouped")
    const summary = await Effect.runPromise(Pack.run({ ...base, out, format: "megatron" }, { workers: 0 }))
    const repos = new Map<string, Array<Layout.FileRecord>>()
    for (const d of docs) repos.set(d.repo_name, [...(repos.get(d.repo_name) ?? []), { repo: d.repo_name, path: d.path, content: d.content, stars: d.star_events_count }])
    expect(summary.stats.documents).toBe(repos.size)
    expect(summary.files).toBe(docs.length)
    expect(summary.stats.documentsSplit).toBe(0) // L is larger than every repository
    expect(summary.fimChunks).toBeGreaterThan(0)
    const enc = Example.encoder(tinyTokenizer())
    enc.require(["<|endoftext|>", "<file_sep>", "<repo_name>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>"], "test")
    const got = segments(out).map((ids) => {
      expect(ids.at(-1)).toBe(tinyTokenizer().tokenToId("<|endoftext|>"))
      return Example.render(Fim.undo(enc.toParts(ids)))
    })
    const want = [...repos].map(([repo, files]) => Example.render(Layout.repository(repo, files, { seed: 3, fim: { rate: 0 } }).parts))
    expect(got.sort()).toEqual(want.sort())
  })

  it("the same seed gives byte-identical outputs with 0 and 2 workers and 1 or 3 input tasks; megatron and parquet hold the same sequences", async () => {
    const a = path.join(dir, "w0")
    const b = path.join(dir, "w2")
    const c = path.join(dir, "pq")
    const params = { ...base, seqLen: 256, packing: "best-fit" as const, format: "megatron" as const }
    await Effect.runPromise(Pack.run({ ...params, out: a }, { workers: 0 }))
    await Effect.runPromise(Pack.run({ ...params, out: b }, { workers: 2 }))
    const sa = snapshot(a)
    const sb = snapshot(b)
    expect([...sa.keys()].sort()).toEqual(["data-boundaries.bin", "data-boundaries.idx", "data.bin", "data.idx", "pack.json"])
    for (const [name, bytes] of sa) if (name !== "pack.json") expect(bytes.equals(sb.get(name)!), name).toBe(true)
    // nor on the number of tasks reading the input (files keep their input order in each partition)
    const t1 = path.join(dir, "t1")
    await Effect.runPromise(Pack.run({ ...params, out: t1, tasks: 1 }, { workers: 0 }))
    for (const [name, bytes] of snapshot(t1)) if (name !== "pack.json") expect(bytes.equals(sa.get(name)!), name).toBe(true)
    await Effect.runPromise(Pack.run({ ...params, out: c, format: "parquet" }, { workers: 0 }))
    const ma = TokenDataset.open(a)
    const pc = TokenDataset.open(c)
    expect(pc.format).toBe("parquet")
    expect(pc.size).toBe(ma.size)
    for (let i = 0; i < ma.size; i++) {
      expect(Array.from(pc.get(i).inputIds)).toEqual(Array.from(ma.get(i).inputIds))
      expect(Array.from(pc.get(i).boundaries)).toEqual(Array.from(ma.get(i).boundaries))
    }
    // the independent reader agrees with ours on the final dataset
    const py = pythonRead(path.join(a, "data"))
    if (py !== undefined) {
      expect(py.dtype).toBe("uint16")
      expect(py.sequences.length).toBe(ma.size)
      for (const i of [0, Math.floor(ma.size / 2), ma.size - 1]) expect(py.sequences[i]).toEqual(Array.from(ma.get(i).inputIds))
      const pb = pythonRead(path.join(a, "data-boundaries"))!
      expect(pb.dtype).toBe("int32")
      expect(pb.sequences).toEqual(Array.from({ length: ma.size }, (_, i) => Array.from(ma.get(i).boundaries)))
    }
    ma.close()
    pc.close()
  })

  it("a different seed shuffles differently; concat packing splits documents and pads only once per shard", async () => {
    const s1 = await Effect.runPromise(Pack.run({ ...base, seqLen: 128, packing: "concat", out: path.join(dir, "c1"), seed: 1 }, { workers: 0 }))
    const s2 = await Effect.runPromise(Pack.run({ ...base, seqLen: 128, packing: "concat", out: path.join(dir, "c2"), seed: 2 }, { workers: 0 }))
    expect(s1.stats.documentsSplit).toBeGreaterThan(0)
    expect(s1.stats.paddingTokens).toBeLessThan(4 * 128)
    const first = (d: string) => Array.from(TokenDataset.open(d).get(0).inputIds)
    expect(first(path.join(dir, "c1"))).not.toEqual(first(path.join(dir, "c2")))
  })

  it("StarCoder1 layout: one example per file", async () => {
    const s = await Effect.runPromise(Pack.run({ ...base, tokenizer: tokenizerFile(dir, "starcoder"), layout: "starcoder1", out: path.join(dir, "sc1"), seqLen: 2048 }, { workers: 0 }))
    expect(s.stats.documents).toBe(docs.length)
    expect(s.stats.documentsSplit).toBe(0)
  })

  it("fails before any stage on a tokenizer without the layout's tokens, or a bad option", async () => {
    const plain = tokenizerFile(dir, "starcoder")
    const exit = await Effect.runPromise(Effect.flip(Pack.run({ ...base, tokenizer: plain, out: path.join(dir, "bad") })))
    expect(exit).toBeInstanceOf(MissingSpecialToken)
    expect(fs.existsSync(path.join(dir, "bad"))).toBe(false)
    const bad = await Effect.runPromise(Effect.flip(Pack.run({ ...base, fimRate: 1.5, out: path.join(dir, "bad") })))
    expect(bad).toBeInstanceOf(PackOptionsError)
  })

  it("a complete output is not redone; force redoes it", async () => {
    const out = path.join(dir, "again")
    await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0 }))
    const before = fs.statSync(path.join(out, "data-00000.parquet")).mtimeMs
    const again = await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0 }))
    expect(again.seqLen).toBe(512)
    expect(fs.statSync(path.join(out, "data-00000.parquet")).mtimeMs).toBe(before)
    const other = await Effect.runPromise(Effect.flip(Pack.run({ ...base, out, seqLen: 256 }, { workers: 0 })))
    expect(other).toBeInstanceOf(PackOptionsError)
    expect(other.message).toContain("holds a dataset packed with other settings (seqLen 512); use force to redo it")
    await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0, force: true }))
    expect(TokenDataset.open(out).size).toBe(again.stats.sequences)
  })
})
