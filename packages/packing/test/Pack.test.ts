import * as fs from "node:fs"
import * as path from "node:path"
import { type Tokenizer, Trainer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { MissingSpecialToken, PackOptionsError, SettingsChanged } from "../src/Errors.ts"
import * as Example from "../src/Example.ts"
import * as Fim from "../src/Fim.ts"
import * as Layout from "../src/Layout.ts"
import * as Pack from "../src/Pack.ts"
import * as Settings from "../src/Settings.ts"
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

/** Every file in a directory tree (relative path -> modification time). */
const mtimes = (dir: string): Map<string, number> =>
  new Map(fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const p = path.join(e.parentPath, e.name)
    return [path.relative(dir, p), fs.statSync(p).mtimeMs]
  }))

/** The repositories of `docs`, each formatted without FIM (seed 3), rendered as text. */
const formattedRepositories = (): Array<string> => {
  const repos = new Map<string, Array<Layout.FileRecord>>()
  for (const d of docs) repos.set(d.repo_name, [...(repos.get(d.repo_name) ?? []), { repo: d.repo_name, path: d.path, content: d.content, stars: d.star_events_count }])
  return [...repos].map(([repo, files]) => Example.render(Layout.repository(repo, files, { seed: 3, fim: { rate: 0 } }).parts)).sort()
}

/** Each segment of the dataset in `dir` decoded with `tokenizer`, FIM undone, rendered as text. */
const decodedRepositories = (dir: string, tokenizer: Tokenizer): Array<string> => {
  const enc = Example.encoder(tokenizer)
  enc.require(["<|endoftext|>", "<file_sep>", "<repo_name>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>"], "test")
  return segments(dir).map((ids) => Example.render(Fim.undo(enc.toParts(ids)))).sort()
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
    expect(summary.stats.documents).toBe(new Set(docs.map((d) => d.repo_name)).size)
    expect(summary.files).toBe(docs.length)
    expect(summary.stats.documentsSplit).toBe(0) // L is larger than every repository
    expect(summary.fimChunks).toBeGreaterThan(0)
    for (const ids of segments(out)) expect(ids.at(-1)).toBe(tinyTokenizer().tokenToId("<|endoftext|>"))
    expect(decodedRepositories(out, tinyTokenizer())).toEqual(formattedRepositories())
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

  it("a rerun with the same tokenizer (re-saved in another spelling) and options reuses the output: nothing is rewritten", async () => {
    const d = tempDir()
    const tok = path.join(d, "tokenizer.json")
    tinyTokenizer().saveSync(tok)
    const out = path.join(d, "packed")
    const params = { ...base, tokenizer: tok, out, seqLen: 512 }
    const first = await Effect.runPromise(Pack.run(params, { workers: 0 }))
    expect(first.settings.tokenizer.sha256).toBe(Settings.tokenizerDigest(tinyTokenizer()))
    expect(JSON.parse(fs.readFileSync(path.join(out, "pack.json"), "utf8")).settings).toEqual(first.settings)
    const before = mtimes(out)
    expect(before.size).toBeGreaterThan(1)
    const json = JSON.parse(fs.readFileSync(tok, "utf8"))
    json.model.merges = json.model.merges.map(([a, b]: [string, string]) => `${a} ${b}`)
    fs.writeFileSync(tok, JSON.stringify(json))
    const again = await Effect.runPromise(Pack.run(params, { workers: 0 }))
    expect(again).toEqual(first)
    expect(mtimes(out)).toEqual(before)
    // ifChanged "redo" reuses it too
    await Effect.runPromise(Pack.run(params, { workers: 0, ifChanged: "redo" }))
    expect(mtimes(out)).toEqual(before)
  })

  it("a retrained tokenizer under the same file name: refused naming pack.json, or packed again with ifChanged redo (no stale ids)", async () => {
    const d = tempDir()
    const tok = path.join(d, "tokenizer.json")
    tinyTokenizer().saveSync(tok)
    const out = path.join(d, "packed")
    const params = { ...base, tokenizer: tok, out, format: "megatron" as const }
    await Effect.runPromise(Pack.run(params, { workers: 0 }))
    const retrained = Trainer.train(corpus(24, 99).map((doc) => doc.content), { vocabSize: 400, special: "starcoder2" }).tokenizer
    retrained.saveSync(tok)
    const old = fs.readFileSync(path.join(out, "data.bin"))
    const error = await Effect.runPromise(Effect.flip(Pack.run(params, { workers: 0 })))
    expect(error).toBeInstanceOf(SettingsChanged)
    const changed = error as SettingsChanged
    expect(changed.file).toBe(path.join(out, "pack.json"))
    expect(changed.differences.map((x) => x.setting)).toEqual(["tokenizer"])
    expect(changed.message).toContain(
      `${path.join(out, "pack.json")}: the output was packed with other settings (tokenizer sha256 ${Settings.tokenizerDigest(tinyTokenizer()).slice(0, 12)} (${tok}) → sha256 ${Settings.tokenizerDigest(retrained).slice(0, 12)} (${tok})); rerun with force (--force)`
    )
    expect(fs.readFileSync(path.join(out, "data.bin")).equals(old)).toBe(true)
    // the old ids decode as garbage under the retrained tokenizer
    expect(decodedRepositories(out, retrained)).not.toEqual(formattedRepositories())
    const redone = await Effect.runPromise(Pack.run(params, { workers: 0, ifChanged: "redo" }))
    expect(redone.settings.tokenizer.sha256).toBe(Settings.tokenizerDigest(retrained))
    expect(decodedRepositories(out, retrained)).toEqual(formattedRepositories())
    // force redoes it as well (with worker threads, which load the tokenizer themselves)
    tinyTokenizer().saveSync(tok)
    await Effect.runPromise(Pack.run(params, { workers: 2, force: true }))
    expect(decodedRepositories(out, tinyTokenizer())).toEqual(formattedRepositories())
  })

  it("an interrupted run resumes only with the settings it started with (work/settings.json)", async () => {
    const d = tempDir()
    const out = path.join(d, "packed")
    const params = { ...base, out, seqLen: 512 }
    const complete = await Effect.runPromise(Pack.run(params, { workers: 0, keepWork: true }))
    // interrupted before the merge stage: the dataset and its marker are gone, the shards are kept
    for (const e of fs.readdirSync(out)) if (e !== "work") fs.rmSync(path.join(out, e), { recursive: true })
    const shard = path.join(out, "work", "shards", "shard-00000.bin")
    const shardTime = fs.statSync(shard).mtimeMs
    const error = await Effect.runPromise(Effect.flip(Pack.run({ ...params, fimRate: 0.25 }, { workers: 0 })))
    expect(error).toBeInstanceOf(SettingsChanged)
    expect((error as SettingsChanged).file).toBe(path.join(out, "work", "settings.json"))
    expect((error as SettingsChanged).differences).toEqual([{ setting: "fimRate", recorded: "0.5", requested: "0.25" }])
    // the same settings resume: the pack stage is not redone
    const resumed = await Effect.runPromise(Pack.run(params, { workers: 0, keepWork: true }))
    expect(fs.statSync(shard).mtimeMs).toBe(shardTime)
    expect(resumed.stats).toEqual(complete.stats)
    // other settings with ifChanged redo: every stage again
    const redone = await Effect.runPromise(Pack.run({ ...params, fimRate: 0.25 }, { workers: 0, ifChanged: "redo", keepWork: true }))
    expect(fs.statSync(shard).mtimeMs).not.toBe(shardTime)
    expect(redone.settings.options.fimRate).toBe(0.25)
    expect(redone.fimChunks).toBeLessThan(complete.fimChunks)
  })

  it("a complete output with other options is refused (or redone with ifChanged redo); force redoes it", async () => {
    const out = path.join(dir, "again")
    await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0 }))
    const before = fs.statSync(path.join(out, "data-00000.parquet")).mtimeMs
    const again = await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0 }))
    expect(again.seqLen).toBe(512)
    expect(fs.statSync(path.join(out, "data-00000.parquet")).mtimeMs).toBe(before)
    const other = await Effect.runPromise(Effect.flip(Pack.run({ ...base, out, seqLen: 256, fimSpmRate: 0 }, { workers: 0 })))
    expect(other).toBeInstanceOf(SettingsChanged)
    expect(other.message).toContain(`${path.join(out, "pack.json")}: the output was packed with other settings (seqLen 512 → 256, fimSpmRate 0.5 → 0); rerun with force`)
    const redone = await Effect.runPromise(Pack.run({ ...base, out, seqLen: 256, fimSpmRate: 0 }, { workers: 0, ifChanged: "redo" }))
    expect(redone.seqLen).toBe(256)
    expect(TokenDataset.open(out).get(0).inputIds.length).toBe(256)
    await Effect.runPromise(Pack.run({ ...base, out, seqLen: 512 }, { workers: 0, force: true }))
    expect(TokenDataset.open(out).size).toBe(again.stats.sequences)
  })
})
