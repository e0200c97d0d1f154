import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as hf from "tokenizers"
import { afterAll, describe, expect, it } from "vitest"
import { ByteLevel, PieceCounter, SpecialTokens, TrainOptionsError, Trainer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-test-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const mergesOf = (json: { model: { merges: ReadonlyArray<unknown> } }) =>
  json.model.merges.map((m) => Array.isArray(m) ? m.join(" ") : String(m))

describe("Trainer", () => {
  it.each(["starcoder", "cl100k-code"] as const)("%s: learns exactly HF's merges, in HF's order, on the same text", (preset) => {
    // HF's npm trainer reads files line by line, so both get the same lines as sequences. Its
    // tokenizer is our pre-tokenizer JSON with an empty BPE model, loaded by HF.
    const text = trainingDocs(preset === "starcoder" ? 700_000 : 400_000).join("\n")
    const corpus = path.join(dir, `corpus-${preset}.txt`)
    fs.writeFileSync(corpus, text)
    const empty = Trainer.train([], { vocabSize: 257, preset, special: [] }).tokenizer.json
    const emptyFile = path.join(dir, `empty-${preset}.json`)
    fs.writeFileSync(emptyFile, JSON.stringify({ ...empty, decoder: null, model: { ...empty.model, vocab: {}, merges: [] } }))
    const theirs = hf.Tokenizer.fromFile(emptyFile)
    theirs.train([corpus])
    const file = path.join(dir, `hf-${preset}.json`)
    theirs.save(file)
    const hfMerges = mergesOf(JSON.parse(fs.readFileSync(file, "utf8")))
    const ours = Trainer.train(text.split(/(?<=\n)/), { vocabSize: 256 + hfMerges.length, preset, special: [] })
    expect(ours.stats.merges).toBe(hfMerges.length)
    expect(mergesOf(ours.tokenizer.json)).toEqual(hfMerges)
  })

  it("always has all 256 bytes, specials first, in HF's alphabet order", () => {
    const { tokenizer } = Trainer.train(["hello hello"], { vocabSize: 300, special: "starcoder" })
    const vocab = tokenizer.json.model.vocab
    SpecialTokens.STARCODER.forEach((t, i) => expect(vocab[t]).toBe(i))
    ByteLevel.alphabetOrder.forEach((b, i) => expect(vocab[ByteLevel.byteToChar[b]!]).toBe(19 + i))
    expect(ByteLevel.alphabet()).toEqual([...hf.byteLevelAlphabet()].sort())
    expect(tokenizer.encode("\u0000\u00ff☃")).toHaveLength(6)
    expect(tokenizer.unknownBytes).toBe(0)
  })

  it("breaks ties by the smaller (left id, right id) pair", () => {
    // (a,b), (c,d) and (Ġ,a) all occur 3 times; Ġ (U+0120) has a larger id than letters.
    const { tokenizer } = Trainer.train(["cd ab cd ab cd ab"], { vocabSize: 259, special: [] })
    expect(mergesOf(tokenizer.json)).toEqual(["a b", "c d", "Ġ ab"])
    const counts = new Map([["ab", 5], ["cd", 5], ["ba", 5]])
    const r = Trainer.trainFromCounts(counts, { vocabSize: 259, special: [] })
    expect(mergesOf(r.tokenizer.json)).toEqual(["a b", "b a", "c d"])
  })

  it("counts past 2^32 without overflow (HF's i32 counts wrap, its issue #2058)", () => {
    const big = 2 ** 33 + 7
    const counts = new Map([["  ", big], ["xy", big - 1], ["xz", 2 ** 31 + 5]])
    const r = Trainer.trainFromCounts(counts, { vocabSize: 259, special: [] })
    expect(mergesOf(r.tokenizer.json)).toEqual(["Ġ Ġ", "x y", "x z"])
  })

  it("honours minFrequency and maxTokenLength", () => {
    const docs = ["aaaaaaaa xy", "aaaaaaaa"]
    const min = Trainer.train(docs, { vocabSize: 1000, special: [], minFrequency: 2 })
    expect(min.stats.merges).toBeGreaterThan(0)
    for (const m of mergesOf(min.tokenizer.json)) expect(m).not.toMatch(/[xy]/)
    const short = Trainer.train(docs, { vocabSize: 1000, special: [], maxTokenLength: 2 })
    for (const t of Object.keys(short.tokenizer.json.model.vocab)) expect(ByteLevel.toBytes(t)!.length).toBeLessThanOrEqual(2)
  })

  it("never learns from special tokens in the text", () => {
    const { tokenizer } = Trainer.train(Array(20).fill("<fim_prefix>x<fim_suffix>"), { vocabSize: 400, special: "starcoder" })
    for (const t of Object.keys(tokenizer.json.model.vocab).slice(19 + 256)) expect(t).not.toContain("fim")
  })

  it("imports without the Effect runtime and without dataflow (the pure modules; the encode worker loads only these)", () => {
    // A fresh process records every module it resolves while importing the pure modules.
    const modules = ["Trainer", "PieceCounter", "PreTokenizer", "Tokenizer"].map((m) => new URL(`../src/${m}.ts`, import.meta.url).href)
    const script = `
      import { registerHooks } from "node:module"
      const seen = []
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r } })
      for (const url of ${JSON.stringify(modules)}) await import(url)
      console.log(JSON.stringify(seen))`
    const seen: Array<string> = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }))
    expect(seen.some((u) => u.endsWith("/src/Trainer.ts"))).toBe(true)
    expect(seen.filter((u) => /dataflow|@pretrain/.test(u))).toEqual([])
    // Only effect's Data module and its few dependencies (for the typed errors), no runtime.
    const effect = seen.filter((u) => u.includes("/node_modules/effect/"))
    expect(effect.filter((u) => /\/(Effect|Stream|Layer|Schema|index)\.js$/.test(u))).toEqual([])
    expect(new Set(effect).size).toBeLessThanOrEqual(20)
  })

  it("rejects bad options with a typed error", () => {
    expect(() => Trainer.train([], { vocabSize: 100 })).toThrow(TrainOptionsError)
    expect(() => Trainer.train([], { vocabSize: 300, preset: "bert" as never })).toThrow(/unknown preset bert/)
  })
})

describe("PieceCounter", () => {
  it("caps distinct pieces, pruning the least frequent (reported), independent of order", () => {
    const docs = trainingDocs(200_000)
    const a = new PieceCounter({ maxPieces: 500, batchChars: 20_000 })
    for (const d of docs) a.addDocument(d)
    a.endBatch()
    expect(a.counts.size).toBeLessThanOrEqual(500)
    expect(a.pruned.pieces).toBeGreaterThan(0)
    expect(a.pruned.rounds).toBeGreaterThan(0)
    const full = new PieceCounter()
    for (const d of docs) full.addDocument(d)
    // The most frequent pieces survive with their exact counts.
    const top = [...full.counts].sort((x, y) => y[1] - x[1]).slice(0, 20)
    for (const [piece, count] of top) expect(a.counts.get(piece)).toBe(count)
  })
})
