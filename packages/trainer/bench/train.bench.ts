/**
 * Training throughput and matmul speed against PyTorch (one thread each, CPU time): the SIMD
 * WebAssembly matmul in GFLOP/s on the model's shapes, and training tokens/s of 4.3M-parameter
 * GPT-2-style and LLaMA-style models (4 layers, d 256, 4 heads, vocabulary 4096) on batches of
 * 8 x 256, the PyTorch side running the same weights (exported as safetensors) through the parity
 * reference, all in one run. Run under `flock /tmp/bench.lock`.
 */
import * as Config from "../src/Config.ts"
import { Model } from "../src/Model.ts"
import { Arena, out, rowMajor, transposed } from "../src/Wasm.ts"
import { cpuTrainingTokensPerSec, syntheticBatch, threadSeconds, torchPeer } from "./support.ts"

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
    const t0 = threadSeconds()
    let reps = 0
    while (threadSeconds() - t0 < seconds) {
      f()
      reps++
    }
    return (2 * M * Nn * K * reps) / (threadSeconds() - t0) / 1e9
  }
  return {
    forward: run(() => arena.gemm(M, Nn, K, rowMajor(a, K), transposed(b, K), out(c, Nn), false)),
    dinput: run(() => arena.gemm(M, K, Nn, rowMajor(c, Nn), rowMajor(b, K), out(d, K), false)),
    dweight: run(() => arena.gemm(Nn, K, M, transposed(c, Nn), rowMajor(a, K), out(w, K), true))
  }
}

for (const variant of ["gpt2", "llama"] as const) {
  const config = Config.make(variant, size, 4096)
  const model = Model.init(config, 1)
  const peer = torchPeer(model, { B, T, steps, matmulSeconds: 1, ...(variant === "gpt2" ? { matmuls } : {}) })
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
  const ours = cpuTrainingTokensPerSec(model, syntheticBatch(B, T, 4096), steps)
  console.log(`training ${(Config.parameterCount(config) / 1e6).toFixed(2)}M-param ${variant}, batch ${B}x${T}, one thread: ours ${ours.toFixed(0)} tokens/s` +
    (torch ? `, PyTorch ${torch.tokensPerSec.toFixed(0)} tokens/s, ratio ${(ours / torch.tokensPerSec).toFixed(2)}x` : ""))
}
