import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers"
import * as hf from "tokenizers"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Tokenizer, TokenizerFileError, Trainer, UnsupportedTokenizer } from "../src/index.ts"
import { heldOut, trainingDocs } from "./helpers.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-test-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const docs = trainingDocs(1_000_000)
const held = heldOut(3)
// Special tokens written into the text, and awkward input: every branch of the regexes.
const extra = "<fim_prefix>def f():<fim_suffix>\n    return 1<fim_middle><|endoftext|>x  \t\n\n  1234567 '²٣ ' x\r\n é 😀 ﻿ BOM "

describe.each(["starcoder", "cl100k-code"] as const)("preset %s", (preset) => {
  let ours: Tokenizer
  let file: string
  beforeAll(() => {
    ours = Trainer.train(docs, { vocabSize: 3000, preset, special: "starcoder" }).tokenizer
    file = path.join(dir, `${preset}.json`)
    ours.saveSync(file)
  })

  it("finds held-out files of every language", () => {
    const langs = new Set(held.map((h) => h.language))
    for (const l of ["TypeScript", "JavaScript", "JSON", "Markdown"]) expect(langs).toContain(l)
  })

  it("HF tokenizers loads our file and encodes held-out code to exactly our ids", async () => {
    const theirs = hf.Tokenizer.fromFile(file)
    for (const h of [...held, { language: "mixed", file: "extra", text: extra }]) {
      const expected = (await theirs.encode(h.text, null, { addSpecialTokens: false })).getIds()
      expect({ file: h.file, ids: Array.from(ours.encode(h.text)) }).toEqual({ file: h.file, ids: expected })
    }
  })

  it("transformers.js (@huggingface/tokenizers) loads our file and encodes to exactly our ids", () => {
    const theirs = new JsTokenizer(JSON.parse(fs.readFileSync(file, "utf8")), {})
    for (const h of held) {
      const expected = theirs.encode(h.text, { add_special_tokens: false }).ids
      expect({ file: h.file, ids: Array.from(ours.encode(h.text)) }).toEqual({ file: h.file, ids: expected })
    }
  })

  it("decodes exactly: decode(encode(x)) === x", async () => {
    const theirs = hf.Tokenizer.fromFile(file)
    for (const h of [...held, { language: "mixed", file: "extra", text: extra }]) {
      expect(ours.decode(ours.encode(h.text))).toBe(h.text)
    }
    const ids = Array.from(ours.encode(extra))
    expect(ours.decode(ids, { skipSpecial: true })).toBe(await theirs.decode(ids, true))
  })

  it("the byte scanner path gives the regex path's ids, long texts and special tokens included", () => {
    const regex = Tokenizer.fromSnapshot(ours.snapshot())
    expect(ours.preTokenizer.scanBytes).toBeDefined()
    Object.defineProperty(regex, "preTokenizer", { value: { ...regex.preTokenizer, scanBytes: undefined } })
    const joined = held.map((h) => h.text).join(extra)
    const long = joined.repeat(Math.ceil(1_600_000 / joined.length))
    expect(long.length).toBeGreaterThan(1_500_000) // longer than the kept UTF-8 buffer holds
    for (const t of [...held.map((h) => h.text), extra, "x\ud800y\udc00 \ud83d", long, "short again"]) {
      expect(Array.from(ours.encode(t))).toEqual(Array.from(regex.encode(t)))
      expect(Array.from(ours.encode(t, { special: false }))).toEqual(Array.from(regex.encode(t, { special: false })))
    }
  })

  it("encodeUtf8Batch: texts packed as UTF-8 give encodeBatch's ids, added tokens found in the bytes", () => {
    const texts = [...held.map((h) => h.text), extra, "", "<fim_prefix><fim_prefix", "<|endoftext|><|endoftext|>", "x<fim_pad>", "<"]
    const { bytes, offsets } = packUtf8(texts)
    for (const special of [true, false]) {
      for (const eos of [undefined, 0]) {
        const packed = ours.encodeUtf8Batch(bytes, offsets, { special, eos })
        const batch = ours.encodeBatch(texts, { special, eos })
        expect(Array.from(packed.offsets)).toEqual(Array.from(batch.offsets))
        expect(Array.from(packed.ids)).toEqual(Array.from(batch.ids))
      }
    }
  })

  it("survives a snapshot sent to another thread (structured clone)", () => {
    const copy = Tokenizer.fromSnapshot(structuredClone(ours.snapshot()))
    for (const h of [...held.slice(0, 4), { text: extra }]) expect(copy.encode(h.text)).toEqual(ours.encode(h.text))
    expect(copy.toString()).toBe(ours.toString())
  })

  it("recognises special tokens, or not", () => {
    const ids = ours.encode("a<|endoftext|>b<fim_pad>")
    expect(ids).toContain(0)
    expect(ids).toContain(4)
    expect(ours.encode("<|endoftext|>", { special: false })).not.toContain(0)
  })
})

/** Texts as one UTF-8 buffer and Arrow-style offsets. */
const packUtf8 = (texts: ReadonlyArray<string>) => {
  const parts = texts.map((t) => Buffer.from(t, "utf8"))
  const offsets = [0]
  for (const p of parts) offsets.push(offsets[offsets.length - 1]! + p.length)
  return { bytes: new Uint8Array(Buffer.concat(parts)), offsets }
}

describe("added tokens found in UTF-8 bytes", () => {
  it("match as in the string: leftmost, longest first, tokens that are prefixes of others included", () => {
    const special = ["<a>", "<ab>", "<a", "b>", "é<", "😀x", "x\ud800"]
    const tok = Trainer.train(docs.slice(0, 3), { vocabSize: 700, special }).tokenizer
    let seed = 11
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    const pool = ["<", "a", "b", ">", "é", "😀", "x", " ", "\n", "1"]
    const texts = ["<ab>", "<a>b>", "x<ab<a>é<<😀x😀", "<<ab>>", "b<a"]
    for (let i = 0; i < 300; i++) {
      let s = ""
      const n = Math.floor(rand() * 30)
      for (let j = 0; j < n; j++) s += pool[Math.floor(rand() * pool.length)]
      texts.push(s)
    }
    const { bytes, offsets } = packUtf8(texts)
    const packed = tok.encodeUtf8Batch(bytes, offsets)
    const batch = tok.encodeBatch(texts)
    expect(Array.from(packed.ids)).toEqual(Array.from(batch.ids))
    expect(Array.from(packed.offsets)).toEqual(Array.from(batch.offsets))
    expect(() => tok.encodeUtf8Batch(bytes, [0, 5, 3])).toThrow(/offsets\[1\.\.2\] = 5\.\.3/)
    expect(() => tok.encodeUtf8Batch(bytes, [0, bytes.length + 1])).toThrow(RangeError)
    // Every added token but the ill-formed one is found.
    for (const t of special.slice(0, -1)) expect(packed.ids).toContain(tok.tokenToId(t))
  })
})

describe("decode(encode(x))", () => {
  const tok = Trainer.train(docs.slice(0, 3), { vocabSize: 600 }).tokenizer
  it("is x for random strings, lone surrogates become U+FFFD as in HF", async () => {
    let seed = 7
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    const pool = ["a", " ", "\n", "\t", "1", "é", "😀", "\ud800", "\udc00", "<|endoftext|>", "ab", "  ", "\u0085", "\ufeff", "٣"]
    const theirsFile = path.join(dir, "small.json")
    tok.saveSync(theirsFile)
    const theirs = hf.Tokenizer.fromFile(theirsFile)
    for (let i = 0; i < 200; i++) {
      let s = ""
      const n = Math.floor(rand() * 40)
      for (let j = 0; j < n; j++) s += pool[Math.floor(rand() * pool.length)]
      const ids = tok.encode(s)
      expect(tok.decode(ids)).toBe(Buffer.from(s, "utf8").toString("utf8"))
      if (i < 50) expect(Array.from(ids)).toEqual((await theirs.encode(s, null, { addSpecialTokens: false })).getIds())
    }
  })

  it("long pieces (heap merge path) encode as HF does", async () => {
    const theirsFile = path.join(dir, "small2.json")
    tok.saveSync(theirsFile)
    const theirs = hf.Tokenizer.fromFile(theirsFile)
    for (const s of ["=".repeat(5000), " ".repeat(3000) + "x", "abcabcab".repeat(300), "-_".repeat(700)]) {
      expect(Array.from(tok.encode(s))).toEqual((await theirs.encode(s, null, { addSpecialTokens: false })).getIds())
      expect(tok.decode(tok.encode(s))).toBe(s)
    }
  })
})

describe("a tokenizer.json written by HF's trainer", () => {
  it("loads in our encoder and encodes identically to HF", async () => {
    const corpus = path.join(dir, "corpus.txt")
    fs.writeFileSync(corpus, docs.slice(0, 8).join("\n"))
    const theirs = new hf.Tokenizer(hf.BPE.empty())
    theirs.setPreTokenizer(hf.sequencePreTokenizer([hf.digitsPreTokenizer(true), hf.byteLevelPreTokenizer(false, true)]))
    theirs.train([corpus])
    const file = path.join(dir, "hf-trained.json")
    theirs.save(file)
    const ours = Tokenizer.fromFileSync(file)
    for (const h of [...held, { language: "mixed", file: "extra", text: extra }]) {
      const expected = (await theirs.encode(h.text, null, { addSpecialTokens: false })).getIds()
      expect({ file: h.file, ids: Array.from(ours.encode(h.text)) }).toEqual({ file: h.file, ids: expected })
    }
    // HF's default trainer leaves unseen bytes out of the vocabulary: they are dropped, and counted.
    expect(ours.unknownBytes).toBeGreaterThan(0)
  })
})

describe("other byte-level BPE files (GPT-2 shaped)", () => {
  it.each([false, true])("legacy merges, no use_regex field, add_prefix_space %s: same ids as HF", async (prefix) => {
    const base = Trainer.train(docs.slice(0, 6), { vocabSize: 1500, preset: "starcoder", digits: "none" }).tokenizer.json
    const gpt2Like = {
      ...base,
      pre_tokenizer: { type: "ByteLevel", add_prefix_space: prefix, trim_offsets: true },
      post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
      model: {
        ...base.model,
        continuing_subword_prefix: "",
        end_of_word_suffix: "",
        merges: base.model.merges.map((m) => (m as ReadonlyArray<string>).join(" "))
      }
    }
    const file = path.join(dir, `gpt2-like-${prefix}.json`)
    fs.writeFileSync(file, JSON.stringify(gpt2Like))
    const ours = Tokenizer.fromFileSync(file)
    const theirs = hf.Tokenizer.fromFile(file)
    const texts = [...held.slice(0, 6).map((h) => h.text), extra, "x", " y"]
    for (const text of texts) {
      expect(Array.from(ours.encode(text))).toEqual((await theirs.encode(text, null, { addSpecialTokens: false })).getIds())
    }
    // The step-by-step (regex) pre-tokenizer on packed UTF-8 too.
    expect(ours.preTokenizer.scanBytes === undefined).toBe(prefix)
    const { bytes, offsets } = packUtf8(texts)
    expect(Array.from(ours.encodeUtf8Batch(bytes, offsets).ids)).toEqual(Array.from(ours.encodeBatch(texts).ids))
  })
})

describe("bad tokenizer files", () => {
  const good = Trainer.train(["ab ab ab"], { vocabSize: 260 }).tokenizer.json
  const write = (name: string, text: string) => {
    const f = path.join(dir, name)
    fs.writeFileSync(f, text)
    return f
  }
  it("names the file and the position", () => {
    const f = write("broken.json", "{\"version\": ")
    expect(() => Tokenizer.fromFileSync(f)).toThrow(TokenizerFileError)
    expect(() => Tokenizer.fromFileSync(f)).toThrow(f)
    const merges = write("merges.json", JSON.stringify({ ...good, model: { ...good.model, merges: [["Ġ", "nope"]] } }))
    expect(() => Tokenizer.fromFileSync(merges)).toThrow(/merges\.json at model\.merges\[0\]: token "nope" is not in the vocabulary/)
    expect(() => Tokenizer.fromFileSync(path.join(dir, "missing.json"))).toThrow(TokenizerFileError)
  })
  it("rejects parts that are not byte-level BPE", () => {
    const f = write("wordpiece.json", JSON.stringify({ ...good, model: { ...good.model, type: "WordPiece" } }))
    expect(() => Tokenizer.fromFileSync(f)).toThrow(UnsupportedTokenizer)
    const n = write("norm.json", JSON.stringify({ ...good, normalizer: { type: "NFKC" } }))
    expect(() => Tokenizer.fromFileSync(n)).toThrow(/at normalizer: normalizer NFKC/)
    const p = write("pre.json", JSON.stringify({ ...good, pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Whitespace" }] } }))
    expect(() => Tokenizer.fromFileSync(p)).toThrow(/pre_tokenizer\.pretokenizers\[0\]/)
  })
})
