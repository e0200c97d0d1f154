import { Tokenizer, Trainer } from "@pretrain/tokenizer"
import { describe, expect, it } from "vitest"
import * as Pack from "../src/Pack.ts"
import * as Settings from "../src/Settings.ts"
import { corpus, tinyTokenizer } from "./support.ts"

const params: Pack.Params = { input: "in", tokenizer: "tokenizer.json", out: "out", seqLen: 512, seed: 3 }

describe("Settings.tokenizerDigest", () => {
  it("is the same for a re-saved copy in another spelling (whitespace, key order, merges as strings)", () => {
    const tokenizer = tinyTokenizer()
    const json = JSON.parse(tokenizer.toString())
    const { model, ...rest } = json
    const respelled = { model: { ...model, merges: model.merges.map(([a, b]: [string, string]) => `${a} ${b}`) }, ...rest }
    const copy = Tokenizer.fromString(JSON.stringify(respelled))
    expect(JSON.stringify(respelled)).not.toBe(tokenizer.toString())
    expect(Settings.tokenizerDigest(copy)).toBe(Settings.tokenizerDigest(tokenizer))
    expect(Settings.tokenizerDigest(tokenizer)).toMatch(/^[0-9a-f]{64}$/)
  })

  it("differs for a tokenizer retrained on other text (other merges), and for swapped merges alone", () => {
    const tokenizer = tinyTokenizer()
    const retrained = Trainer.train(corpus(24, 99).map((d) => d.content), { vocabSize: 400, special: "starcoder2" }).tokenizer
    expect(retrained.vocabSize).toBe(tokenizer.vocabSize)
    expect(Settings.tokenizerDigest(retrained)).not.toBe(Settings.tokenizerDigest(tokenizer))
    // the same vocabulary with the last two merges in the other order (other ranks, other ids out)
    const json = JSON.parse(tokenizer.toString())
    const merges = json.model.merges
    const swapped = { ...json, model: { ...json.model, merges: [...merges.slice(0, -2), merges.at(-1), merges.at(-2)] } }
    expect(Settings.tokenizerDigest(Tokenizer.fromString(JSON.stringify(swapped)))).not.toBe(Settings.tokenizerDigest(tokenizer))
  })
})

describe("Settings.diff", () => {
  const tokenizer = tinyTokenizer()
  const wanted = Pack.settingsOf(params, tokenizer)

  it("is empty for the same tokenizer and options, whatever the worker or input task counts", () => {
    expect(Settings.diff(wanted, wanted)).toEqual([])
    expect(Settings.diff(JSON.parse(JSON.stringify(Pack.settingsOf({ ...params, tasks: 9 }, tokenizer))), wanted)).toEqual([])
  })

  it("names the tokenizer and every option that differs, with both values", () => {
    const retrained = Trainer.train(corpus(24, 99).map((d) => d.content), { vocabSize: 400, special: "starcoder2" }).tokenizer
    const recorded = Pack.settingsOf({ ...params, fimRate: 0.2, format: "megatron" }, retrained)
    const d = Settings.diff(recorded, wanted)
    expect(d.map((x) => x.setting)).toEqual(["tokenizer", "format", "fimRate"])
    expect(d[0]!.recorded).toBe(`sha256 ${Settings.tokenizerDigest(retrained).slice(0, 12)} (${wanted.tokenizer.file})`)
    expect(d.slice(1)).toEqual([{ setting: "format", recorded: "megatron", requested: "parquet" }, { setting: "fimRate", recorded: "0.2", requested: "0.5" }])
    expect(Settings.diff(Pack.settingsOf({ ...params, seqLen: 256, windowTokens: 1 << 20, partitions: 2 }, tokenizer), wanted).map((x) => x.setting))
      .toEqual(["seqLen", "partitions", "windowTokens"])
  })

  it("anything that is not a settings record (an output from before settings were recorded) differs", () => {
    expect(Settings.diff(undefined, wanted)).toEqual([{ setting: "settings", recorded: "none recorded", requested: wanted.fingerprint.slice(0, 12) }])
    expect(Settings.diff({ format: "parquet" }, wanted)).toHaveLength(1)
  })
})
