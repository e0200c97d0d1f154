/**
 * `pretrain train --data DIR --model SIZE|config.json --steps N --out DIR [--backend cpu|webgpu] [--resume]`,
 * `pretrain train --lora --base CHECKPOINT --data DIR --steps N --out DIR [--lora-rank R] [--lora-alpha A] [--lora-targets M,...]`
 */
import { Commands } from "@pretrain/dataflow"
import { Gpu } from "@pretrain/gpu-kernels"
import { Tokenizer } from "@pretrain/tokenizer"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Checkpoint from "../Checkpoint.ts"
import * as Config from "../Config.ts"
import type { ModelConfig } from "../Config.ts"
import * as Data from "../Data.ts"
import { TrainerError } from "../Errors.ts"
import { Lora } from "../Lora.ts"
import * as HfFormat from "../HfFormat.ts"
import type { MetricRecord } from "../Metrics.ts"
import { Model } from "../Model.ts"
import * as Trainer from "../Trainer.ts"
import * as WebGpuTrain from "../webgpu/Train.ts"

const int = (name: string, description: string, fallback: number) =>
  Flag.Int(name).pipe(Flag.withDescription(`${description} (default ${fallback})`), Flag.withDefault(fallback))
const real = (name: string, description: string, fallback: number) =>
  Flag.Finite(name).pipe(Flag.withDescription(`${description} (default ${fallback})`), Flag.withDefault(fallback))

const d = Trainer.defaults

/** The model configuration of `--model`: a named size or a config.json file. */
const modelConfig = (spec: string, vocabSize: number): ModelConfig => {
  if (spec.endsWith(".json") || fs.existsSync(spec)) {
    let json: unknown
    try {
      json = JSON.parse(fs.readFileSync(spec, "utf8"))
    } catch (cause) {
      throw new TrainerError({ file: spec, reason: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
    }
    const o = json as Record<string, unknown>
    return o.pretrain !== undefined || o.model_type !== undefined ? HfFormat.parseConfigJson(json, spec) : Config.validate({ vocabSize, ...o }, spec)
  }
  return Config.named(spec, vocabSize)
}

/** The vocabulary size: the tokenizer's, else `pack.json`'s, else `--vocab-size`. */
const vocabularySize = (data: string, tokenizer: Tokenizer | undefined, flag: Option.Option<number>): number => {
  if (Option.isSome(flag)) return flag.value
  if (tokenizer) return tokenizer.vocabSize
  const meta = path.join(data, "pack.json")
  if (fs.existsSync(meta)) {
    const v = (JSON.parse(fs.readFileSync(meta, "utf8")) as { vocabSize?: unknown }).vocabSize
    if (typeof v === "number" && v > 0) return v
  }
  throw new TrainerError({ file: data, reason: "cannot tell the vocabulary size: pass --tokenizer or --vocab-size (or train on a dataset with pack.json)" })
}

const progressLine = (r: MetricRecord, steps: number): string =>
  r.kind === "train"
    ? `step ${r.step}/${steps}  loss ${r.loss.toFixed(4)}  lr ${r.lr.toExponential(2)}  grad norm ${r.gradNorm.toFixed(3)}  ${r.tokensPerSec.toFixed(0)} tokens/s  MFU ${(100 * r.mfu).toFixed(1)}%`
    : `eval at step ${r.step}: loss ${r.loss.toFixed(4)}${r.bitsPerByte === undefined ? "" : `  ${r.bitsPerByte.toFixed(4)} bits/byte`}`

interface TrainFlags {
  readonly data: string
  readonly model: Option.Option<string>
  readonly lora: boolean
  readonly base: Option.Option<string>
  readonly loraRank: number
  readonly loraAlpha: number
  readonly loraTargets: Option.Option<string>
  readonly steps: number
  readonly out: string
  readonly backend: "cpu" | "webgpu"
  readonly resume: boolean
  readonly force: boolean
  readonly tokenizer: Option.Option<string>
  readonly vocabSize: Option.Option<number>
  readonly batchSize: number
  readonly seqLen: Option.Option<number>
  readonly gradAccum: number
  readonly lr: number
  readonly minLr: number
  readonly warmup: number
  readonly weightDecay: number
  readonly maxGradNorm: number
  readonly seed: number
  readonly evalEvery: number
  readonly evalBatches: number
  readonly evalFraction: number
  readonly checkpointEvery: number
  readonly keepLast: number
  readonly logEvery: number
}

/** The run `pretrain train` describes (model, data, resume state, options) and the data source to close after it. */
const prepare = (o: TrainFlags, log: (line: string) => void): { readonly run: Trainer.Run; readonly close: () => void } => {
  const tokenizer = Option.isSome(o.tokenizer) ? Tokenizer.fromFileSync(o.tokenizer.value) : undefined
  if (tokenizer && Option.isSome(o.tokenizer)) Data.checkTokenizer(o.data, tokenizer, o.tokenizer.value)
  const source = Data.openDataset(o.data)
  try {
    const existing = Checkpoint.latest(path.join(o.out, "checkpoints"))
    if (!o.resume && !o.force && fs.existsSync(o.out) && fs.readdirSync(o.out).length > 0) {
      throw new TrainerError({ file: o.out, reason: "output directory is not empty; pass --resume to continue it or --force to start over" })
    }
    if (o.resume && !existing) throw new TrainerError({ file: o.out, reason: "--resume: no checkpoint to resume from" })
    if (!o.resume && o.force) fs.rmSync(o.out, { recursive: true, force: true })
    const resumed = o.resume && existing ? Checkpoint.load(existing) : undefined
    const base = o.lora
      ? path.resolve(Checkpoint.resolve(Option.getOrThrowWith(o.base, () => new TrainerError({ file: "--base", reason: "--lora needs --base CHECKPOINT (the frozen model)" }))))
      : undefined
    if (!o.lora && Option.isNone(o.model)) throw new TrainerError({ file: "--model", reason: "--model SIZE|config.json is required (or --lora --base CHECKPOINT)" })
    const model = resumed?.model ??
      (base ? Checkpoint.readModel(base) : Model.init(modelConfig(Option.getOrThrow(o.model), vocabularySize(o.data, tokenizer, o.vocabSize)), o.seed))
    const lora = resumed?.lora ?? (o.lora
      ? Lora.attach(model, {
        rank: o.loraRank,
        alpha: o.loraAlpha,
        ...Option.match(o.loraTargets, { onNone: () => ({}), onSome: (t) => ({ targets: t.split(",").map((x) => x.trim()).filter((x) => x !== "") }) })
      }, o.seed)
      : undefined)
    if (tokenizer && tokenizer.vocabSize > model.config.vocabSize) {
      throw new TrainerError({ file: o.tokenizer.pipe(Option.getOrElse(() => "")), reason: `tokenizer has ${tokenizer.vocabSize} ids, the model ${model.config.vocabSize}` })
    }
    fs.mkdirSync(o.out, { recursive: true })
    if (tokenizer) tokenizer.saveSync(path.join(o.out, "tokenizer.json"))
    const { train, heldOut } = Data.split(source, o.evalFraction)
    const seqLen = Option.getOrElse(o.seqLen, () => model.config.contextLength)
    log(`${resumed ? `resuming at step ${resumed.state.step}: ` : ""}${Config.describe(model.config)}${lora ? `; LoRA rank ${lora.options.rank} on ${lora.options.targets.join(", ")} (${lora.params.size} trainable parameters)` : ""}; ${train.size} training sequences${heldOut ? `, ${heldOut.size} held out` : ""}`)
    const tokenBytes = tokenizer ? Array.from({ length: model.config.vocabSize }, (_, id) => (id < tokenizer.vocabSize ? tokenizer.decodeToBytes([id]).length : 0)) : undefined
    const run: Trainer.Run = {
      model,
      train,
      heldOut,
      out: o.out,
      tokenBytes,
      resume: resumed,
      lora,
      base: base ?? resumed?.state.base,
      options: {
        steps: o.steps, batchSize: o.batchSize, seqLen, gradAccum: o.gradAccum, lr: o.lr, minLr: o.minLr, warmupSteps: o.warmup,
        weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm, seed: o.seed, evalEvery: o.evalEvery, evalBatches: o.evalBatches,
        checkpointEvery: o.checkpointEvery, keepLast: o.keepLast
      },
      onRecord: (r) => {
        if (r.kind === "eval" || r.step % o.logEvery === 0 || r.step === o.steps || r.step === 1) log(progressLine(r, o.steps))
      }
    }
    return { run, close: () => source.close() }
  } catch (e) {
    source.close()
    throw e
  }
}

/**
 * Runs `pretrain train` on the CPU backend (synchronously); returns the result. The WebGPU backend
 * needs {@link runTrainAsync}.
 *
 * @since 0.1.0 @category commands
 */
export const runTrain = (o: TrainFlags, log: (line: string) => void): Trainer.Result => {
  if (o.backend === "webgpu") throw new TrainerError({ file: "--backend", reason: "the WebGPU backend trains asynchronously: use runTrainAsync" })
  const { run, close } = prepare(o, log)
  try {
    return Trainer.train(run)
  } finally {
    close()
  }
}

/**
 * Runs `pretrain train` on either backend. `--backend webgpu` acquires a device first and rejects
 * with `GpuUnavailable` (saying what to install) when there is no adapter, before touching `--out`.
 *
 * @since 0.1.0 @category commands
 */
export const runTrainAsync = async (o: TrainFlags, log: (line: string) => void): Promise<Trainer.Result> => {
  if (o.backend === "cpu") return runTrain(o, log)
  if (o.lora) throw new TrainerError({ file: "--backend", reason: "LoRA training runs on the CPU backend only; use --backend cpu" })
  const { gpu, close: release } = await Gpu.request()
  try {
    log(`WebGPU adapter: ${gpu.adapterName}`)
    const { run, close } = prepare(o, log)
    try {
      return await WebGpuTrain.trainOn(gpu, run)
    } finally {
      close()
    }
  } finally {
    release()
  }
}

/** @since 0.1.0 @category commands */
export const trainCommand = Command.make(
  "train",
  {
    data: Flag.String("data").pipe(Flag.withDescription("packed token dataset directory (pretrain pack --out)")),
    model: Flag.String("model").pipe(Flag.withDescription(`gpt2-SIZE or llama-SIZE (SIZE: ${Object.keys(Config.sizes).join(", ")}) or a config.json`), Flag.optional),
    lora: Flag.Boolean("lora").pipe(Flag.withDescription("train LoRA adapters on a frozen --base model"), Flag.withDefault(false)),
    base: Flag.String("base").pipe(Flag.withDescription("with --lora: the base checkpoint (or run directory)"), Flag.optional),
    loraRank: int("lora-rank", "LoRA rank", 8),
    loraAlpha: real("lora-alpha", "LoRA alpha (scaling alpha/rank)", 16),
    loraTargets: Flag.String("lora-targets").pipe(Flag.withDescription("comma-separated modules (default: c_attn for GPT-2, q_proj,v_proj for LLaMA)"), Flag.optional),
    steps: Flag.Int("steps").pipe(Flag.withDescription("optimizer steps (in total, when resuming)")),
    out: Flag.String("out").pipe(Flag.withDescription("run directory: metrics.jsonl, loss.svg, checkpoints/, summary.json")),
    backend: Flag.Literals("backend", ["cpu", "webgpu"]).pipe(Flag.withDescription("compute backend (default cpu)"), Flag.withDefault("cpu" as const)),
    resume: Flag.Boolean("resume").pipe(Flag.withDescription("continue from the newest checkpoint in --out"), Flag.withDefault(false)),
    force: Flag.Boolean("force").pipe(Flag.withDescription("delete a non-empty --out and start over"), Flag.withDefault(false)),
    tokenizer: Flag.String("tokenizer").pipe(Flag.withDescription("tokenizer.json (copied into the run; gives bits per byte and `pretrain sample`)"), Flag.optional),
    vocabSize: Flag.Int("vocab-size").pipe(Flag.withDescription("vocabulary size (default: the tokenizer's or pack.json's)"), Flag.optional),
    batchSize: int("batch-size", "sequences per micro-batch", d.batchSize),
    seqLen: Flag.Int("seq-len").pipe(Flag.withDescription("tokens per sequence (default: the context length)"), Flag.optional),
    gradAccum: int("grad-accum", "micro-batches per step", d.gradAccum),
    lr: real("lr", "peak learning rate", d.lr),
    minLr: real("min-lr", "final learning rate of the cosine", d.minLr),
    warmup: int("warmup", "warmup steps", d.warmupSteps),
    weightDecay: real("weight-decay", "AdamW weight decay", d.weightDecay),
    maxGradNorm: real("clip", "gradient-norm clipping (0: off)", d.maxGradNorm),
    seed: int("seed", "initialisation and data-order seed", d.seed),
    evalEvery: int("eval-every", "held-out evaluation every N steps (0: at the end only)", d.evalEvery),
    evalBatches: int("eval-batches", "held-out batches per evaluation", d.evalBatches),
    evalFraction: real("eval-fraction", "fraction of the dataset held out", 0.02),
    checkpointEvery: int("checkpoint-every", "checkpoint every N steps (0: at the end only)", d.checkpointEvery),
    keepLast: int("keep-last", "checkpoints kept (0: all)", d.keepLast),
    logEvery: int("log-every", "print every N steps", 10)
  },
  (o) =>
    Commands.reportFailure(
      Effect.gen(function*() {
        const lines: Array<string> = []
        const result = yield* Effect.tryPromise({ try: () => runTrainAsync(o, (line) => console.log(line)), catch: (e) => e })
        lines.push(`done: ${result.steps} steps, ${result.tokens} tokens; final training loss ${result.finalTrainLoss.toFixed(4)}` +
          (result.finalEval ? `, held-out loss ${result.finalEval.loss.toFixed(4)}` : ""))
        lines.push(`wrote ${path.join(o.out, "metrics.jsonl")}, loss.svg, summary.json${result.checkpoint ? `, ${result.checkpoint}` : ""}`)
        yield* Console.log(lines.join("\n"))
      })
    )
).pipe(Command.withDescription("Train a decoder-only transformer on a packed token dataset (CPU: SIMD WebAssembly, or WebGPU)"))
