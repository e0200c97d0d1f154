import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { ParallelTrain, Trainer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

describe("ParallelTrain", () => {
  it("gives the same tokenizer whatever the number of workers, pruning included", async () => {
    const docs = trainingDocs(600_000)
    const options = { vocabSize: 1500, preset: "cl100k-code" as const, batchChars: 60_000, maxPieces: 3000 }
    const run = (workers: number) =>
      Effect.runPromise(ParallelTrain.train(Stream.fromIterable(docs), { ...options, workers }))
    const serial = await run(0)
    const one = await run(1)
    const three = await run(3)
    expect(serial.stats.pruned.pieces).toBeGreaterThan(0)
    for (const r of [one, three]) {
      expect(r.stats).toEqual(serial.stats)
      expect(r.tokenizer.toString()).toBe(serial.tokenizer.toString())
    }
    // Same as the synchronous trainer.
    expect(Trainer.train(docs, options).tokenizer.toString()).toBe(serial.tokenizer.toString())
  })

  it("counts lone surrogates as U+FFFD in this thread and on workers alike", async () => {
    const docs = [...trainingDocs(40_000), "x\ud800y \udc00z \ud83d", "x\ufffdy \ufffdz \ufffd", "\ud800\ud800 é😀 \udfff"]
    const options = { vocabSize: 600, batchChars: 5_000 }
    const serial = await Effect.runPromise(ParallelTrain.train(Stream.fromIterable(docs), { ...options, workers: 0 }))
    const two = await Effect.runPromise(ParallelTrain.train(Stream.fromIterable(docs), { ...options, workers: 2 }))
    expect(two.stats).toEqual(serial.stats)
    expect(two.tokenizer.toString()).toBe(serial.tokenizer.toString())
    const counter = Trainer.counterFor({ vocabSize: 600 })
    counter.addDocument("x\ud800y \ud800")
    expect(counter.get("\ufffd")).toBe(1)
    expect(counter.get(" \ufffd")).toBe(1)
    expect(counter.get("\ud800")).toBeUndefined()
  })

  it("accepts Docs and reports bad options as a typed failure", async () => {
    const r = await Effect.runPromise(ParallelTrain.train(Stream.make({ content: "ab ab ab" }), { vocabSize: 300, workers: 1 }))
    expect(r.stats.documents).toBe(1)
    const bad = await Effect.runPromise(Effect.flip(ParallelTrain.train(Stream.make("x"), { vocabSize: 10 })))
    expect(bad._tag).toBe("TrainOptionsError")
  })
})
