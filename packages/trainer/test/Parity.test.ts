import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Batch from "../src/Batch.ts"
import * as Config from "../src/Config.ts"
import * as HfFormat from "../src/HfFormat.ts"
import { Random } from "../src/internal/random.ts"
import { Model } from "../src/Model.ts"
import { AdamW } from "../src/Optimizer.ts"
import * as Safetensors from "../src/Safetensors.ts"

const python = "/usr/bin/python3"
const script = path.join(import.meta.dirname, "parity", "torch_reference.py")
const torchAvailable = fs.existsSync(python) && spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0
if (!torchAvailable) {
  if (process.env.REQUIRE_TORCH === "1") throw new Error("REQUIRE_TORCH=1 but `import torch` fails under /usr/bin/python3 (apt-get install python3-torch)")
  console.warn("Parity.test: PyTorch is not importable by /usr/bin/python3; skipping the PyTorch parity tests")
}

const optim = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxNorm: 1.0 }

/** Max |a - b| over max |b| (relative to the tensor's scale). */
const relErr = (a: Float32Array, b: Float32Array): number => {
  let diff = 0
  let scale = 0
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
    scale = Math.max(scale, Math.abs(b[i]!))
  }
  return diff / Math.max(scale, 1e-12)
}

const byName = (tensors: ReadonlyArray<Safetensors.NamedTensor>) => new Map(tensors.map((t) => [t.name, t.data]))

const parity = (variant: Config.Variant) => {
  const config = Config.make(variant, { nLayer: 2, nHead: 4, dModel: 32, contextLength: 128 }, 50)
  const model = Model.init(config, 7)
  // The LLaMA case also runs the tied head in chunks of 48 logit rows.
  if (variant === "llama") model.headChunkRows = 48
  // Non-trivial norm gains and biases, so their forward use is checked too.
  const rng = new Random(99)
  const p = model.params.data
  for (const s of model.specs) if (s.init === "zero" || s.init === "one") for (let i = s.offset; i < s.offset + s.size; i++) p[i] = p[i]! + 0.1 * rng.normal()
  // Row 0: three documents; row 1: one document then padding. 100 tokens span several attention
  // row blocks, with document starts inside blocks.
  const ids = (n: number, k: number) => Array.from({ length: n }, (_, i) => (i * 13 + k * 7 + (i * i) % 11) % 50)
  const batch = Batch.fromSequences([
    { inputIds: ids(100, 1), boundaries: [0, 30, 77, 100] },
    { inputIds: ids(100, 2), boundaries: [0, 60] }
  ], 100)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-"))
  const lookupParams = (name: string) => model.parameter(name).data
  Safetensors.write(path.join(dir, "model.safetensors"), HfFormat.toHf(config, lookupParams))
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(HfFormat.configJson(config)))
  fs.writeFileSync(path.join(dir, "batch.json"), JSON.stringify({ B: batch.B, T: batch.T, tokens: [...batch.tokens], targets: [...batch.targets], segStart: [...batch.segStart] }))
  fs.writeFileSync(path.join(dir, "optim.json"), JSON.stringify(optim))
  const run = spawnSync(python, [script, dir], { encoding: "utf8" })
  expect(run.status, run.stderr).toBe(0)
  const result = JSON.parse(fs.readFileSync(path.join(dir, "torch-result.json"), "utf8")) as { loss: number; gradNorm: number }

  model.zeroGrad()
  const loss = model.forward(batch, 1)
  model.backward()
  const grads = byName(HfFormat.toHf(config, (name) => model.gradient(name).data))
  const opt = AdamW.forModel(model, optim)
  const norm = opt.update(model.params, model.grads, optim.lr, optim.maxNorm)
  const after = byName(HfFormat.toHf(config, lookupParams))
  const torchGrads = Safetensors.read(path.join(dir, "torch-grads.safetensors")).tensors
  const torchAfter = byName(Safetensors.read(path.join(dir, "torch-after.safetensors")).tensors)
  fs.rmSync(dir, { recursive: true, force: true })

  expect(Math.abs(loss - result.loss)).toBeLessThan(1e-5 * result.loss)
  expect(Math.abs(norm - result.gradNorm)).toBeLessThan(1e-4 * result.gradNorm)
  expect(torchGrads.length).toBe(grads.size)
  for (const t of torchGrads) {
    const mine = grads.get(t.name)!
    expect(relErr(mine, t.data), `gradient ${t.name}`).toBeLessThan(1e-4)
    // One AdamW step: each weight moves by about lr; agree to 1% of that.
    const w = after.get(t.name)!
    const tw = torchAfter.get(t.name)!
    let worst = 0
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i]! - tw[i]!))
    expect(worst, `weights after the step, ${t.name}`).toBeLessThan(optim.lr * 1e-2)
  }
}

describe.skipIf(!torchAvailable)("PyTorch parity (loss, gradients, one AdamW step)", () => {
  it("GPT-2 variant: LayerNorm, learned positions, GELU, biases", () => parity("gpt2"), 60_000)
  it("LLaMA variant: RMSNorm, rotary, SwiGLU", () => parity("llama"), 60_000)
})
