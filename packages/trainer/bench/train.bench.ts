/**
 * Training throughput and matmul speed against PyTorch (one thread each, CPU time): the SIMD
 * WebAssembly matmul in GFLOP/s on the model's shapes, and training tokens/s of 4.3M-parameter
 * GPT-2-style and LLaMA-style models (4 layers, d 256, 4 heads, vocabulary 4096) on batches of
 * 8 x 256, the PyTorch side running the same weights (exported as safetensors) through the parity
 * reference, all in one run. Run under `flock /tmp/bench.lock`.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Batch from "../src/Batch.ts"
import * as Checkpoint from "../src/Checkpoint.ts"
import * as Config from "../src/Config.ts"
import { Model } from "../src/Model.ts"
import { AdamW } from "../src/Optimizer.ts"
import { Arena, out, rowMajor, transposed } from "../src/Wasm.ts"

const B = 8
const T = 256
const steps = Number(process.env.BENCH_STEPS ?? 3)
const size = { nLayer: 4, nHead: 4, dModel: 256, contextLength: 256 }
const N = B * T
const matmuls: Record<string, [number, number, number]> = {
  "qkv fwd 2048x768x256": [N, 3 * 256, 256],
  "fc fwd 2048x1024x256": [N, 1024, 256],
  "head fwd 2048x4096x256": [N, 4096, 256],
  "fcproj 2048x256x1024": [N, 256, 1024]
}

const cpuSeconds = () => process.threadCpuUsage().user / 1e6

interface Peer {
  readonly torch: string
  readonly tokensPerSec: number
  readonly matmul: Record<string, number>
}

/** Runs the PyTorch peer on a model written to a temporary directory. */
const torchPeer = (model: Model, withMatmuls: boolean): Peer | string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-bench-"))
  try {
    Checkpoint.writeModel(dir, model)
    const spec = { dir, B, T, steps, matmulSeconds: 1, ...(withMatmuls ? { matmuls } : {}) }
    const peer = spawnSync("/usr/bin/python3", [path.join(import.meta.dirname, "torch_train.py"), JSON.stringify(spec)], {
      encoding: "utf8",
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
    })
    if (peer.status !== 0) return peer.stderr?.trim().split("\n").at(-1) ?? String(peer.error)
    return JSON.parse(peer.stdout.trim().split("\n").at(-1)!) as Peer
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const ourMatmul = (M: number, Nn: number, K: number, seconds: number): Record<string, number> => {
  const arena = Arena.make()
  const a = arena.alloc(M * K)
  const b = arena.alloc(Nn * K)
  const c = arena.alloc(M * Nn)
  const d = arena.alloc(M * K)
  const w = arena.alloc(Nn * K)
  a.data.fill(0.5)
  b.data.fill(0.25)
  const run = (f: () => void) => {
    f()
    const t0 = cpuSeconds()
    let reps = 0
    while (cpuSeconds() - t0 < seconds) {
      f()
      reps++
    }
    return (2 * M * Nn * K * reps) / (cpuSeconds() - t0) / 1e9
  }
  return {
    forward: run(() => arena.gemm(M, Nn, K, rowMajor(a, K), transposed(b, K), out(c, Nn), false)),
    dinput: run(() => arena.gemm(M, K, Nn, rowMajor(c, Nn), rowMajor(b, K), out(d, K), false)),
    dweight: run(() => arena.gemm(Nn, K, M, transposed(c, Nn), rowMajor(a, K), out(w, K), true))
  }
}

const ourTraining = (model: Model): number => {
  const opt = AdamW.forModel(model)
  const batch = Batch.alloc(B, T)
  for (let i = 0; i < N; i++) {
    batch.tokens[i] = (i * 2654435761) % 4096
    batch.targets[i] = (i * 40503) % 4096
  }
  const step = () => {
    model.zeroGrad()
    model.forward(batch, 1)
    model.backward()
    opt.update(model.params, model.grads, 1e-4, 1)
  }
  step()
  const t0 = cpuSeconds()
  for (let s = 0; s < steps; s++) step()
  return (N * steps) / (cpuSeconds() - t0)
}

for (const variant of ["gpt2", "llama"] as const) {
  const config = Config.make(variant, size, 4096)
  const model = Model.init(config, 1)
  const peer = torchPeer(model, variant === "gpt2")
  const torch = typeof peer === "string" ? undefined : peer
  if (typeof peer === "string") console.log(`PyTorch peer unavailable (${peer}); printing our figures only`)
  if (variant === "gpt2") {
    console.log(`matmul, one thread, GFLOP/s (ours: forward x·Wᵀ / dinput dy·W / dweight dyᵀ·x${torch ? `; PyTorch ${torch.torch} x @ W.t()` : ""})`)
    for (const [name, [M, Nn, K]] of Object.entries(matmuls)) {
      const ours = ourMatmul(M, Nn, K, 1)
      const theirs = torch?.matmul[name]
      console.log(`  ${name.padEnd(24)} ${ours.forward!.toFixed(1)} / ${ours.dinput!.toFixed(1)} / ${ours.dweight!.toFixed(1)}` +
        (theirs ? `   torch ${theirs.toFixed(1)}   ratio ${(ours.forward! / theirs).toFixed(2)}x` : ""))
    }
  }
  const ours = ourTraining(model)
  console.log(`training ${(Config.parameterCount(config) / 1e6).toFixed(2)}M-param ${variant}, batch ${B}x${T}, one thread: ours ${ours.toFixed(0)} tokens/s` +
    (torch ? `, PyTorch ${torch.tokensPerSec.toFixed(0)} tokens/s, ratio ${(ours / torch.tokensPerSec).toFixed(2)}x` : ""))
}
