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
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Batch from "../src/Batch.ts"
import * as Checkpoint from "../src/Checkpoint.ts"
import * as Config from "../src/Config.ts"
import { Model } from "../src/Model.ts"
import { AdamW, defaults as adamw } from "../src/Optimizer.ts"
import { GpuModel } from "../src/webgpu/GpuModel.ts"

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const B = env("BENCH_B", 4)
const T = env("BENCH_T", 128)
const V = env("BENCH_VOCAB", 1024)
const steps = env("BENCH_STEPS", 3)
const sizeName = process.env.BENCH_MODEL ?? "micro"
const size = Config.sizes[sizeName]!
const peakFlops = env("BENCH_PEAK_FLOPS", 50e9 * os.availableParallelism())
const N = B * T

const batch = Batch.alloc(B, T)
for (let i = 0; i < N; i++) {
  batch.tokens[i] = (i * 2654435761) % V
  batch.targets[i] = (i * 40503) % V
}

const threadSeconds = () => process.threadCpuUsage().user / 1e6
const processSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** CPU backend, one thread: tokens per CPU-second. */
const cpuTraining = (model: Model): number => {
  const opt = AdamW.forModel(model)
  const step = () => {
    model.zeroGrad()
    model.forward(batch, 1)
    model.backward()
    opt.update(model.params, model.grads, 1e-4, 1)
  }
  step()
  const t0 = threadSeconds()
  for (let s = 0; s < steps; s++) step()
  return (N * steps) / (threadSeconds() - t0)
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

/**
 * The PyTorch peer: the parity test's functional reference of both variants, trained with AdamW and
 * clipping on the same weights and batch shape, on CUDA when torch has it (fp32, TF32 off; timed
 * between synchronisations) and otherwise on one CPU thread (thread CPU time). Prints one JSON line.
 */
const TORCH_PEER = `
import json, sys, time
import torch
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["parity"])
from torch_reference import forward, read_safetensors
dev = "cuda" if torch.cuda.is_available() else "cpu"
if dev == "cuda":
    torch.set_default_device(dev)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
else:
    torch.set_num_threads(1)
torch.manual_seed(0)
cfg = json.load(open(spec["dir"] + "/config.json"))["pretrain"]
V, T, B = cfg["vocabSize"], spec["T"], spec["B"]
p = {k: v.to(dev).requires_grad_(True) for k, v in read_safetensors(spec["dir"] + "/model.safetensors").items()}
params = list(p.values())
opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
tokens = torch.randint(0, V, (B, T), device=dev)
targets = torch.randint(0, V, (B, T), device=dev)
seg = torch.zeros(B, T, dtype=torch.long, device=dev)
def step():
    opt.zero_grad(set_to_none=True)
    loss = forward(p, cfg, tokens, targets, seg)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
def sync():
    if dev == "cuda":
        torch.cuda.synchronize()
clock = time.perf_counter if dev == "cuda" else time.thread_time
step()
sync()
t0 = clock()
for _ in range(spec["steps"]):
    step()
sync()
print(json.dumps({"device": torch.cuda.get_device_name() if dev == "cuda" else "one CPU thread", "tokensPerSec": B * T * spec["steps"] / (clock() - t0)}))
`

const torchTraining = (model: Model): { device: string; tokensPerSec: number } | string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-bench-"))
  try {
    Checkpoint.writeModel(dir, model)
    const spec = { dir, B, T, steps, parity: path.join(import.meta.dirname, "..", "test", "parity") }
    const peer = spawnSync("/usr/bin/python3", ["-c", TORCH_PEER, JSON.stringify(spec)], {
      encoding: "utf8",
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
    })
    if (peer.status !== 0) return peer.stderr?.trim().split("\n").at(-1) ?? String(peer.error)
    return JSON.parse(peer.stdout.trim().split("\n").at(-1)!) as { device: string; tokensPerSec: number }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
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
      const c = cpuTraining(Model.init(config, 1))
      const torch = torchTraining(Model.init(config, 1))
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
