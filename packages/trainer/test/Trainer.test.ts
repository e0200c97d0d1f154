import { describe, expect, it } from "@effect/vitest"
import { Pack, TokenDataset } from "@pretrain/packing"
import { Trainer as BpeTrainer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import { Runs } from "@pretrain/scaling"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Checkpoint from "../src/Checkpoint.ts"
import * as Config from "../src/Config.ts"
import * as Data from "../src/Data.ts"
import * as Metrics from "../src/Metrics.ts"
import { Model } from "../src/Model.ts"
import * as Trainer from "../src/Trainer.ts"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "trainer-"))
const config = Config.make("gpt2", { nLayer: 2, nHead: 2, dModel: 32, contextLength: 32 }, 40)
/** A learnable stream: repeating phrases over a 40-token vocabulary. */
const tokens = Array.from({ length: 4000 }, (_, i) => ((i % 17) * 3 + Math.floor(i / 170)) % 40)
const options = { batchSize: 4, seqLen: 32, lr: 3e-3, warmupSteps: 2, evalBatches: 2, seed: 5 }

const losses = (records: ReadonlyArray<Metrics.MetricRecord>) => records.filter((r) => r.kind === "train").map((r) => r.loss)

describe("Trainer", () => {
  it("lowers the loss, writes metrics, loss curve, checkpoints and a summary that scaling fit reads", () => {
    const out = tmp()
    const { train, heldOut } = Data.split(Data.fromTokens(tokens, 32), 0.1)
    const result = Trainer.train({ model: Model.init(config, 1), train, heldOut, options: { ...options, steps: 40, evalEvery: 20, checkpointEvery: 20, keepLast: 1 }, out })
    const curve = losses(result.records)
    expect(curve.length).toBe(40)
    expect(curve.at(-1)!).toBeLessThan(curve[0]! * 0.7)
    const metrics = Metrics.read(path.join(out, "metrics.jsonl"))
    expect(metrics.filter((r) => r.kind === "eval").map((r) => r.step)).toEqual([20, 40])
    const first = metrics[0] as Metrics.StepRecord
    expect(first.tokens).toBe(4 * 32)
    expect(first.tokensPerSec).toBeGreaterThan(0)
    expect(first.mfu).toBeGreaterThan(0)
    expect(fs.readFileSync(path.join(out, "loss.svg"), "utf8")).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<circle/)
    expect(Checkpoint.list(path.join(out, "checkpoints")).map((d) => path.basename(d))).toEqual(["step-00000040"])
    const runs = Runs.parseRunsJson(fs.readFileSync(path.join(out, "summary.json"), "utf8"))
    expect(runs).toEqual([{ params: Config.parameterCount(config), tokens: 40 * 4 * 32, loss: result.finalEval!.loss }])
    fs.rmSync(out, { recursive: true, force: true })
  })

  it("resumes exactly: the same losses as an uninterrupted run", () => {
    const source = Data.fromTokens(tokens, 32)
    const full = Trainer.train({ model: Model.init(config, 3), train: source, options: { ...options, steps: 8, gradAccum: 2 } })
    const out = tmp()
    Trainer.train({ model: Model.init(config, 3), train: source, options: { ...options, steps: 8, gradAccum: 2, checkpointEvery: 4, keepLast: 0 }, out })
    const first = Checkpoint.load(path.join(out, "checkpoints", Checkpoint.dirName(4)))
    expect(first.state.step).toBe(4)
    const resumed = Trainer.train({ model: first.model, train: source, options: { ...options, steps: 8, gradAccum: 2 }, out, resume: first })
    expect(losses(resumed.records)).toEqual(losses(full.records))
    expect(losses(Metrics.read(path.join(out, "metrics.jsonl")))).toEqual(losses(full.records))
    fs.rmSync(out, { recursive: true, force: true })
  })

  it("gradient accumulation of 2 x 2 sequences equals one batch of 4", () => {
    const source = Data.fromTokens(tokens, 32)
    const a = Trainer.train({ model: Model.init(config, 4), train: source, options: { ...options, steps: 1, batchSize: 4, gradAccum: 1 } })
    const b = Trainer.train({ model: Model.init(config, 4), train: source, options: { ...options, steps: 1, batchSize: 2, gradAccum: 2 } })
    expect(Math.abs(a.finalTrainLoss - b.finalTrainLoss)).toBeLessThan(1e-6)
    const ga = (a.records[0] as Metrics.StepRecord).gradNorm
    const gb = (b.records[0] as Metrics.StepRecord).gradNorm
    expect(Math.abs(ga - gb) / ga).toBeLessThan(1e-5)
  })

  it("trains on a packed token dataset with document boundaries and padding", () => {
    const dir = tmp()
    const writer = TokenDataset.writer(dir, "megatron", "uint16")
    for (let s = 0; s < 12; s++) {
      const seq = tokens.slice(s * 32, s * 32 + 32)
      writer.add(seq, s % 2 === 0 ? [0, 10, 25] : [0, 32])
    }
    writer.close()
    const source = Data.openDataset(dir)
    expect(source.size).toBe(12)
    const result = Trainer.train({ model: Model.init(config, 6), train: source, options: { ...options, steps: 3 } })
    expect(losses(result.records).every(Number.isFinite)).toBe(true)
    source.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("trains on what `pretrain pack` writes (repository layout, FIM, best-fit packing) and reports bits per byte", async () => {
    const dir = tmp()
    const docs = Array.from({ length: 30 }, (_, i) => ({
      repo_name: `acme/repo-${i % 6}`,
      path: `src/mod${i}.py`,
      content: `def f${i}(x):\n    return x * ${i}\n`.repeat(1 + (i % 3))
    }))
    fs.writeFileSync(path.join(dir, "docs.jsonl"), docs.map((d) => JSON.stringify(d)).join("\n"))
    const { tokenizer } = BpeTrainer.train(docs.map((d) => d.content), { vocabSize: 300, special: "starcoder2" })
    tokenizer.saveSync(path.join(dir, "tokenizer.json"))
    await Effect.runPromise(Pack.run({
      input: path.join(dir, "docs.jsonl"), tokenizer: path.join(dir, "tokenizer.json"), out: path.join(dir, "packed"),
      seqLen: 64, format: "megatron", layout: "starcoder2", packing: "best-fit", seed: 1, fimRate: 0.5
    }, { workers: 0 }))
    const source = Data.openDataset(path.join(dir, "packed"))
    const model = Model.init(Config.make("llama", { nLayer: 1, nHead: 2, dModel: 32, contextLength: 64 }, tokenizer.vocabSize), 1)
    const tokenBytes = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.decodeToBytes([id]).length)
    const result = Trainer.train({ model, train: source, heldOut: source, tokenBytes, options: { steps: 4, batchSize: 2, seqLen: 64, lr: 1e-2, warmupSteps: 1, evalBatches: 1 } })
    expect(result.finalEval!.bitsPerByte).toBeGreaterThan(0)
    expect(Number.isFinite(result.finalEval!.loss)).toBe(true)
    source.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("trainEffect reports a bad batch as a TrainerError naming the token", async () => {
    const bad = Data.fromTokens(Array.from({ length: 200 }, (_, i) => (i === 5 ? 99 : i % 40)), 32)
    const error = await Effect.runPromise(Effect.flip(Trainer.trainEffect({ model: Model.init(config, 1), train: bad, options: { ...options, steps: 1, batchSize: bad.size } })))
    expect(error._tag).toBe("TrainerError")
    expect(error.message).toBe("<tokens> (sequence 0, position 5): token id 99 outside the vocabulary [0, 40)")
  })
})
