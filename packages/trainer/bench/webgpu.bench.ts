/**
 * Training throughput of the WebGPU backend, with its peers in the same run: the CPU backend (SIMD
 * WebAssembly, one thread) and, when `/usr/bin/python3` imports torch, PyTorch training the same
 * weights on the same batch shape (the parity test's reference; on CUDA when torch has it, else on
 * one CPU thread). Prints tokens/s, MFU and the ratios; on a CUDA machine WebGPU/PyTorch is the
 * trainer's real-GPU goal (at least 0.3x). The model is LLaMA- and GPT-2-style `BENCH_MODEL` (a size name, default `micro`: 4 layers,
 * d 128) over a `BENCH_VOCAB` (1024) vocabulary on batches of `BENCH_B` x `BENCH_T` (4 x 128), timed
 * over `BENCH_STEPS` (3) steps after one warm-up step (which compiles the pipelines).
 *
 * The GPU figure is wall time per step (submission to read-back) and, since lavapipe runs the
 * shaders on this machine's CPU threads, also per CPU-second of the whole process. MFU is against
 * `BENCH_PEAK_FLOPS` (default: 50 GFLOP/s per CPU core, the peak the lavapipe shaders run on; set the
 * device's fp32 peak on a real GPU). Run under `flock /tmp/bench.lock`.
 */
import { Gpu } from "@pretrain/gpu-kernels"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import * as os from "node:os"
import * as Config from "../src/Config.ts"
import { Model } from "../src/Model.ts"
import { defaults as adamw } from "../src/Optimizer.ts"
import { GpuModel } from "../src/webgpu/GpuModel.ts"
import { cpuTrainingTokensPerSec, syntheticBatch, torchPeer } from "./support.ts"

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const B = env("BENCH_B", 4)
const T = env("BENCH_T", 128)
const V = env("BENCH_VOCAB", 1024)
const steps = env("BENCH_STEPS", 3)
const sizeName = process.env.BENCH_MODEL ?? "micro"
const size = Config.sizes[sizeName]!
const peakFlops = env("BENCH_PEAK_FLOPS", 50e9 * os.availableParallelism())
const N = B * T

const batch = syntheticBatch(B, T, V)

const processSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** WebGPU backend: tokens per wall second and per process CPU-second. */
const gpuTraining = async (gpu: Gpu.GpuContext, model: Model): Promise<{ wall: number; cpu: number }> => {
  const gm = new GpuModel(gpu, model)
  try {
    const step = () => Effect.runPromise(gm.trainStep([batch], { ...adamw, lr: 1e-4, maxGradNorm: 1 }))
    await step()
    const w0 = performance.now()
    const c0 = processSeconds()
    for (let s = 0; s < steps; s++) await step()
    return { wall: (N * steps) / ((performance.now() - w0) / 1000), cpu: (N * steps) / (processSeconds() - c0) }
  } finally {
    gm.destroy()
  }
}

const cuda = spawnSync("/usr/bin/python3", ["-c", "import torch; print(torch.cuda.is_available())"], { encoding: "utf8" })
const device = await Gpu.request().catch((e: unknown) => {
  console.log(`WebGPU bench skipped: ${e instanceof Error ? e.message : String(e)}`)
  return undefined
})
if (device !== undefined) {
  const { gpu, close } = device
  try {
    console.log(`WebGPU adapter: ${gpu.adapterName}; batch ${B}x${T}, ${steps} timed steps; MFU against ${(peakFlops / 1e9).toFixed(0)} GFLOP/s`)
    if (cuda.stdout?.trim() !== "True") {
      console.log("no CUDA GPU here: the comparison with PyTorch on the same GPU (goal: at least 0.3x) needs a real GPU; PyTorch below runs on one CPU thread")
    }
    for (const variant of ["gpt2", "llama"] as const) {
      const config = Config.make(variant, size, V)
      const flops = Config.trainingFlopsPerToken(config, T)
      const label = `${variant}-${sizeName} (${(Config.parameterCount(config) / 1e6).toFixed(2)}M params, vocabulary ${V})`
      const g = await gpuTraining(gpu, Model.init(config, 1))
      const c = cpuTrainingTokensPerSec(Model.init(config, 1), batch, steps)
      const torch = torchPeer(Model.init(config, 1), { B, T, steps, cuda: true })
      const mfu = (tokensPerSec: number) => `${((100 * tokensPerSec * flops) / peakFlops).toFixed(2)}% MFU`
      console.log(`${label}:`)
      console.log(`  WebGPU    ${g.wall.toFixed(0)} tokens/s wall (${mfu(g.wall)}), ${g.cpu.toFixed(0)} tokens per process CPU-second`)
      console.log(`  CPU wasm  ${c.toFixed(0)} tokens/s, one thread (${mfu(c)}); WebGPU/CPU ${(g.wall / c).toFixed(2)}x wall, ${(g.cpu / c).toFixed(2)}x per CPU-second`)
      if (typeof torch !== "string") {
        console.log(`  PyTorch   ${torch.tokensPerSec.toFixed(0)} tokens/s on ${torch.device}; WebGPU/PyTorch ${(g.wall / torch.tokensPerSec).toFixed(2)}x wall` +
          (torch.device === "one CPU thread" ? `, ${(g.cpu / torch.tokensPerSec).toFixed(2)}x per CPU-second` : " (goal: at least 0.3x)"))
      } else {
        console.log(`  PyTorch peer unavailable (${torch})`)
      }
    }
  } finally {
    close()
  }
}
