/**
 * The training loop on the WebGPU backend: the CPU trainer's run (the same options, data order,
 * learning-rate schedule, clipping, metrics, evaluations, checkpoints, exact resume and summary),
 * with each optimizer step on a {@link GpuModel}. Asynchronous: the GPU is awaited once per
 * micro-batch, and the losses and gradient norm are read back once per step. Checkpoints read the
 * weights and AdamW moments back into the CPU model and optimizer, so they are the CPU backend's
 * checkpoints (either backend resumes them).
 *
 * @since 0.1.0
 */
import { Gpu } from "@pretrain/gpu-kernels"
import { Effect } from "effect"
import * as Batch from "../Batch.ts"
import * as Checkpoint from "../Checkpoint.ts"
import * as Data from "../Data.ts"
import type { Source } from "../Data.ts"
import { TrainerError } from "../Errors.ts"
import * as HeldOut from "../internal/heldOut.ts"
import { AdamW, learningRate } from "../Optimizer.ts"
import * as Trainer from "../Trainer.ts"
import { GpuModel } from "./GpuModel.ts"

const run = <A>(e: Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(e)

/**
 * Held-out loss and bits per byte on the GPU, as `Trainer.evaluate` computes them on the CPU.
 *
 * @since 0.1.0 @category evaluation
 */
export const evaluate = async (
  model: GpuModel,
  source: Source,
  options: { readonly batchSize: number; readonly seqLen: number; readonly batches: number },
  tokenBytes?: ArrayLike<number>
): Promise<{ loss: number; bitsPerByte: number | undefined; tokens: number }> => {
  const totals = new HeldOut.Totals(tokenBytes)
  for (const batch of HeldOut.batches(source, options)) {
    const r = await run(model.evaluate(batch))
    if (r.count !== 0) totals.add(batch, r.loss, r.count)
  }
  return totals.result()
}

/**
 * Trains `run.model` on a device for `options.steps` optimizer steps; on return `run.model` holds
 * the trained weights. LoRA runs are CPU-only.
 *
 * @since 0.1.0 @category training
 */
export const trainOn = async (gpu: Gpu.GpuContext, run_: Trainer.Run): Promise<Trainer.Result> => {
  if (run_.lora) throw new TrainerError({ file: "--backend", reason: "LoRA training runs on the CPU backend only; use --backend cpu" })
  const o: Trainer.TrainOptions = { ...Trainer.defaults, ...run_.options }
  const model = run_.model
  const T = Math.min(o.seqLen, model.config.contextLength)
  const adamw = { beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay }
  const optimizer = run_.resume?.optimizer ?? AdamW.forModel(model, adamw)
  const gm = new GpuModel(gpu, model)
  try {
    if (run_.resume) gm.loadOptimizer(optimizer.m, optimizer.v, optimizer.step)
    const order = new Data.Order(run_.train.size, o.seed)
    const batches = Array.from({ length: o.gradAccum }, () => Batch.alloc(o.batchSize, T))
    const log = new Trainer.RunLog(run_, o, T)
    const runEval = async () => {
      if (run_.heldOut) log.evaluated(await evaluate(gm, run_.heldOut, { batchSize: o.batchSize, seqLen: T, batches: o.evalBatches }, run_.tokenBytes))
    }
    const saveCheckpoint = async () => {
      if (!log.checkpoints) return
      await run(gm.download(model, optimizer))
      optimizer.step = gm.step
      log.checkpointSaved(Checkpoint.save(log.checkpoints, model, optimizer, log.state(), o.keepLast))
    }
    while (log.step < o.steps) {
      const t0 = performance.now()
      const first = log.consumed
      for (const batch of batches) {
        Data.fillBatch(batch, run_.train, order, log.consumed)
        log.consumed += o.batchSize
      }
      const lr = learningRate(log.schedule, log.step)
      let result
      try {
        result = await run(gm.trainStep(batches, { ...adamw, lr, maxGradNorm: o.maxGradNorm }))
      } catch (e) {
        throw Trainer.locate(e, run_.train, order, first, T)
      }
      log.stepped(t0, result.loss, lr, result.gradNorm)
      if (log.evalDue()) await runEval()
      if (log.checkpointDue()) await saveCheckpoint()
    }
    await runEval()
    await saveCheckpoint()
    await run(gm.download(model, optimizer))
    optimizer.step = gm.step
    return log.finish(model.config)
  } finally {
    gm.destroy()
  }
}

/**
 * {@link trainOn} a device of its own (`Gpu.request(device)`, released at the end). Rejects with
 * `GpuUnavailable` (from `@pretrain/gpu-kernels`, with what to install) when there is no adapter.
 *
 * @since 0.1.0 @category training
 */
export const train = async (run_: Trainer.Run, device: Gpu.Options = {}): Promise<Trainer.Result> => {
  if (run_.lora) throw new TrainerError({ file: "--backend", reason: "LoRA training runs on the CPU backend only; use --backend cpu" })
  const { gpu, close } = await Gpu.request(device)
  try {
    return await trainOn(gpu, run_)
  } finally {
    close()
  }
}
