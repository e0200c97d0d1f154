import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { Tokenize, Trainer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

describe("Tokenize.tokenize", () => {
  const docs = trainingDocs(300_000)
  const tokenizer = Trainer.train(docs, { vocabSize: 800 }).tokenizer
  const input = docs.map((content, i) => ({ content, path: `f${i}.ts` }))

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

  it("writes to another field", async () => {
    const out = await Effect.runPromise(Stream.runCollect(Stream.make({ content: "x = 1" }).pipe(Tokenize.tokenize(tokenizer, { field: "tokens" }))))
    expect(tokenizer.decode(out[0]!.tokens)).toBe("x = 1")
  })
})
