/**
 * Training a tiny model for the examples with `@pretrain/trainer`: the held-out loss is measured
 * before the first step and after the last, and the run directory is the trainer's
 * (`metrics.jsonl`, `loss.svg`, `checkpoints/`, `summary.json`) with that step-0 evaluation in
 * front of the metrics and on the loss curve, plus the tokenizer when there is one (so
 * `pretrain sample --checkpoint DIR` and `pretrain report` read the run as it is).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Config, Data, Generate, Inference, Metrics, Model, Trainer } from "@pretrain/trainer"
import type { Tokenizer } from "@pretrain/tokenizer"

export type TinyRunOptions = {
  readonly config: Config.ModelConfig
  readonly train: Data.Source
  readonly heldOut: Data.Source
  /** The run directory (replaced). */
  readonly out: string
  readonly steps: number
  readonly batchSize: number
  readonly seqLen: number
  readonly lr: number
  /** Held-out evaluations during the run (besides step 0 and the end); default 5. */
  readonly evaluations?: number
  /** Held-out batches per evaluation; default 8. */
  readonly evalBatches?: number
  readonly seed?: number
  /** For bits per byte and sampling; copied into the run directory. */
  readonly tokenizer?: Tokenizer | undefined
  readonly onRecord?: (record: Metrics.MetricRecord) => void
}

export type TinyRun = {
  readonly model: Model.Model
  readonly out: string
  readonly params: number
  readonly steps: number
  readonly tokens: number
  /** Held-out loss (nats per token) of the initialised model and of the trained one. */
  readonly lossBefore: number
  readonly lossAfter: number
  readonly bitsPerByteAfter: number | undefined
  /** Seconds spent in training steps (the trainer's clock), and tokens per second over them. */
  readonly seconds: number
  readonly tokensPerSec: number
  readonly records: ReadonlyArray<Metrics.MetricRecord>
}

/** UTF-8 bytes of each token id, for bits per byte. */
export const tokenByteLengths = (tokenizer: Tokenizer, vocabSize: number): Int32Array => {
  const out = new Int32Array(vocabSize)
  for (let id = 0; id < Math.min(vocabSize, tokenizer.vocabSize); id++) out[id] = tokenizer.decodeToBytes([id]).length
  return out
}

/**
 * A packed dataset directory (`pretrain pack` output) split into training sequences and a held-out
 * tail. The caller closes it.
 */
export const openSplit = (dir: string, heldOutFraction = 0.02) => {
  const source = Data.openDataset(dir)
  const { train, heldOut } = Data.split(source, heldOutFraction)
  if (heldOut === undefined) {
    source.close()
    throw new Error(`${dir}: ${source.size} sequences are too few to hold some out (at least 10 needed)`)
  }
  return { train, heldOut, size: source.size, close: () => source.close() }
}

/** Train a freshly initialised model; see the module comment for what the run directory holds. */
export const trainTiny = (o: TinyRunOptions): TinyRun => {
  fs.rmSync(o.out, { recursive: true, force: true })
  fs.mkdirSync(o.out, { recursive: true })
  const model = Model.Model.init(o.config, o.seed ?? 1)
  const evalBatches = o.evalBatches ?? 8
  const seqLen = Math.min(o.seqLen, o.config.contextLength)
  const tokenBytes = o.tokenizer === undefined ? undefined : tokenByteLengths(o.tokenizer, o.config.vocabSize)
  const initial = Trainer.evaluate(model, o.heldOut, { batchSize: o.batchSize, seqLen, batches: evalBatches }, tokenBytes)
  const step0: Metrics.EvalRecord = { kind: "eval", step: 0, loss: initial.loss, bitsPerByte: initial.bitsPerByte, tokens: initial.tokens }
  o.onRecord?.(step0)
  const result = Trainer.train({
    model,
    train: o.train,
    heldOut: o.heldOut,
    out: o.out,
    tokenBytes,
    options: {
      steps: o.steps,
      batchSize: o.batchSize,
      seqLen,
      lr: o.lr,
      minLr: o.lr / 10,
      warmupSteps: Math.max(1, Math.round(o.steps / 20)),
      evalEvery: Math.max(1, Math.ceil(o.steps / ((o.evaluations ?? 5) + 1))),
      evalBatches,
      seed: o.seed ?? 1,
      checkpointEvery: 0,
      keepLast: 1
    },
    onRecord: o.onRecord
  })
  const records = [step0, ...result.records]
  fs.writeFileSync(path.join(o.out, "metrics.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""))
  fs.writeFileSync(path.join(o.out, "loss.svg"), Metrics.lossCurveSvg(records, "loss (held-out dots include step 0)"))
  if (o.tokenizer !== undefined) o.tokenizer.saveSync(path.join(o.out, "tokenizer.json"))
  const last = result.records.filter((r): r is Metrics.StepRecord => r.kind === "train").at(-1)
  const seconds = last?.elapsedSec ?? 0
  return {
    model,
    out: o.out,
    params: Config.parameterCount(o.config),
    steps: result.steps,
    tokens: result.tokens,
    lossBefore: initial.loss,
    lossAfter: result.finalEval?.loss ?? Number.NaN,
    bitsPerByteAfter: result.finalEval?.bitsPerByte,
    seconds,
    tokensPerSec: seconds > 0 ? result.tokens / seconds : 0,
    records
  }
}

/** A completion of `prompt` by the trained model (temperature 0: greedy). */
export const sample = (
  model: Model.Model,
  tokenizer: Tokenizer,
  prompt: string,
  options: { readonly maxTokens: number; readonly temperature?: number; readonly topK?: number; readonly seed?: number }
): Generate.Completion =>
  Generate.generate(Inference.asLanguageModel(model), tokenizer, prompt, {
    maxTokens: options.maxTokens,
    temperature: options.temperature ?? 0,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    seed: options.seed ?? 1
  })
