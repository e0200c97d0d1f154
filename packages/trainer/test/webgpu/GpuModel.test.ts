import { Effect } from "effect"
import { describe, expect } from "vitest"
import { Batch, Config, Model, Optimizer } from "../../src/index.ts"
import { GpuModel } from "../../src/webgpu/GpuModel.ts"
import { useGpu } from "./support.ts"

const run = <A>(e: Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(e)

/** Tiny models of both variants: 2 layers, d 16, 2 heads (head size 8), vocabulary 50. */
const configs = {
  gpt2: Config.make("gpt2", { nLayer: 2, nHead: 2, dModel: 16, contextLength: 32 }, 50),
  llama: Config.make("llama", { nLayer: 2, nHead: 2, dModel: 16, contextLength: 32 }, 50, { dFF: 24 })
}

/** Two 20-token rows: three documents (one of a single token), and one document padded after 15 tokens. */
const packedBatch = (): Batch.Batch => {
  const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i * 7 + seed * 13 + ((i * i) % 5)) % 50)
  return Batch.fromSequences([{ inputIds: ids(20, 1), boundaries: [0, 6, 7, 20] }, { inputIds: ids(15, 2), boundaries: [0, 15] }], 20)
}

/** Largest absolute entry. */
const maxAbs = (x: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!))
  return m
}

/** Asserts every parameter tensor of `actual` is within `rel` of the largest entry of the same tensor of `expected`. */
const expectPerTensor = (model: Model.Model, actual: Float32Array, expected: Float32Array, rel: number, floor: number): void => {
  for (const s of model.specs) {
    const e = expected.subarray(s.offset, s.offset + s.size)
    const a = actual.subarray(s.offset, s.offset + s.size)
    const tol = Math.max(rel * maxAbs(e), floor)
    let worst = 0
    for (let i = 0; i < s.size; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!))
    expect(worst, `${s.name}: max difference ${worst} over ${tol}`).toBeLessThanOrEqual(tol)
  }
}

describe("WebGPU model", () => {
  const gpuIt = useGpu()
  for (const variant of ["gpt2", "llama"] as const) {
    gpuIt(`${variant}: loss and gradients of a packed batch match the CPU backend`, async (gpu) => {
      const model = Model.Model.init(configs[variant], 7)
      const batch = packedBatch()
      model.zeroGrad()
      const cpuLoss = model.forward(batch, 1)
      model.backward()
      const gm = new GpuModel(gpu, model)
      try {
        const gpuLoss = await run(gm.lossAndGradients(batch))
        expect(Math.abs(gpuLoss - cpuLoss) / cpuLoss).toBeLessThan(1e-5)
        const grads = new Float32Array(model.grads.size)
        await run(gm.readGradients(grads))
        // fp32 with a different summation order: each tensor within 1e-4 of its largest entry
        expectPerTensor(model, grads, model.grads.data, 1e-4, 1e-9)
        // a second call zeroes the gradients first
        await run(gm.lossAndGradients(batch))
        const again = new Float32Array(model.grads.size)
        await run(gm.readGradients(again))
        expectPerTensor(model, again, grads, 1e-6, 0)
      } finally {
        gm.destroy()
      }
    })

    gpuIt(`${variant}: one AdamW step with clipping matches the CPU optimizer`, async (gpu) => {
      const model = Model.Model.init(configs[variant], 3)
      const batch = packedBatch()
      const gm = new GpuModel(gpu, model)
      try {
        const options = { ...Optimizer.defaults, lr: 1e-3, maxGradNorm: 0.5 }
        const result = await run(gm.trainStep([batch, batch], options))
        model.zeroGrad()
        let cpuLoss = 0
        for (let k = 0; k < 2; k++) {
          cpuLoss += model.forward(batch, 0.5) / 2
          model.backward()
        }
        const opt = Optimizer.AdamW.forModel(model)
        const cpuNorm = opt.update(model.params, model.grads, options.lr, options.maxGradNorm)
        expect(Math.abs(result.loss - cpuLoss) / cpuLoss).toBeLessThan(1e-5)
        expect(Math.abs(result.gradNorm - cpuNorm) / cpuNorm).toBeLessThan(1e-4)
        expect(cpuNorm).toBeGreaterThan(options.maxGradNorm) // clipping was active
        const updated = Model.Model.empty(model.config)
        const moments = { m: new Float32Array(model.params.size), v: new Float32Array(model.params.size) }
        await run(gm.download(updated, moments))
        // every weight within 1% of the learning rate of the CPU step
        let worst = 0
        for (let i = 0; i < model.params.size; i++) worst = Math.max(worst, Math.abs(updated.params.data[i]! - model.params.data[i]!))
        expect(worst).toBeLessThan(0.01 * options.lr)
        expectPerTensor(model, moments.m, opt.m, 1e-4, 1e-12)
        expect(gm.step).toBe(1)
      } finally {
        gm.destroy()
      }
    })
  }

  gpuIt("a short training run on the GPU lowers the loss, following the CPU backend's curve", async (gpu) => {
    const model = Model.Model.init(configs.llama, 1)
    const stream = Array.from({ length: 400 }, (_, i) => ((i % 7) * 3 + Math.floor(i / 70)) % 50)
    const gm = new GpuModel(gpu, model)
    const opt = Optimizer.AdamW.forModel(model)
    const options = { ...Optimizer.defaults, lr: 1e-2, maxGradNorm: 1 }
    try {
      const losses: Array<number> = []
      const cpuLosses: Array<number> = []
      for (let step = 0; step < 25; step++) {
        const batch = Batch.alloc(2, 24)
        for (let b = 0; b < 2; b++) Batch.fillRowFromStream(batch, b, stream, (step * 48 + b * 24) % 340)
        losses.push((await run(gm.trainStep([batch], options))).loss)
        model.zeroGrad()
        cpuLosses.push(model.forward(batch, 1))
        model.backward()
        opt.update(model.params, model.grads, options.lr, options.maxGradNorm)
      }
      const mean = (xs: ReadonlyArray<number>) => xs.reduce((x, y) => x + y, 0) / xs.length
      expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)))
      // 25 steps of fp32 drift: within 1e-3 relative of the CPU backend at every step
      for (let i = 0; i < losses.length; i++) expect(Math.abs(losses[i]! - cpuLosses[i]!)).toBeLessThan(1e-3 * cpuLosses[i]!)
    } finally {
      gm.destroy()
    }
  })
})
