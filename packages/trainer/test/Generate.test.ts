import { Trainer } from "@pretrain/tokenizer"
import { Effect, Exit, Stream } from "effect"
import { describe, expect, it } from "vitest"
import * as Generate from "../src/Generate.ts"
import { BigramModel, byteTokens, ScriptModel, trainTokenizer } from "./serve/Fixtures.ts"

const tokenizer = trainTokenizer()
const EOS = tokenizer.tokenToId("<|endoftext|>")!
const vocab = tokenizer.vocabSize

/** A model that answers any prompt with `text` (as the tokenizer encodes it), then `<|endoftext|>`. */
const saying = (text: string | Array<number>, contextLength = 512) => {
  const ids = typeof text === "string" ? Array.from(tokenizer.encode(text)) : text
  return new ScriptModel(vocab, contextLength, [...ids, EOS], EOS)
}

/** Every step's returned delta. */
const steps = (g: Generate.Generation): Array<string> => {
  const out: Array<string> = []
  while (!g.done) out.push(g.step())
  return out
}

describe("Generate", () => {
  it("generates until <|endoftext|>, which ends with stop and is counted but not returned", () => {
    const model = saying("    return a + b\n")
    const out = Generate.generate(model, tokenizer, "def add(a, b):\n")
    const promptTokens = tokenizer.encode("def add(a, b):\n").length
    const completionTokens = tokenizer.encode("    return a + b\n").length + 1
    expect(out.text).toBe("    return a + b\n")
    expect(out.finishReason).toBe("stop")
    expect(out.usage).toEqual({ promptTokens, completionTokens, totalTokens: promptTokens + completionTokens })
    expect(out.tokens[out.tokens.length - 1]).toBe(EOS)
    // The prompt is fed once, then each sampled token but the last.
    expect(model.fed).toBe(promptTokens + completionTokens - 1)
  })

  it("stops after maxTokens with finish reason length", () => {
    const ids = Array.from(tokenizer.encode("hello world, hello there\n"))
    const out = Generate.generate(saying(ids), tokenizer, "x", { maxTokens: 3 })
    expect(out.finishReason).toBe("length")
    expect(out.usage.completionTokens).toBe(3)
    expect(out.text).toBe(tokenizer.decode(ids.slice(0, 3)))
  })

  it("fills the context and no more, and refuses a prompt that leaves no room", () => {
    const prompt = "def greet(name):\n"
    const n = tokenizer.encode(prompt).length
    const model = saying("hello world, hello there\n", n + 4)
    const out = Generate.generate(model, tokenizer, prompt, { maxTokens: 100 })
    expect(out.finishReason).toBe("length")
    expect(out.usage.totalTokens).toBe(n + 4)
    expect(() => Generate.start(saying("x", n), tokenizer, prompt)).toThrow(
      expect.objectContaining({ _tag: "GenerationError", code: "context_length_exceeded" })
    )
    expect(() => Generate.start(model, tokenizer, prompt, { maxTokens: 0 })).toThrow(/maxTokens/)
  })

  it("stops at a stop sequence that spans tokens and leaves it out", () => {
    const text = "hello world, hello there\n"
    const ids = Array.from(tokenizer.encode(text))
    const stop = "ld, hel"
    // The stop sequence is not inside any single token.
    expect(ids.some((id) => tokenizer.decode([id]).includes(stop))).toBe(false)
    const g = Generate.start(saying(ids), tokenizer, "x", { stop: ["zzz", stop] })
    const deltas = steps(g)
    expect(g.text).toBe("hello wor")
    expect(g.finishReason).toBe("stop")
    expect(deltas.join("")).toBe("hello wor")
    // It stopped on the token that completed the stop sequence.
    const through = tokenizer.decode(g.tokens)
    expect(through.endsWith(stop) || through.slice(0, -1).includes(stop)).toBe(true)
    expect(tokenizer.decode(g.tokens.subarray(0, -1)).includes(stop)).toBe(false)
  })

  it("holds back a tail that may start a stop sequence and releases it once it cannot", () => {
    const text = "hello world, hello there\n"
    const g = Generate.start(saying(text), tokenizer, "x", { stop: "hello!" })
    const released: Array<string> = []
    while (!g.done) {
      const delta = g.step()
      released.push(delta)
      // Nothing that could still grow into "hello!" is out: what is released never ends in a prefix of it.
      const sofar = released.join("")
      if (!g.done) for (let k = 1; k < 6; k++) expect(sofar.endsWith("hello!".slice(0, k))).toBe(false)
    }
    expect(released.join("")).toBe(text)
    expect(g.finishReason).toBe("stop")
  })

  it("streams whole UTF-8 characters only, even when each byte is its own token", () => {
    const text = "a€b🙂 é"
    const ids = byteTokens(tokenizer, text)
    expect(ids.every((id) => id >= 0)).toBe(true)
    const g = Generate.start(saying(ids), tokenizer, "x")
    const deltas = steps(g)
    expect(deltas.join("")).toBe(text)
    for (const d of deltas) {
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(d)).toBe(false)
      expect(d.includes("\uFFFD")).toBe(false)
    }
    // The euro sign's three bytes: two steps give nothing, the third gives "€".
    expect(deltas.slice(1, 4)).toEqual(["", "", "€"])
  })

  it("matches stop sequences with multi-byte characters split over byte tokens", () => {
    const ids = byteTokens(tokenizer, "a€b🙂 é")
    expect(Generate.generate(saying(ids), tokenizer, "x", { stop: ["€b"] }).text).toBe("a")
    expect(Generate.generate(saying(ids), tokenizer, "x", { stop: ["🙂"] }).text).toBe("a€b")
  })

  it("ends incomplete bytes at the length limit as U+FFFD, as decoding does", () => {
    const ids = byteTokens(tokenizer, "a€")
    const out = Generate.generate(saying(ids), tokenizer, "x", { maxTokens: 2 })
    expect(out.text).toBe(tokenizer.decode(ids.slice(0, 2)))
    expect(out.text).toBe("a\uFFFD")
  })

  it("ends at any special token by default; stopTokens overrides", () => {
    const fimPad = tokenizer.tokenToId("<fim_pad>")!
    const ids = [...tokenizer.encode("hello"), fimPad, ...tokenizer.encode(" world")]
    expect(Generate.generate(saying(ids), tokenizer, "x").text).toBe("hello")
    const out = Generate.generate(saying(ids), tokenizer, "x", { stopTokens: [EOS] })
    expect(out.text).toBe("hello<fim_pad> world")
  })

  it("cuts a prompt that does not fit when asked to, keeping the text nearest the completion", () => {
    const text = "hello world, hello there\n".repeat(10)
    const ids = tokenizer.encode(text)
    const model = saying("ok", 40)
    expect(ids.length).toBeGreaterThan(40)
    const g = Generate.start(model, tokenizer, text, { truncate: true, maxTokens: 8 })
    expect(Array.from(g.promptIds)).toEqual(Array.from(ids.subarray(ids.length - 32)))
    expect(g.complete().text).toBe("ok")
    // Room for at most half the context is kept for the completion.
    expect(Generate.start(model, tokenizer, text, { truncate: true }).promptIds.length).toBe(39)
    expect(Generate.start(model, tokenizer, text, { truncate: true, maxTokens: 100 }).promptIds.length).toBe(20)
    expect(() => Generate.start(model, tokenizer, text)).toThrow(/context/)
  })

  it("cuts FIM prompts at the far ends of prefix and suffix", () => {
    const [p, s, m] = ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"].map((t) => tokenizer.tokenToId(t)!)
    const long = "def add(a, b):\n    return a + b\n".repeat(5)
    const short = "print(1)\n"
    const L = tokenizer.encode(long)
    const S = tokenizer.encode(short)
    // A short suffix stays whole; the prefix keeps its end.
    const a = Array.from(Generate.encodePrompt(tokenizer, { prefix: long, suffix: short }, vocab, 30))
    expect(a).toEqual([p, ...L.subarray(L.length - (27 - S.length)), s, ...S, m])
    // Both long: each side gets half of the 27 tokens of room.
    const b = Array.from(Generate.encodePrompt(tokenizer, { prefix: long, suffix: long }, vocab, 30))
    expect(b).toEqual([p, ...L.subarray(L.length - 14), s, ...L.subarray(0, 13), m])
  })

  it("builds FIM prompts in prefix-suffix-middle order and completes the middle", () => {
    const prefix = "def add("
    const suffix = "):\n    pass\n"
    const ids = Generate.encodePrompt(tokenizer, { prefix, suffix }, vocab)
    const [p, s, m] = ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"].map((t) => tokenizer.tokenToId(t)!)
    expect(Array.from(ids)).toEqual([p, ...tokenizer.encode(prefix), s, ...tokenizer.encode(suffix), m])
    // A bigram model trained on a FIM document continues <fim_middle> with the middle.
    const doc = `<fim_prefix>${prefix}<fim_suffix>${suffix}<fim_middle>x,y<|endoftext|>`
    const model = BigramModel.fromTexts(tokenizer, [doc])
    const out = Generate.generate(model, tokenizer, { prefix, suffix }, { temperature: 0 })
    expect(out.text).toBe("x,y")
    expect(out.finishReason).toBe("stop")
    const plain = Trainer.train(["abc"], { vocabSize: 1 + 256 }).tokenizer
    expect(() => Generate.encodePrompt(plain, { prefix, suffix }, plain.vocabSize)).toThrow(
      expect.objectContaining({ code: "fim_unsupported" })
    )
  })

  it("never samples ids of a padded vocabulary that the tokenizer cannot decode", () => {
    // Every padded id is the favourite, as in an untrained model's padding rows.
    const model = new BigramModel(vocab + 64, 256, [], { fallback: vocab + 10 })
    const out = Generate.generate(model, tokenizer, "def", { maxTokens: 30, seed: 3, stopTokens: [] })
    expect(out.tokens.length).toBe(30)
    expect(Array.from(out.tokens).every((id) => id < vocab)).toBe(true)
  })

  it("takes token-id prompts, checks them, and starts an empty prompt from <|endoftext|>", () => {
    expect(Array.from(Generate.encodePrompt(tokenizer, [5, 7], vocab))).toEqual([5, 7])
    expect(() => Generate.encodePrompt(tokenizer, [5, vocab], vocab)).toThrow(/prompt token 1/)
    expect(Array.from(Generate.encodePrompt(tokenizer, "", vocab))).toEqual([EOS])
  })

  it("repeats a sampled completion for a seed", () => {
    const model = new BigramModel(vocab, 256, [tokenizer.encode(trainingText)], { high: 1 })
    const run = (seed: number) => Generate.generate(model, tokenizer, "def", { seed, maxTokens: 40, stopTokens: [] }).text
    expect(run(11)).toBe(run(11))
    expect(new Set([run(1), run(2), run(3), run(4)]).size).toBeGreaterThan(1)
  })

  it("yields the same deltas asynchronously as synchronously", async () => {
    const text = "hello world, hello there\n"
    const sync = [...Generate.start(saying(text), tokenizer, "x", { stop: "there" })]
    const async: Array<string> = []
    for await (const d of Generate.start(saying(text), tokenizer, "x", { stop: "there" })) async.push(d)
    expect(async).toEqual(sync)
    expect(sync.join("")).toBe("hello world, hello ")
  })

  it("streams as an Effect Stream, failing with typed errors", async () => {
    const text = "hello world, hello there\n"
    const deltas = await Effect.runPromise(Stream.runCollect(Generate.stream(saying(text), tokenizer, "x", { stop: "there" })))
    expect(Array.from(deltas).join("")).toBe("hello world, hello ")
    const tooLong = await Effect.runPromiseExit(Stream.runCollect(Generate.stream(saying(text, 4), tokenizer, "def add(a, b):\n")))
    expect(tooLong).toMatchObject(Exit.fail(expect.objectContaining({ _tag: "GenerationError", code: "context_length_exceeded" })))
    const broken = { vocabSize: vocab, contextLength: 64, session: () => ({ length: 0, feed: () => { throw new Error("boom") } }) }
    const failed = await Effect.runPromiseExit(Stream.runCollect(Generate.stream(broken, tokenizer, "x")))
    expect(failed).toMatchObject(Exit.fail(expect.objectContaining({ _tag: "ModelFailure", reason: "boom" })))
  })
})

const trainingText = "def add(a, b):\n    return a + b\nhello world, hello there\n"
