import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { Parquet, Pipeline, runPipeline } from "@pretrain/dataflow"
import { afterAll, describe, expect, it } from "vitest"
import { Demo, Tokenizer } from "../src/index.ts"
import { trainingDocs } from "./helpers.ts"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-demo-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("Demo", () => {
  const docs = trainingDocs(300_000).flatMap((d) => d.split(/(?<=\n)(?=\n)/)).slice(0, 400)
  const data = path.join(dir, "data")
  fs.mkdirSync(data)
  fs.writeFileSync(path.join(data, "part-00000-0000.jsonl"), docs.map((content, i) => JSON.stringify({ content, path: `f${i}.ts` })).join("\n") + "\n")

  it("trains on a dataset directory and reports held-out bytes/token", async () => {
    const out = path.join(dir, "tok")
    const r = await Effect.runPromise(Demo.trainTokenizer({ input: data, outDir: out, vocabSize: 1000, workers: 1, holdOutEvery: 4 }))
    expect(r.heldOut.documents).toBe(Math.floor(docs.length / 4))
    expect(r.train.documents).toBe(docs.length - r.heldOut.documents)
    expect(r.heldOut.bytesPerToken).toBeGreaterThan(2)
    expect(r.heldOut.unknownBytes).toBe(0)
    expect(Tokenizer.fromFileSync(r.tokenizerFile).vocabSize).toBe(1000)
    expect(JSON.parse(fs.readFileSync(path.join(out, "tokenizer-stats.json"), "utf8")).heldOut.tokens).toBe(r.heldOut.tokens)
    const text = Demo.summarize(r)
    expect(text).toContain("bytes/token")
    expect(text.split("\n").length).toBe(3)
  })

  it("tokenizeStage adds input_ids to a dataset", async () => {
    const tokFile = path.join(dir, "tok", "tokenizer.json")
    const output = path.join(dir, "tokenized")
    const pipeline = Pipeline.make("t", [Demo.tokenizeStage({ input: data, output, tokenizerFile: tokFile })])
    await Effect.runPromise(runPipeline(pipeline, { quiet: true, workers: 0 }))
    const rows = Parquet.readFileSync(path.join(output, "part-00000-0000.parquet"))
    const tok = Tokenizer.fromFileSync(tokFile)
    expect(rows.length).toBe(docs.length)
    expect(Array.from(rows[0]!.input_ids as ArrayLike<number>).map(Number)).toEqual(Array.from(tok.encode(docs[0]!, { special: false })))
  })
})

