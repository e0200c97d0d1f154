import { describe, expect } from "vitest"
import { AdamW, Batch, CrossEntropy, Embedding, Gelu, GradNorm, LayerNorm, Matmul, Reference, Tensor } from "../src/index.ts"
import { expectTensorClose, random, randomInts, run, useGpu } from "./support.ts"

describe("Batch", () => {
  const gpuIt = useGpu()

  gpuIt("a whole training step (forward, backward, clipping, AdamW) in one submission matches the CPU references", async (gpu) => {
    const [V, C, H, N] = [13, 12, 20, 9]
    const ids = randomInts(N, 1, V)
    const targets = randomInts(N, 2, V)
    const init = { wte: random(V * C, 3), lnw: random(C, 4, 0.5, 1.5), lnb: random(C, 5), w1: random(H * C, 6), w2: random(V * H, 7) }
    const sizes = { wte: [V, C], lnw: [C], lnb: [C], w1: [H, C], w2: [V, H] } as const
    const names = ["wte", "lnw", "lnb", "w1", "w2"] as const
    const opt = { lr: 1e-2, weightDecay: 0.01, t: 1 }

    // CPU: the same step with the references
    const cpu = Object.fromEntries(names.map((k) => [k, init[k].slice()])) as Record<(typeof names)[number], Float32Array>
    const x = new Float32Array(N * C)
    const h = new Float32Array(N * C)
    const mean = new Float32Array(N)
    const rstd = new Float32Array(N)
    const a = new Float32Array(N * H)
    const g = new Float32Array(N * H)
    const logits = new Float32Array(N * V)
    const losses = new Float32Array(N)
    Reference.embeddingForward(x, cpu.wte, ids, N, C)
    Reference.layernormForward(h, mean, rstd, x, cpu.lnw, cpu.lnb, N, C)
    Reference.matmulForward(a, h, cpu.w1, N, C, H, { transB: true })
    Reference.geluForward(g, a, N * H)
    Reference.matmulForward(logits, g, cpu.w2, N, H, V, { transB: true })
    Reference.crossEntropyForward(losses, logits, targets, N, V)
    const grad = Object.fromEntries(names.map((k) => [k, new Float32Array(cpu[k].length)])) as Record<(typeof names)[number], Float32Array>
    const dlogits = new Float32Array(N * V)
    const dg = new Float32Array(N * H)
    const da = new Float32Array(N * H)
    const dh = new Float32Array(N * C)
    const dx = new Float32Array(N * C)
    Reference.crossEntropyBackward(dlogits, logits, targets, 1 / N, N, V)
    Reference.matmulBackward(dg, grad.w2, dlogits, g, cpu.w2, N, H, V, { transB: true })
    Reference.geluBackward(da, a, dg, N * H)
    Reference.matmulBackward(dh, grad.w1, da, h, cpu.w1, N, C, H, { transB: true })
    Reference.layernormBackward(dx, grad.lnw, grad.lnb, dh, x, cpu.lnw, mean, rstd, N, C)
    Reference.embeddingBackward(grad.wte, dx, ids, N, C)
    const norm = Reference.gradNorm(names.map((k) => grad[k]))
    const scale = Reference.clipScale(norm, 0.5)
    const m = Object.fromEntries(names.map((k) => [k, new Float32Array(cpu[k].length)]))
    const v = Object.fromEntries(names.map((k) => [k, new Float32Array(cpu[k].length)]))
    for (const k of names) Reference.adamw(cpu[k], grad[k], m[k]!, v[k]!, cpu[k].length, { ...opt, gradScale: scale })

    // GPU: one batch, one submission
    const T = (shape: ReadonlyArray<number>) => Tensor.zeros(gpu, shape)
    const p = Object.fromEntries(names.map((k) => [k, Tensor.fromArray(gpu, init[k], sizes[k])])) as Record<(typeof names)[number], Tensor.Tensor>
    const dp = Object.fromEntries(names.map((k) => [k, T(sizes[k])])) as Record<(typeof names)[number], Tensor.Tensor>
    const mv = Object.fromEntries(names.map((k) => [k, { m: T(sizes[k]), v: T(sizes[k]) }]))
    const tids = Tensor.fromArray(gpu, ids)
    const ttargets = Tensor.fromArray(gpu, targets)
    const act = { x: T([N, C]), h: T([N, C]), a: T([N, H]), g: T([N, H]), logits: T([N, V]), losses: T([N]), mean: T([N]), rstd: T([N]) }
    const d = { logits: T([N, V]), g: T([N, H]), a: T([N, H]), h: T([N, C]), x: T([N, C]) }
    const normOut = T([2])
    const dispatches = await run(
      Batch.run(gpu, (b) => {
        Embedding.forward(b, act.x, p.wte, tids)
        LayerNorm.forward(b, act.h, act, act.x, p.lnw, p.lnb)
        Matmul.forward(b, act.a, act.h, p.w1, { transB: true })
        Gelu.forward(b, act.g, act.a)
        Matmul.forward(b, act.logits, act.g, p.w2, { transB: true })
        CrossEntropy.forwardBackward(b, act.losses, d.logits, act.logits, ttargets, 1 / N)
        Matmul.backward(b, d.g, dp.w2, d.logits, act.g, p.w2, { transB: true })
        Gelu.backward(b, d.a, act.a, d.g)
        Matmul.backward(b, d.h, dp.w1, d.a, act.h, p.w1, { transB: true })
        LayerNorm.backward(b, { dinp: d.x, dweight: dp.lnw, dbias: dp.lnb }, d.h, act.x, p.lnw, act)
        Embedding.backward(b, dp.wte, d.x, tids)
        GradNorm.forward(b, normOut, names.map((k) => dp[k]), 0.5)
        for (const k of names) AdamW.step(b, { params: p[k], grads: dp[k], ...mv[k]! }, opt, { tensor: normOut, index: 1 })
        return b.dispatches
      })
    )
    expect(dispatches).toBeGreaterThan(20)
    await expectTensorClose(act.losses, losses, 1e-5, 1e-4)
    await expectTensorClose(normOut, [norm, scale], 1e-5, 1e-4)
    for (const k of names) await expectTensorClose(p[k], cpu[k], 1e-5, 1e-4)
  })
})
