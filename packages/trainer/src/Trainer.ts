/**
 * The training loop: micro-batches with gradient accumulation, warmup + cosine learning rate,
 * gradient clipping, AdamW; metrics per step to `metrics.jsonl`, periodic held-out evaluation
 * (loss, bits per byte), checkpoints with exact resume, the loss-curve SVG and a run summary that
 * `pretrain scaling fit` reads. Synchronous; one thread.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Batch from "./Batch.ts"
import * as Checkpoint from "./Checkpoint.ts"
import * as Config from "./Config.ts"
import * as Data from "./Data.ts"
import { TrainerError } from "./Errors.ts"
import type { Source } from "./Data.ts"
import * as Metrics from "./Metrics.ts"
import type { EvalRecord, MetricRecord, StepRecord } from "./Metrics.ts"
import type { Lora } from "./Lora.ts"
import type { Model } from "./Model.ts"
import { AdamW, learningRate } from "./Optimizer.ts"
import * as Safetensors from "./Safetensors.ts"

/** @since 0.1.0 @category models */
export interface TrainOptions {
  readonly steps: number
  /** Sequences per micro-batch. */
  readonly batchSize: number
  /** Tokens per sequence (at most the context length). */
  readonly seqLen: number
  /** Micro-batches per optimizer step. */
  readonly gradAccum: number
  readonly lr: number
  readonly minLr: number
  readonly warmupSteps: number
  readonly weightDecay: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  /** Clip the global gradient norm to this (0: no clipping). */
  readonly maxGradNorm: number
  readonly seed: number
  /** Evaluate every N steps (0: only at the end). */
  readonly evalEvery: number
  /** Held-out batches per evaluation. */
  readonly evalBatches: number
  /** Checkpoint every N steps (0: only at the end). */
  readonly checkpointEvery: number
  /** Checkpoints kept (0: all). */
  readonly keepLast: number
  /** Peak FLOP/s of the device for MFU (default: 50 GFLOP/s, one core's 128-bit FMA peak at ~3 GHz). */
  readonly peakFlops: number
}

/** nanoGPT-like defaults scaled to small runs. @since 0.1.0 @category constants */
export const defaults: TrainOptions = {
  steps: 100,
  batchSize: 8,
  seqLen: 256,
  gradAccum: 1,
  lr: 6e-4,
  minLr: 6e-5,
  warmupSteps: 10,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  maxGradNorm: 1,
  seed: 1337,
  evalEvery: 0,
  evalBatches: 4,
  checkpointEvery: 0,
  keepLast: 3,
  peakFlops: 50e9
}

/** @since 0.1.0 @category models */
export interface Run {
  readonly model: Model
  readonly train: Source
  readonly heldOut?: Source | undefined
  readonly options?: Partial<TrainOptions> | undefined
  /** Output directory (metrics.jsonl, loss.svg, checkpoints/, summary.json); none: in memory only. */
  readonly out?: string | undefined
  /** UTF-8 bytes of each token id (for bits per byte). */
  readonly tokenBytes?: ArrayLike<number> | undefined
  /** Continue from a checkpoint's optimizer and state. */
  readonly resume?: { readonly optimizer: AdamW; readonly state: Checkpoint.State } | undefined
  readonly onRecord?: ((record: MetricRecord) => void) | undefined
  /** Train only these LoRA adapters (attached to `model`); checkpoints hold the adapters. */
  readonly lora?: Lora | undefined
  /** The base checkpoint of a LoRA run (recorded in its checkpoints). */
  readonly base?: string | undefined
}

/** @since 0.1.0 @category models */
export interface Result {
  readonly steps: number
  readonly tokens: number
  readonly records: ReadonlyArray<MetricRecord>
  readonly finalTrainLoss: number
  readonly finalEval: EvalRecord | undefined
  readonly checkpoint: string | undefined
}

/**
 * Held-out loss (mean over target tokens) and bits per byte over up to `batches` batches.
 *
 * @since 0.1.0 @category evaluation
 */
export const evaluate = (model: Model, source: Source, options: { readonly batchSize: number; readonly seqLen: number; readonly batches: number }, tokenBytes?: ArrayLike<number>): { loss: number; bitsPerByte: number | undefined; tokens: number } => {
  const batch = Batch.alloc(options.batchSize, options.seqLen)
  let nats = 0
  let count = 0
  let bytes = 0
  for (let k = 0, n = 0; n < options.batches && k < source.size; n++, k += options.batchSize) {
    for (let b = 0; b < options.batchSize; b++) Batch.fillRow(batch, b, source.get((k + b) % source.size))
    const loss = model.forward(batch)
    if (Number.isNaN(loss)) continue
    nats += loss * model.lastTargetCount
    count += model.lastTargetCount
    if (tokenBytes) for (let i = 0; i < batch.targets.length; i++) if (batch.targets[i]! >= 0) bytes += tokenBytes[batch.targets[i]!]!
  }
  return { loss: nats / count, bitsPerByte: tokenBytes && bytes > 0 ? nats / Math.LN2 / bytes : undefined, tokens: count }
}

/**
 * Names the dataset sequence of a bad token (`<batch>` errors carry the token's index in the batch).
 *
 * @since 0.1.0 @category errors
 */
export const locate = (e: unknown, source: Source, order: Data.Order, first: number, T: number): unknown => {
  const match = e instanceof TrainerError && e.file === "<batch>" ? /^(token|target) (\d+)$/.exec(e.position ?? "") : null
  if (!match) return e
  const n = Number(match[2])
  const row = Math.floor(n / T)
  return new TrainerError({
    file: source.name ?? "<data>",
    position: `sequence ${order.index(first + row)}, position ${n % T + (match[1] === "target" ? 1 : 0)}`,
    reason: (e as TrainerError).reason
  })
}

/**
 * Trains `run.model` for `options.steps` optimizer steps (continuing from `resume`), writing
 * metrics, checkpoints and the summary under `run.out`.
 *
 * @since 0.1.0 @category training
 */
export const train = (run: Run): Result => {
  const o: TrainOptions = { ...defaults, ...run.options }
  const model = run.model
  const T = Math.min(o.seqLen, model.config.contextLength)
  const lora = run.lora
  const adamw = { beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay }
  const optimizer = run.resume?.optimizer ?? (lora ? new AdamW(lora.specs, lora.params.size, adamw) : AdamW.forModel(model, adamw))
  const trainable = lora ?? model
  const order = new Data.Order(run.train.size, o.seed)
  const batch = Batch.alloc(o.batchSize, T)
  const schedule = { lr: o.lr, minLr: o.minLr, warmupSteps: o.warmupSteps, totalSteps: o.steps }
  const flopsPerToken = Config.trainingFlopsPerToken(model.config, T)
  const metricsFile = run.out ? path.join(run.out, "metrics.jsonl") : undefined
  const checkpoints = run.out ? path.join(run.out, "checkpoints") : undefined
  if (run.out) fs.mkdirSync(run.out, { recursive: true })
  let step = run.resume?.state.step ?? 0
  let consumed = run.resume?.state.consumed ?? 0
  let tokens = run.resume?.state.tokens ?? 0
  let elapsed = run.resume?.state.elapsedSec ?? 0
  if (metricsFile) {
    if (run.resume) Metrics.truncate(metricsFile, step)
    else fs.writeFileSync(metricsFile, "")
  }
  const records: Array<MetricRecord> = metricsFile ? Metrics.read(metricsFile) : []
  const emit = (r: MetricRecord) => {
    records.push(r)
    if (metricsFile) Metrics.append(metricsFile, r)
    run.onRecord?.(r)
  }
  let finalEval: EvalRecord | undefined
  const runEval = () => {
    if (!run.heldOut) return
    const e = evaluate(model, run.heldOut, { batchSize: o.batchSize, seqLen: T, batches: o.evalBatches }, run.tokenBytes)
    finalEval = { kind: "eval", step, loss: e.loss, bitsPerByte: e.bitsPerByte, tokens: e.tokens }
    emit(finalEval)
  }
  let lastCheckpoint: string | undefined
  const saveCheckpoint = () => {
    if (!checkpoints) return
    const state = { step, consumed, tokens, elapsedSec: elapsed, options: o as unknown as Record<string, unknown>, base: run.base }
    lastCheckpoint = Checkpoint.save(checkpoints, model, optimizer, state, o.keepLast, lora)
    Safetensors.writeFileAtomic(path.join(run.out!, "loss.svg"), Metrics.lossCurveSvg(records))
  }
  let lastLoss = Number.NaN
  while (step < o.steps) {
    const t0 = performance.now()
    trainable.zeroGrad()
    let loss = 0
    for (let micro = 0; micro < o.gradAccum; micro++) {
      Data.fillBatch(batch, run.train, order, consumed)
      try {
        loss += model.forward(batch, 1 / o.gradAccum) / o.gradAccum
      } catch (e) {
        throw locate(e, run.train, order, consumed, T)
      }
      consumed += o.batchSize
      model.backward()
    }
    const lr = learningRate(schedule, step)
    const gradNorm = optimizer.update(trainable.params, trainable.grads, lr, o.maxGradNorm)
    step++
    const stepTokens = o.batchSize * T * o.gradAccum
    tokens += stepTokens
    const sec = (performance.now() - t0) / 1000
    elapsed += sec
    const tokensPerSec = stepTokens / sec
    lastLoss = loss
    const record: StepRecord = { kind: "train", step, loss, lr, gradNorm, tokens, tokensPerSec, mfu: (tokensPerSec * flopsPerToken) / o.peakFlops, elapsedSec: elapsed }
    emit(record)
    if (o.evalEvery > 0 && step % o.evalEvery === 0 && step < o.steps) runEval()
    if (o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < o.steps) saveCheckpoint()
  }
  runEval()
  saveCheckpoint()
  if (run.out) writeSummary(run.out, model.config, { tokens, steps: step, lastLoss, finalEval, flopsPerToken })
  return { steps: step, tokens, records, finalTrainLoss: lastLoss, finalEval, checkpoint: lastCheckpoint }
}

/**
 * Writes `summary.json` (what `pretrain scaling fit` reads) for a finished run: the held-out loss
 * when there was an evaluation, else the last training loss.
 *
 * @since 0.1.0 @category training
 */
export const writeSummary = (
  out: string,
  config: Config.ModelConfig,
  r: { readonly tokens: number; readonly steps: number; readonly lastLoss: number; readonly finalEval: EvalRecord | undefined; readonly flopsPerToken: number }
): void => {
  const summary = {
    runs: [{
      params: Config.parameterCount(config),
      nonEmbeddingParams: Config.nonEmbeddingParameterCount(config),
      tokens: r.tokens,
      loss: r.finalEval?.loss ?? r.lastLoss,
      flops: r.flopsPerToken * r.tokens,
      steps: r.steps,
      lossSource: r.finalEval ? "held-out" : "train",
      bitsPerByte: r.finalEval?.bitsPerByte,
      config
    }]
  }
  Safetensors.writeFileAtomic(path.join(out, "summary.json"), JSON.stringify(summary, null, 2) + "\n")
}

/**
 * {@link train} as an Effect: failures become {@link TrainerError} (typed errors from the data,
 * checkpoints and configuration pass through unchanged).
 *
 * @since 0.1.0 @category training
 */
export const trainEffect = (run: Run): Effect.Effect<Result, TrainerError> =>
  Effect.try({
    try: () => train(run),
    catch: (e) => e instanceof TrainerError ? e : new TrainerError({ file: run.out ?? "<run>", reason: e instanceof Error ? e.message : String(e) })
  })
