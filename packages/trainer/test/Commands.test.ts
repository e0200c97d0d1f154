import { Pack, TokenDataset } from "@pretrain/packing"
import { Trainer as BpeTrainer } from "@pretrain/tokenizer"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Checkpoint from "../src/Checkpoint.ts"
import { commands } from "../src/Commands.ts"
import * as Metrics from "../src/Metrics.ts"
import { runCommand } from "./support/cli.ts"

const [train, sample] = commands

let dir: string
let data: string
let tokenizerFile: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-cli-"))
  const texts = Array.from({ length: 40 }, (_, i) => `def add_${i % 7}(a, b):\n    return a + b * ${i % 3}\n`)
  const { tokenizer } = BpeTrainer.train(texts, { vocabSize: 300, special: "starcoder" })
  tokenizerFile = path.join(dir, "tokenizer.json")
  tokenizer.saveSync(tokenizerFile)
  data = path.join(dir, "data")
  const writer = TokenDataset.writer(data, "megatron", "uint16")
  const eos = tokenizer.tokenToId("<|endoftext|>")!
  for (let s = 0; s < 40; s++) {
    const a = [...tokenizer.encode(texts[s]!), eos]
    const b = [...tokenizer.encode(texts[(s + 1) % 40]!), eos]
    const ids = [...a, ...b].slice(0, 48)
    writer.add(ids, [0, Math.min(a.length, ids.length), ids.length])
  }
  writer.close()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("pretrain train / sample", () => {
  it("trains, refuses a non-empty --out, resumes, and samples from the run", async () => {
    const out = path.join(dir, "run")
    const common = ["--data", data, "--model", "llama-nano", "--out", out, "--tokenizer", tokenizerFile, "--batch-size", "4", "--seq-len", "48", "--lr", "0.01", "--warmup", "2", "--eval-fraction", "0.25", "--eval-batches", "1", "--checkpoint-every", "10"]
    const first = await runCommand(train, [...common, "--steps", "20"])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/step 20\/20 {2}loss/)
    expect(first.stdout).toMatch(/eval at step 20: loss [\d.]+ {2}[\d.]+ bits\/byte/)
    const curve = Metrics.read(path.join(out, "metrics.jsonl")).filter((r) => r.kind === "train")
    expect(curve.at(-1)!.loss).toBeLessThan(curve[0]!.loss)
    expect(fs.existsSync(path.join(out, "summary.json"))).toBe(true)

    const again = await runCommand(train, [...common, "--steps", "20"])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/not empty/)

    const resumed = await runCommand(train, [...common, "--steps", "30", "--resume"])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toMatch(/resuming at step 20/)
    expect(Metrics.read(path.join(out, "metrics.jsonl")).filter((r) => r.kind === "train").map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(Checkpoint.list(path.join(out, "checkpoints")).map((d) => path.basename(d))).toEqual(["step-00000010", "step-00000020", "step-00000030"])

    const sampled = await runCommand(sample, ["--checkpoint", out, "--prompt", "def add_", "--max-tokens", "8", "--temperature", "0"])
    expect(sampled.code, sampled.stderr).toBe(0)
    expect(sampled.stdout.startsWith("def add_")).toBe(true)
    expect(sampled.stdout.length).toBeGreaterThan("def add_".length)
  }, 60_000)

  it("trains LoRA adapters on a base run and samples through them", async () => {
    const base = path.join(dir, "base")
    const common = ["--data", data, "--batch-size", "2", "--seq-len", "48", "--lr", "0.01", "--warmup", "1", "--eval-fraction", "0"]
    expect((await runCommand(train, [...common, "--model", "gpt2-nano", "--tokenizer", tokenizerFile, "--out", base, "--steps", "3"])).code).toBe(0)
    const adapted = path.join(dir, "adapted")
    const r = await runCommand(train, [...common, "--lora", "--base", base, "--lora-rank", "2", "--lora-targets", "c_attn,c_fc", "--out", adapted, "--steps", "4"])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/LoRA rank 2 on c_attn, c_fc/)
    const ckpt = Checkpoint.latest(path.join(adapted, "checkpoints"))!
    expect(fs.existsSync(path.join(ckpt, "adapter_config.json"))).toBe(true)
    const sampled = await runCommand(sample, ["--checkpoint", adapted, "--prompt", "def", "--max-tokens", "4", "--temperature", "0"])
    expect(sampled.code, sampled.stderr).toBe(0)
    expect(sampled.stdout.startsWith("def")).toBe(true)
    const missing = await runCommand(train, [...common, "--lora", "--out", path.join(dir, "nobase"), "--steps", "1"])
    expect(missing.stderr).toMatch(/--lora needs --base/)
  }, 60_000)

  it("refuses a tokenizer other than the one `pretrain pack` recorded in pack.json", async () => {
    const input = path.join(dir, "docs")
    fs.mkdirSync(input, { recursive: true })
    const docs = Array.from({ length: 12 }, (_, i) => ({ repo_name: `org/r${i % 3}`, path: `m${i}.py`, content: `def add_${i % 7}(a, b):\n    return a + b * ${i % 3}\n` }))
    fs.writeFileSync(path.join(input, "docs.jsonl"), docs.map((d) => JSON.stringify(d)).join("\n") + "\n")
    const packed = path.join(dir, "packed")
    await Effect.runPromise(Pack.run({ input, tokenizer: tokenizerFile, out: packed, seqLen: 48, seed: 1, format: "megatron", layout: "starcoder1" }, { workers: 0 }))
    const other = path.join(dir, "other-tokenizer.json")
    BpeTrainer.train(["x = 1\n", "y = 2\n"], { vocabSize: 280, special: "starcoder" }).tokenizer.saveSync(other)
    const common = ["--data", packed, "--model", "gpt2-nano", "--batch-size", "2", "--seq-len", "48", "--eval-fraction", "0", "--steps", "1"]
    const wrong = await runCommand(train, [...common, "--tokenizer", other, "--out", path.join(dir, "wrong")])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/other-tokenizer\.json: not the tokenizer .*packed was packed with \(pack\.json: .*tokenizer\.json, sha256 [0-9a-f]{12}; this one [0-9a-f]{12}\)/)
    expect(fs.existsSync(path.join(dir, "wrong"))).toBe(false)
    const right = await runCommand(train, [...common, "--tokenizer", tokenizerFile, "--out", path.join(dir, "right")])
    expect(right.code, right.stderr).toBe(0)
  }, 60_000)

  it("names the bad flag value", async () => {
    const r = await runCommand(train, ["--data", data, "--model", "gpt2-huge", "--out", path.join(dir, "bad"), "--steps", "1", "--tokenizer", tokenizerFile])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/gpt2-huge: unknown model size/)
  })
})
