import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.ts"
import { corpus, tempDir, tinyTokenizer, tokenizerFile, writeScattered } from "./support.ts"

describe("Demo.pack", () => {
  it("packs a dataset directory and reports tokens, sequences, padding and documents split", async () => {
    const dir = tempDir()
    const input = writeScattered(dir, corpus(), 2)
    const result = await Effect.runPromise(Demo.pack({ input, tokenizerFile: tokenizerFile(dir), outDir: path.join(dir, "packed"), seqLen: 512, workers: 0 }))
    expect(result.summary.layout).toBe("starcoder2")
    const text = Demo.summarize(result)
    expect(text).toMatch(/packed: starcoder2 layout, best-fit packing, L=512, megatron/)
    expect(text).toMatch(/tokens in [\d,]+ sequences, padding \d+\.\d\d% .*documents split \d+\.\d\d%/)
  })

  it("falls back to the StarCoder1 layout for a tokenizer with the starcoder preset", () => {
    expect(Demo.layoutFor(tinyTokenizer("starcoder"))).toBe("starcoder1")
    expect(Demo.layoutFor(tinyTokenizer("starcoder2"))).toBe("starcoder2")
  })
})
