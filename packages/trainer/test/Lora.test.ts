import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Batch from "../src/Batch.ts"
import * as Checkpoint from "../src/Checkpoint.ts"
import * as Config from "../src/Config.ts"
import * as Data from "../src/Data.ts"
import { Lora } from "../src/Lora.ts"
import { Model } from "../src/Model.ts"
import * as Safetensors from "../src/Safetensors.ts"
import * as Trainer from "../src/Trainer.ts"

const tokens = Array.from({ length: 3000 }, (_, i) => ((i % 11) * 4 + Math.floor(i / 110)) % 40)
const batch = Batch.fromSequences([{ inputIds: tokens.slice(0, 24), boundaries: [0, 9, 24] }, { inputIds: tokens.slice(50, 74), boundaries: [0, 24] }], 24)
const config = (variant: Config.Variant) => Config.make(variant, { nLayer: 2, nHead: 2, dModel: 32, contextLength: 32 }, 40)

describe("LoRA", () => {
  for (const variant of ["gpt2", "llama"] as const) {
    it(`${variant}: starts as the base model, gradients match finite differences, merge equals the adapted model`, () => {
      const model = Model.init(config(variant), 1)
      const base = model.forward(batch)
      const lora = Lora.attach(model, { rank: 4, alpha: 8, targets: variant === "gpt2" ? ["c_attn", "mlp.c_proj"] : ["q_proj", "v_proj", "up_proj"] }, 3)
      expect(model.forward(batch)).toBe(base)
      // Make B non-zero, then check d loss / d params against central differences.
      const p = lora.params.data
      for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = 0.05 * Math.sin(i)
      lora.zeroGrad()
      model.zeroGrad()
      model.forward(batch, 1)
      model.backward()
      const g = lora.grads.data.slice()
      const picks = [0, 5, lora.specs[1]!.offset + 3, lora.specs.at(-1)!.offset + 7, lora.specs.at(-2)!.offset + 11]
      for (const i of picks) {
        const h = 1e-2
        const keep = p[i]!
        p[i] = keep + h
        const up = model.forward(batch)
        p[i] = keep - h
        const down = model.forward(batch)
        p[i] = keep
        expect(Math.abs((up - down) / (2 * h) - g[i]!)).toBeLessThan(2e-3 + 0.02 * Math.abs(g[i]!))
      }
      const adapted = model.forward(batch)
      lora.merge()
      expect(Math.abs(model.forward(batch) - adapted)).toBeLessThan(1e-5)
    })
  }

  it("trains only the adapters, checkpoints them with PEFT names, resumes exactly", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lora-"))
    const baseDir = path.join(dir, "base")
    const baseModel = Model.init(config("llama"), 2)
    Checkpoint.writeModel(baseDir, baseModel)
    const before = baseModel.params.data.slice()
    const source = Data.fromTokens(tokens, 24)
    const options = { steps: 6, batchSize: 2, seqLen: 24, lr: 1e-2, warmupSteps: 1, seed: 4 }
    const full = Trainer.train({ model: baseModel, lora: Lora.attach(baseModel, { rank: 4 }, 1), base: baseDir, train: source, options })
    expect(Array.from(baseModel.params.data)).toEqual(Array.from(before))
    const losses = full.records.filter((r) => r.kind === "train").map((r) => r.loss)
    expect(losses.at(-1)!).toBeLessThan(losses[0]!)

    const out = path.join(dir, "run")
    const model = Checkpoint.readModel(baseDir)
    Trainer.train({ model, lora: Lora.attach(model, { rank: 4 }, 1), base: baseDir, train: source, options: { ...options, checkpointEvery: 3, keepLast: 0 }, out })
    const ckpt = path.join(out, "checkpoints", Checkpoint.dirName(3))
    const names = Safetensors.read(path.join(ckpt, "adapter_model.safetensors")).tensors.map((t) => t.name)
    expect(names).toContain("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
    expect(names).toContain("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
    expect(fs.existsSync(path.join(ckpt, "model.safetensors"))).toBe(false)
    const resumed = Checkpoint.load(ckpt)
    expect(resumed.lora).toBeDefined()
    const rest = Trainer.train({ model: resumed.model, lora: resumed.lora, base: baseDir, train: source, options, out, resume: resumed })
    expect(rest.records.filter((r) => r.kind === "train").map((r) => r.loss)).toEqual(losses)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("names an unknown target module", () => {
    expect(() => Lora.attach(Model.init(config("gpt2"), 1), { targets: ["q_proj"] })).toThrow(/q_proj.*no such module/)
  })
})
