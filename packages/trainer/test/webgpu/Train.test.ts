import { Errors, Gpu } from "@pretrain/gpu-kernels"
import { TokenDataset } from "@pretrain/packing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Checkpoint from "../../src/Checkpoint.ts"
import { commands } from "../../src/Commands.ts"
import { Config, Data, Model, Trainer } from "../../src/index.ts"
import * as Metrics from "../../src/Metrics.ts"
import * as WebGpuTrain from "../../src/webgpu/Train.ts"
import { runCommand } from "../support/cli.ts"
import { useGpu } from "./support.ts"

const [train] = commands

/** Runs `pretrain train` in process. */
const cli = (argv: ReadonlyArray<string>) => runCommand(train, argv)

let dir: string
let data: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-webgpu-"))
  data = path.join(dir, "data")
  const writer = TokenDataset.writer(data, "megatron", "uint16")
  // 24 packed sequences of two documents over a 64-token vocabulary
  for (let s = 0; s < 24; s++) {
    const ids = Array.from({ length: 32 }, (_, i) => ((i % 9) * 5 + s) % 64)
    writer.add(ids, [0, 11 + (s % 5), 32])
  }
  writer.close()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("pretrain train --backend webgpu", () => {
  const gpuIt = useGpu()
  const flags = (out: string, steps: number) => [
    "--data", data, "--model", "llama-nano", "--vocab-size", "64", "--out", out, "--steps", String(steps),
    "--batch-size", "2", "--seq-len", "32", "--grad-accum", "2", "--lr", "0.01", "--warmup", "2", "--eval-fraction", "0.2", "--eval-batches", "1"
  ]

  gpuIt("trains, checkpoints and resumes exactly, following the CPU backend", async () => {
    const gpuOut = path.join(dir, "gpu")
    const first = await cli([...flags(gpuOut, 3), "--backend", "webgpu"])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/WebGPU adapter: /)
    const resumed = await cli([...flags(gpuOut, 5), "--backend", "webgpu", "--resume"])
    expect(resumed.code, resumed.stderr).toBe(0)
    const whole = await cli([...flags(path.join(dir, "gpu-whole"), 5), "--backend", "webgpu"])
    expect(whole.code, whole.stderr).toBe(0)
    const cpu = await cli(flags(path.join(dir, "cpu"), 5))
    expect(cpu.code, cpu.stderr).toBe(0)
    const curve = (out: string) => Metrics.read(path.join(out, "metrics.jsonl")).filter((r) => r.kind === "train")
    const gpuCurve = curve(gpuOut)
    const cpuCurve = curve(path.join(dir, "cpu"))
    expect(gpuCurve.map((r) => r.step)).toEqual([1, 2, 3, 4, 5])
    // the GPU kernels are deterministic (no atomics): the resumed run repeats the uninterrupted one exactly
    expect(gpuCurve.map((r) => r.loss)).toEqual(curve(path.join(dir, "gpu-whole")).map((r) => r.loss))
    gpuCurve.forEach((r, i) => {
      expect(Math.abs(r.loss - cpuCurve[i]!.loss)).toBeLessThan(1e-3 * cpuCurve[i]!.loss)
      expect(Math.abs(r.gradNorm - cpuCurve[i]!.gradNorm)).toBeLessThan(1e-3 * cpuCurve[i]!.gradNorm)
    })
    const evals = Metrics.read(path.join(gpuOut, "metrics.jsonl")).filter((r) => r.kind === "eval")
    expect(evals.length).toBe(2)
    const latest = Checkpoint.latest(path.join(gpuOut, "checkpoints"))!
    expect(Checkpoint.load(latest).state.step).toBe(5)
    // the checkpoint holds the GPU's weights: they evaluate like the CPU run's final weights
    const cpuEval = Metrics.read(path.join(dir, "cpu", "metrics.jsonl")).filter((r) => r.kind === "eval").at(-1)!
    expect(Math.abs(evals.at(-1)!.loss - cpuEval.loss)).toBeLessThan(1e-3 * cpuEval.loss)
    expect(fs.existsSync(path.join(gpuOut, "summary.json"))).toBe(true)
  })

  gpuIt("a library run leaves the trained weights in the model, close to the CPU trainer's", async (gpu) => {
    const config = Config.make("gpt2", { nLayer: 1, nHead: 2, dModel: 16, contextLength: 32 }, 64)
    const tokens = Array.from({ length: 600 }, (_, i) => ((i % 11) * 3 + Math.floor(i / 110)) % 64)
    const options = { steps: 4, batchSize: 2, seqLen: 16, lr: 1e-2, warmupSteps: 1 }
    const model = Model.Model.init(config, 2)
    const before = model.params.data.slice()
    const result = await WebGpuTrain.trainOn(gpu, { model, train: Data.fromTokens(tokens, 16), options })
    expect(result.steps).toBe(4)
    expect(model.params.data).not.toEqual(before)
    const cpu = Model.Model.init(config, 2)
    const cpuResult = Trainer.train({ model: cpu, train: Data.fromTokens(tokens, 16), options })
    expect(Math.abs(result.finalTrainLoss - cpuResult.finalTrainLoss)).toBeLessThan(1e-3 * cpuResult.finalTrainLoss)
    // four AdamW steps: every weight within 4% of the learning rate of the CPU trainer's
    let worst = 0
    for (let i = 0; i < cpu.params.size; i++) worst = Math.max(worst, Math.abs(model.params.data[i]! - cpu.params.data[i]!))
    expect(worst).toBeLessThan(0.04 * options.lr)
  })
})

it("without an adapter, --backend webgpu fails with GpuUnavailable before writing anything", async () => {
  await expect(Gpu.request({ adapter: "no-such-adapter" })).rejects.toBeInstanceOf(Errors.GpuUnavailable)
  const out = path.join(dir, "none")
  process.env.PRETRAIN_GPU_ADAPTER = "no-such-adapter"
  try {
    const r = await cli(["--data", data, "--model", "gpt2-nano", "--vocab-size", "64", "--out", out, "--steps", "1", "--backend", "webgpu"])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/no WebGPU adapter/)
  } finally {
    delete process.env.PRETRAIN_GPU_ADAPTER
  }
  expect(fs.existsSync(out)).toBe(false)
})
