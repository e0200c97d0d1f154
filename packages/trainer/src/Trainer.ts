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
import * as HeldOut from "./internal/heldOut.ts"
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
  const totals = new HeldOut.Totals(tokenBytes)
  for (const batch of HeldOut.batches(source, options)) {
    const loss = model.forward(batch)
    if (!Number.isNaN(loss)) totals.add(batch, loss, model.lastTargetCount)
  }
  return totals.result()
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
  const log = new RunLog(run, o, T)
  const runEval = () => {
    if (run.heldOut) log.evaluated(evaluate(model, run.heldOut, { batchSize: o.batchSize, seqLen: T, batches: o.evalBatches }, run.tokenBytes))
  }
  const saveCheckpoint = () => {
    if (log.checkpoints) log.checkpointSaved(Checkpoint.save(log.checkpoints, model, optimizer, log.state(), o.keepLast, lora))
  }
  while (log.step < o.steps) {
    const t0 = performance.now()
    trainable.zeroGrad()
    let loss = 0
    for (let micro = 0; micro < o.gradAccum; micro++) {
      Data.fillBatch(batch, run.train, order, log.consumed)
      try {
        loss += model.forward(batch, 1 / o.gradAccum) / o.gradAccum
      } catch (e) {
        throw locate(e, run.train, order, log.consumed, T)
      }
      log.consumed += o.batchSize
      model.backward()
    }
    const lr = learningRate(log.schedule, log.step)
    const gradNorm = optimizer.update(trainable.params, trainable.grads, lr, o.maxGradNorm)
    log.stepped(t0, loss, lr, gradNorm)
    if (log.evalDue()) runEval()
    if (log.checkpointDue()) saveCheckpoint()
  }
  runEval()
  saveCheckpoint()
  return log.finish(model.config)
}

/**
 * The bookkeeping of a training run that every backend shares: step, data position, tokens and
 * time counters (restored on resume), `metrics.jsonl` (truncated to the resumed step), the learning
 * rate schedule, MFU, `loss.svg` with each checkpoint, and `summary.json` at the end.
 *
 * @since 0.1.0 @category training
 */
export class RunLog {
  step: number
  consumed: number
  tokens: number
  elapsed: number
  lastLoss = Number.NaN
  finalEval: EvalRecord | undefined
  lastCheckpoint: string | undefined
  readonly records: Array<MetricRecord>
  readonly checkpoints: string | undefined
  readonly schedule: { readonly lr: number; readonly minLr: number; readonly warmupSteps: number; readonly totalSteps: number }
  readonly flopsPerToken: number
  private readonly metricsFile: string | undefined
  private readonly run: Run
  private readonly o: TrainOptions
  private readonly stepTokens: number

  constructor(run: Run, o: TrainOptions, T: number) {
    this.run = run
    this.o = o
    this.stepTokens = o.batchSize * T * o.gradAccum
    this.schedule = { lr: o.lr, minLr: o.minLr, warmupSteps: o.warmupSteps, totalSteps: o.steps }
    this.flopsPerToken = Config.trainingFlopsPerToken(run.model.config, T)
    this.metricsFile = run.out ? path.join(run.out, "metrics.jsonl") : undefined
    this.checkpoints = run.out ? path.join(run.out, "checkpoints") : undefined
    if (run.out) fs.mkdirSync(run.out, { recursive: true })
    this.step = run.resume?.state.step ?? 0
    this.consumed = run.resume?.state.consumed ?? 0
    this.tokens = run.resume?.state.tokens ?? 0
    this.elapsed = run.resume?.state.elapsedSec ?? 0
    if (this.metricsFile) {
      if (run.resume) Metrics.truncate(this.metricsFile, this.step)
      else fs.writeFileSync(this.metricsFile, "")
    }
    this.records = this.metricsFile ? Metrics.read(this.metricsFile) : []
  }

  /** Record a metrics line (file, in memory, `onRecord`). */
  emit(record: MetricRecord): void {
    this.records.push(record)
    if (this.metricsFile) Metrics.append(this.metricsFile, record)
    this.run.onRecord?.(record)
  }

  /** One optimizer step finished (started at `t0`, `performance.now()` time). */
  stepped(t0: number, loss: number, lr: number, gradNorm: number): void {
    this.step++
    this.tokens += this.stepTokens
    const sec = (performance.now() - t0) / 1000
    this.elapsed += sec
    const tokensPerSec = this.stepTokens / sec
    this.lastLoss = loss
    const record: StepRecord = {
      kind: "train",
      step: this.step,
      loss,
      lr,
      gradNorm,
      tokens: this.tokens,
      tokensPerSec,
      mfu: (tokensPerSec * this.flopsPerToken) / this.o.peakFlops,
      elapsedSec: this.elapsed
    }
    this.emit(record)
  }

  /** A held-out evaluation at the current step. */
  evaluated(e: { readonly loss: number; readonly bitsPerByte: number | undefined; readonly tokens: number }): void {
    this.finalEval = { kind: "eval", step: this.step, loss: e.loss, bitsPerByte: e.bitsPerByte, tokens: e.tokens }
    this.emit(this.finalEval)
  }

  /** Whether a periodic evaluation / checkpoint falls on this step (the last step has its own). */
  evalDue(): boolean {
    return this.o.evalEvery > 0 && this.step % this.o.evalEvery === 0 && this.step < this.o.steps
  }
  checkpointDue(): boolean {
    return this.o.checkpointEvery > 0 && this.step % this.o.checkpointEvery === 0 && this.step < this.o.steps
  }

  /** What a checkpoint records of the run. */
  state(): Checkpoint.State {
    return {
      step: this.step,
      consumed: this.consumed,
      tokens: this.tokens,
      elapsedSec: this.elapsed,
      options: this.o as unknown as Record<string, unknown>,
      base: this.run.base
    }
  }

  /** A checkpoint was written at `dir`: the loss curve is written beside it. */
  checkpointSaved(dir: string): void {
    this.lastCheckpoint = dir
    Safetensors.writeFileAtomic(path.join(this.run.out!, "loss.svg"), Metrics.lossCurveSvg(this.records))
  }

  /** The run's result, after writing `summary.json`. */
  finish(config: Config.ModelConfig): Result {
    const { finalEval, flopsPerToken, lastLoss, step, tokens } = this
    if (this.run.out) writeSummary(this.run.out, config, { tokens, steps: step, lastLoss, finalEval, flopsPerToken })
    return { steps: step, tokens, records: this.records, finalTrainLoss: lastLoss, finalEval, checkpoint: this.lastCheckpoint }
  }
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
