import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { Tokenize, Trainer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

describe("Tokenize.tokenize", () => {
  const docs = trainingDocs(300_000)
  const tokenizer = Trainer.train(docs, { vocabSize: 800 }).tokenizer
  const input = [...docs, "a<|endoftext|>b<|endoftext|>", "x\ud800y é😀 \udc00", ""].map((content, i) => ({ content, path: `f${i}.ts` }))

  it("adds the ids of each Doc, the same on worker threads as in this thread, order kept", async () => {
    const here = await Effect.runPromise(Stream.runCollect(Stream.fromIterable(input).pipe(Tokenize.tokenize(tokenizer))))
    const there = await Effect.runPromise(
      Stream.runCollect(Tokenize.tokenize(Stream.fromIterable(input), tokenizer, { workers: 2, batchSize: 3, eos: "<|endoftext|>" }))
    )
    expect(here.length).toBe(input.length)
    for (let i = 0; i < input.length; i++) {
      expect(here[i]!.path).toBe(`f${i}.ts`)
      expect(here[i]!.input_ids).toEqual(Array.from(tokenizer.encode(input[i]!.content)))
      expect(there[i]!.input_ids).toEqual([...here[i]!.input_ids, 0])
    }
  })

  it("can give Uint32Arrays", async () => {
    const out = await Effect.runPromise(Stream.runCollect(Stream.make({ content: "x = 1" }).pipe(Tokenize.tokenize(tokenizer, { as: "typed", eos: "<|endoftext|>", workers: 1 }))))
    expect(out[0]!.input_ids).toBeInstanceOf(Uint32Array)
    expect(Array.from(out[0]!.input_ids)).toEqual([...tokenizer.encode("x = 1"), 0])
  })

  it("reports each worker's CPU time when asked", async () => {
    const usage = Tokenize.usage()
    const out = await Effect.runPromise(Stream.runCollect(Stream.fromIterable(input).pipe(Tokenize.tokenize(tokenizer, { workers: 2, batchSize: 1, as: "typed", usage }))))
    expect(out.length).toBe(input.length)
    expect(usage.workerCpuSeconds).toHaveLength(2)
    for (const s of usage.workerCpuSeconds) expect(s).toBeGreaterThan(0)
    expect(usage.workerStartCpuSeconds).toHaveLength(2)
    for (const s of usage.workerStartCpuSeconds) expect(s).toBeGreaterThan(0)
    expect(Math.max(...usage.workerStartCpuSeconds)).toBeLessThan(Math.max(...usage.workerCpuSeconds))
    // Typed ids are views of one buffer per batch, each Doc's own ids.
    out.forEach((d, i) => expect(Array.from(d.input_ids)).toEqual(Array.from(tokenizer.encode(input[i]!.content))))
  })

  it("encodeBatch: all ids back to back, each text's followed by eos", () => {
    const texts = input.slice(0, 5).map((d) => d.content).concat([""])
    const { ids, offsets } = tokenizer.encodeBatch(texts, { eos: 0 })
    expect(offsets).toHaveLength(texts.length + 1)
    texts.forEach((t, i) => expect(Array.from(ids.subarray(offsets[i]!, offsets[i + 1]!))).toEqual([...tokenizer.encode(t), 0]))
    expect(offsets[texts.length]).toBe(ids.length)
  })

  it("writes to another field", async () => {
    const out = await Effect.runPromise(Stream.runCollect(Stream.make({ content: "x = 1" }).pipe(Tokenize.tokenize(tokenizer, { field: "tokens" }))))
    expect(tokenizer.decode(out[0]!.tokens)).toBe("x = 1")
  })
})
