/**
 * Throughput of each training kernel on the adapter present, against its CPU reference in the same
 * run: GFLOP/s for matmul and attention (2 flops per multiply-add; causal attention counts only the
 * j <= t half), GB/s (bytes read + written once) for the memory-bound kernels. Sizes grow with
 * BENCH_SCALE (default 1: small enough for lavapipe).
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { AdamW, Attention, CrossEntropy, Gelu, LayerNorm, Matmul, Reference, Softmax, Tensor } from "../src/index.ts"
import { acquire, data, fmt, SCALE, table, timeCpu, timeGpu } from "./support.ts"

const env = await acquire()
if (env === undefined) process.exit(0)
const { gpu, close } = env
console.log(`adapter: ${gpu.adapterName}; features: ${[...gpu.features].join(", ") || "none"}`)

const rows: Array<Array<string>> = []
// shapes timed again with PyTorch (same GPU, same run) when torch with CUDA is importable
const torchCases: Array<{ kind: "matmul" | "attention"; label: string; work: number; gpuS: number; reps: number } & Record<string, unknown>> = []
const report = (name: string, size: string, work: number, unit: "GFLOP/s" | "GB/s", gpuS: number, cpuS: number) => {
  const g = work / gpuS / 1e9
  const c = work / cpuS / 1e9
  rows.push([name, size, unit, fmt(g), fmt(c), fmt(g / c, 1) + "x", fmt(gpuS * 1e3, 3)])
}
const reps = (work: number) => Math.max(1, Math.min(20, Math.round(2e8 / work)))

// matmul: square and GPT-2-like shapes (x [BT, C] @ Wᵀ [C, OC])
for (const [M, K, N] of [[128, 128, 128], [256, 256, 256], [512, 512, 512], [256 * SCALE, 768, 768]].map((s) => s.map(Math.round))) {
  const a = data(M! * K!, 1)
  const b = data(K! * N!, 2)
  const out = new Float32Array(M! * N!)
  const flops = 2 * M! * K! * N!
  const ta = Tensor.fromArray(gpu, a, [M!, K!])
  const tb = Tensor.fromArray(gpu, b, [N!, K!])
  const tout = Tensor.zeros(gpu, [M!, N!])
  const gpuS = await timeGpu(gpu, (batch) => Matmul.forward(batch, tout, ta, tb, { transB: true }), reps(flops))
  const cpuS = timeCpu(() => Reference.matmulForward(out, a, b, M!, K!, N!, { transB: true }), 1)
  report("matmul (A @ Bᵀ)", `${M}x${K}x${N}`, flops, "GFLOP/s", gpuS, cpuS)
  torchCases.push({ kind: "matmul", label: `matmul ${M}x${K}x${N}`, work: flops, gpuS, reps: 20, M, K, N })
  for (const t of [ta, tb, tout]) t.destroy()
}

// flash attention forward and backward, head dim 64
for (const [rows_, T] of [[4, 128], [4 * SCALE, 256]].map((s) => s.map(Math.round))) {
  const D = 64
  const n = rows_! * T! * D
  const [q, k, v, dout] = [1, 2, 3, 4].map((s) => data(n, s)) as [Float32Array, Float32Array, Float32Array, Float32Array]
  const out = new Float32Array(n)
  const lse = new Float32Array(rows_! * T!)
  const scale = Attention.defaultScale(D)
  const flops = 2 * rows_! * T! * (T! + 1) * D
  const t = { q: Tensor.fromArray(gpu, q), k: Tensor.fromArray(gpu, k), v: Tensor.fromArray(gpu, v), out: Tensor.zeros(gpu, [n]), lse: Tensor.zeros(gpu, [rows_! * T!]) }
  const g = { dq: Tensor.zeros(gpu, [n]), dk: Tensor.zeros(gpu, [n]), dv: Tensor.zeros(gpu, [n]) }
  const tdout = Tensor.fromArray(gpu, dout)
  const fwd = await timeGpu(gpu, (b) => Attention.forward(b, t.out, t.lse, t, T!, D), reps(flops))
  const cpuFwd = timeCpu(() => Reference.attentionForward(out, lse, q, k, v, rows_!, T!, D, scale), 1)
  report("attention forward", `${rows_}x${T}x${D}`, flops, "GFLOP/s", fwd, cpuFwd)
  torchCases.push({ kind: "attention", label: `attention forward ${rows_}x${T}x${D}`, work: flops, gpuS: fwd, reps: 20, rows: rows_, T, D })
  const bwd = await timeGpu(gpu, (b) => Attention.backward(b, g, tdout, t, T!, D), reps(2 * flops))
  const [dq, dk, dv] = [0, 0, 0].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array]
  const cpuBwd = timeCpu(() => Reference.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, rows_!, T!, D, scale), 1)
  report("attention backward", `${rows_}x${T}x${D}`, 2 * flops, "GFLOP/s", bwd, cpuBwd)
}

// memory-bound kernels at N rows of C = 768
{
  const N = Math.round(256 * SCALE)
  const C = 768
  const x = data(N * C, 5)
  const w = data(C, 6)
  const bias = data(C, 7)
  const tx = Tensor.fromArray(gpu, x, [N, C])
  const tw = Tensor.fromArray(gpu, w)
  const tb = Tensor.fromArray(gpu, bias)
  const tout = Tensor.zeros(gpu, [N, C])
  const stats = { mean: Tensor.zeros(gpu, [N]), rstd: Tensor.zeros(gpu, [N]) }
  const out = new Float32Array(N * C)
  const mean = new Float32Array(N)
  const rstd = new Float32Array(N)
  const bytes = 2 * N * C * 4
  report(
    "layernorm forward",
    `${N}x${C}`,
    bytes,
    "GB/s",
    await timeGpu(gpu, (b) => LayerNorm.forward(b, tout, stats, tx, tw, tb), 10),
    timeCpu(() => Reference.layernormForward(out, mean, rstd, x, w, bias, N, C))
  )
  report(
    "gelu forward",
    `${N}x${C}`,
    bytes,
    "GB/s",
    await timeGpu(gpu, (b) => Gelu.forward(b, tout, tx), 10),
    timeCpu(() => Reference.geluForward(out, x, N * C))
  )
  const V = 8192
  const NV = Math.round(32 * SCALE)
  const logits = data(NV * V, 8)
  const targets = Uint32Array.from({ length: NV }, (_, i) => (i * 7919) % V)
  const tl = Tensor.fromArray(gpu, logits, [NV, V])
  const tt = Tensor.fromArray(gpu, targets)
  const tlosses = Tensor.zeros(gpu, [NV])
  const td = Tensor.zeros(gpu, [NV, V])
  const losses = new Float32Array(NV)
  const dl = new Float32Array(NV * V)
  report(
    "softmax + cross-entropy (fwd+bwd)",
    `${NV}x${V}`,
    3 * NV * V * 4,
    "GB/s",
    await timeGpu(gpu, (b) => CrossEntropy.forwardBackward(b, tlosses, td, tl, tt, 1 / NV), 10),
    timeCpu(() => {
      Reference.crossEntropyForward(losses, logits, targets, NV, V)
      Reference.crossEntropyBackward(dl, logits, targets, 1 / NV, NV, V)
    })
  )
  const T = 256
  const R = Math.max(1, Math.round(4 * SCALE))
  const att = data(R * T * T, 9)
  const tatt = Tensor.fromArray(gpu, att)
  const tprobs = Tensor.zeros(gpu, [R * T * T])
  const probs = new Float32Array(R * T * T)
  report(
    "causal softmax forward",
    `${R}x${T}x${T}`,
    2 * R * T * T * 4,
    "GB/s",
    await timeGpu(gpu, (b) => Softmax.forward(b, tprobs, tatt, T, 0.125), 10),
    timeCpu(() => Reference.softmaxCausalForward(probs, att, R, T, 0.125))
  )
  const P = Math.round(1 << 20) * SCALE
  const params = data(P, 10)
  const grads = data(P, 11)
  const m = new Float32Array(P)
  const vv = new Float32Array(P)
  const ts = { params: Tensor.fromArray(gpu, params), grads: Tensor.fromArray(gpu, grads), m: Tensor.zeros(gpu, [P]), v: Tensor.zeros(gpu, [P]) }
  report(
    "AdamW step",
    `${P}`,
    7 * P * 4,
    "GB/s",
    await timeGpu(gpu, (b) => AdamW.step(b, ts, { lr: 1e-3, t: 1 }), 10),
    timeCpu(() => Reference.adamw(params, grads, m, vv, P, { lr: 1e-3, t: 1 }))
  )
}

table(["kernel", "size", "unit", "GPU", "CPU ref", "GPU/CPU", "GPU ms"], rows)
close()

const torch = spawnSync("python3", [fileURLToPath(new URL("torch_reference.py", import.meta.url))], {
  input: JSON.stringify(torchCases),
  encoding: "utf8",
  timeout: 300_000
})
if (torch.status === 0) {
  const seconds = JSON.parse(torch.stdout) as Array<number | null>
  console.log("\nagainst PyTorch (fp32, TF32 off) on the same machine, same run:")
  table(
    ["case", "WebGPU GFLOP/s", "PyTorch GFLOP/s", "WebGPU/PyTorch"],
    torchCases.map((c, i) => {
      const t = seconds[i] ?? NaN
      return [c.label, fmt(c.work / c.gpuS / 1e9), fmt(c.work / t / 1e9), fmt(t / c.gpuS, 2)]
    })
  )
} else {
  console.log(`\nno PyTorch comparison: ${torch.status === 3 ? "torch with CUDA is not importable" : `python3 failed (${torch.error?.message ?? torch.stderr.trim().split("\n").pop()})`}`)
}
