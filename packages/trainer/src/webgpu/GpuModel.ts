/**
 * The decoder-only transformer on WebGPU (`@pretrain/gpu-kernels`): the same model as the CPU
 * backend's `Model` (both variants, document masks, the tied head), with parameters, gradients and
 * AdamW moments in GPU buffers. A training step is recorded into one command batch per micro-batch
 * (forward, backward, and on the last one gradient-norm clipping and AdamW, all on the GPU), and
 * its losses and gradient norm come back in one read.
 *
 * @since 0.1.0
 */
import {
  AdamW,
  Attention,
  Batch as GpuBatch,
  Bias,
  CrossEntropy,
  Embedding,
  Gelu,
  GradNorm,
  Heads,
  LayerNorm,
  Matmul,
  Residual,
  RmsNorm,
  Rope,
  Swiglu,
  Tensor
} from "@pretrain/gpu-kernels"
import type { Gpu } from "@pretrain/gpu-kernels"
import { Effect } from "effect"
import type { ModelConfig } from "../Config.ts"
import { TrainerError } from "../Errors.ts"
import type { Batch, Model } from "../Model.ts"
import type { AdamWOptions } from "../Optimizer.ts"
import { Flat, layout } from "./Parameters.ts"

type T32 = Tensor.Tensor<"f32">
type CommandBatch = GpuBatch.CommandBatch

/** Floats of logits materialised at once (the head and the cross-entropy run over row chunks). */
const LOGITS_BUDGET = 1 << 22

interface LayerActs {
  readonly ln1: T32
  readonly ln1Mean: T32
  readonly ln1Rstd: T32
  readonly qkv: T32
  /** q and k as attention saw them (rotated with RoPE), v; `[B*H, T, D]`. */
  readonly q: T32
  readonly k: T32
  readonly v: T32
  readonly atth: T32
  readonly lse: T32
  readonly atty: T32
  readonly res2: T32
  readonly ln2: T32
  readonly ln2Mean: T32
  readonly ln2Rstd: T32
  readonly fch: T32
  readonly fchAct: T32
  readonly res3: T32
}

/** Activations, inputs and backward scratch of one batch shape. */
interface Acts {
  readonly B: number
  readonly T: number
  readonly tokens: Tensor.Tensor<"i32">
  readonly targets: Tensor.Tensor<"i32">
  readonly segStart: Tensor.Tensor<"i32">
  readonly pos: Tensor.Tensor<"i32">
  readonly encoded: T32
  readonly wpeRows: T32 | undefined
  readonly layers: ReadonlyArray<LayerActs>
  readonly lnf: T32
  readonly lnfMean: T32
  readonly lnfRstd: T32
  /** Rows of a head chunk (a multiple of the view alignment, or all rows). */
  readonly chunk: number
  readonly logits: T32
  readonly dlogits: T32
  /** Per micro-batch losses (`N` padded to the alignment each) and, at the end, [norm, clip]. */
  readonly losses: T32
  readonly lossStride: number
  readonly accum: number
  readonly norm: T32
  /** Unrotated q and k (RoPE), and a linear layer's output before its bias. */
  readonly q0: T32
  readonly k0: T32
  readonly tmp: T32
  readonly dres: T32
  readonly dln: T32
  readonly dlnf: T32
  readonly dqkv: T32
  readonly dq: T32
  readonly dk: T32
  readonly dv: T32
  readonly dq0: T32
  readonly dk0: T32
  readonly datth: T32
  readonly datty: T32
  readonly dfch: T32
  readonly dfchAct: T32
}

/** What one training step reports. @since 0.1.0 @category models */
export interface StepResult {
  /** Mean loss over the step's target tokens (micro-batches weighted equally, as the CPU trainer). */
  readonly loss: number
  /** Gradient norm before clipping. */
  readonly gradNorm: number
}

/** The optimizer settings of a step. @since 0.1.0 @category models */
export interface StepOptions extends AdamWOptions {
  readonly lr: number
  /** Clip the global gradient norm to this (0: no clipping). */
  readonly maxGradNorm: number
}

const reshape = (t: T32, shape: ReadonlyArray<number>): T32 => Tensor.view(t, 0, shape)

/**
 * The model on a GPU device. Create it from a CPU {@link Model} (its configuration and weights);
 * {@link download} copies the weights back.
 *
 * @since 0.1.0 @category models
 */
export class GpuModel {
  readonly gpu: Gpu.GpuContext
  readonly config: ModelConfig
  readonly params: Flat
  readonly grads: Flat
  readonly m: Flat
  readonly v: Flat
  /** AdamW steps taken (bias correction). */
  step = 0
  private readonly align: number
  private readonly decayed: ReadonlyArray<string>
  private readonly acts = new Map<string, Acts>()

  constructor(gpu: Gpu.GpuContext, model: Model) {
    this.gpu = gpu
    this.config = model.config
    this.align = Tensor.viewAlignment(gpu)
    const { placements, size } = layout(model.specs, this.align)
    this.params = new Flat(gpu, placements, size, "parameters")
    this.grads = new Flat(gpu, placements, size, "gradients")
    this.m = new Flat(gpu, placements, size, "adamw m")
    this.v = new Flat(gpu, placements, size, "adamw v")
    this.decayed = model.specs.filter((s) => s.decay).map((s) => s.name)
    this.params.upload(model.params.data)
  }

  /** Uploads AdamW moments (dense, parameter order) and the step count. */
  loadOptimizer(m: Float32Array, v: Float32Array, step: number): void {
    this.m.upload(m)
    this.v.upload(v)
    this.step = step
  }

  /** Copies the GPU weights into `model.params` (and, when given, the moments into `m` and `v`). */
  download(model: Model, moments?: { readonly m: Float32Array; readonly v: Float32Array }): Effect.Effect<void, unknown> {
    const self = this
    return Effect.gen(function*() {
      self.params.unpack(yield* self.params.read(), model.params.data)
      if (moments) {
        self.m.unpack(yield* self.m.read(), moments.m)
        self.v.unpack(yield* self.v.read(), moments.v)
      }
    })
  }

  /** Reads the gradients into a dense vector (parameter order). */
  readGradients(dense: Float32Array): Effect.Effect<void, unknown> {
    const self = this
    return Effect.map(this.grads.read(), (padded) => self.grads.unpack(padded, dense))
  }

  destroy(): void {
    this.dropActivations()
    this.acts.clear()
    for (const f of [this.params, this.grads, this.m, this.v]) f.destroy()
  }

  // ---------------------------------------------------------------------------------------------
  // steps

  /**
   * One optimizer step over `batches` (gradient accumulation: each micro-batch's loss scaled by
   * `1 / batches.length`): zeroes the gradients, runs forward and backward per micro-batch, clips
   * by the global norm and applies AdamW, all on the GPU; reads back the losses and the norm once.
   */
  trainStep(batches: ReadonlyArray<Batch>, options: StepOptions): Effect.Effect<StepResult, unknown> {
    const self = this
    return Effect.gen(function*() {
      const first = batches[0]!
      const a = self.activations(first.B, first.T, batches.length)
      const counts: Array<number> = []
      for (let micro = 0; micro < batches.length; micro++) {
        const batch = batches[micro]!
        counts.push(self.upload(a, batch))
        const count = counts[micro]!
        yield* GpuBatch.run(self.gpu, (b) => {
          if (micro === 0) b.clear(self.grads.tensor)
          self.forwardRecord(b, a, micro, count === 0 ? undefined : 1 / batches.length / count)
          if (count > 0) self.backwardRecord(b, a)
          if (micro === batches.length - 1) self.optimizerRecord(b, a, options)
        })
      }
      const out = yield* Tensor.read(a.losses)
      let loss = 0
      counts.forEach((count, micro) => {
        let sum = 0
        for (let n = 0; n < a.B * a.T; n++) sum += out[micro * a.lossStride + n]!
        loss += (count === 0 ? Number.NaN : sum / count) / batches.length
      })
      const tail = a.accum * a.lossStride
      return { loss, gradNorm: out[tail]! }
    })
  }

  /**
   * Forward with the loss gradient and backward of one batch, gradients zeroed first (no optimizer
   * step): returns the mean loss, like `Model.forward(batch, 1)` then `Model.backward()`.
   */
  lossAndGradients(batch: Batch): Effect.Effect<number, unknown> {
    const self = this
    return Effect.gen(function*() {
      const a = self.activations(batch.B, batch.T, 1)
      const count = self.upload(a, batch)
      yield* GpuBatch.run(self.gpu, (b) => {
        b.clear(self.grads.tensor)
        self.forwardRecord(b, a, 0, count === 0 ? undefined : 1 / count)
        if (count > 0) self.backwardRecord(b, a)
      })
      return self.meanLoss(yield* Tensor.read(a.losses), a, count)
    })
  }

  /** The mean loss over a batch's target tokens (NaN when none), forward only. */
  evaluate(batch: Batch): Effect.Effect<{ readonly loss: number; readonly count: number }, unknown> {
    const self = this
    return Effect.gen(function*() {
      const a = self.activations(batch.B, batch.T, 1)
      const count = self.upload(a, batch)
      yield* GpuBatch.run(self.gpu, (b) => self.forwardRecord(b, a, 0, undefined))
      return { loss: self.meanLoss(yield* Tensor.read(a.losses), a, count), count }
    })
  }

  private meanLoss(losses: Float32Array, a: Acts, count: number): number {
    if (count === 0) return Number.NaN
    let sum = 0
    for (let n = 0; n < a.B * a.T; n++) sum += losses[n]!
    return sum / count
  }

  // ---------------------------------------------------------------------------------------------
  // inputs and activations

  /** Checks a batch like the CPU model, uploads it; returns the number of target tokens. */
  private upload(a: Acts, batch: Batch): number {
    const { B, T } = batch
    if (B !== a.B || T !== a.T) throw new TrainerError({ file: "<batch>", reason: `batch ${B}x${T} in a step of ${a.B}x${a.T}` })
    const V = this.config.vocabSize
    const N = B * T
    const pos = new Int32Array(N)
    let count = 0
    for (let n = 0; n < N; n++) {
      const tok = batch.tokens[n]!
      if (tok < 0 || tok >= V) throw new TrainerError({ file: "<batch>", position: `token ${n}`, reason: `token id ${tok} outside the vocabulary [0, ${V})` })
      const target = batch.targets[n]!
      if (target >= V) throw new TrainerError({ file: "<batch>", position: `target ${n}`, reason: `token id ${target} outside the vocabulary [0, ${V})` })
      if (target >= 0) count++
      pos[n] = (n % T) - batch.segStart[n]!
    }
    Tensor.write(a.tokens, batch.tokens)
    Tensor.write(a.targets, batch.targets)
    Tensor.write(a.segStart, batch.segStart)
    Tensor.write(a.pos, pos)
    return count
  }

  private activations(B: number, T: number, accum: number): Acts {
    const c = this.config
    if (T > c.contextLength) throw new TrainerError({ file: "<batch>", reason: `sequence length ${T} exceeds the context length ${c.contextLength}` })
    const key = `${B}x${T}x${accum}`
    let a = this.acts.get(key)
    if (a === undefined) {
      this.dropActivations()
      a = this.allocate(B, T, accum)
      this.acts.set(key, a)
    }
    return a
  }

  /** Frees the activations of every batch shape. */
  private dropActivations(): void {
    const free = (o: object) => Object.values(o).forEach((t) => t instanceof Tensor.Tensor && t.destroy())
    for (const a of this.acts.values()) {
      free(a)
      a.layers.forEach(free)
    }
    this.acts.clear()
  }

  private allocate(B: number, T: number, accum: number): Acts {
    const gpu = this.gpu
    const c = this.config
    const { dModel: C, nHead: H, vocabSize: V, dFF: F } = c
    const D = C / H
    const F2 = c.mlp === "swiglu" ? 2 * F : F
    const N = B * T
    const f = (...shape: Array<number>): T32 => Tensor.zeros(gpu, shape, "f32")
    const i = (): Tensor.Tensor<"i32"> => Tensor.zeros(gpu, [N], "i32")
    const heads = () => f(B * H, T, D)
    const layers = Array.from({ length: c.nLayer }, (): LayerActs => ({
      ln1: f(N, C),
      ln1Mean: f(N),
      ln1Rstd: f(N),
      qkv: f(N, 3 * C),
      q: heads(),
      k: heads(),
      v: heads(),
      atth: heads(),
      lse: f(B * H, T),
      atty: f(N, C),
      res2: f(N, C),
      ln2: f(N, C),
      ln2Mean: f(N),
      ln2Rstd: f(N),
      fch: f(N, F2),
      fchAct: f(N, F),
      res3: f(N, C)
    }))
    const align = this.align
    const fit = Math.floor(LOGITS_BUDGET / V / align) * align
    const chunk = fit >= N ? N : Math.max(align, fit)
    const lossStride = Math.ceil(N / align) * align
    const rope = c.position === "rope"
    return {
      B,
      T,
      tokens: i(),
      targets: i(),
      segStart: i(),
      pos: i(),
      encoded: f(N, C),
      wpeRows: c.position === "learned" ? f(N, C) : undefined,
      layers,
      lnf: f(N, C),
      lnfMean: f(N),
      lnfRstd: f(N),
      chunk,
      logits: f(chunk * V),
      dlogits: f(chunk * V),
      losses: f(accum * lossStride + 2),
      lossStride,
      accum,
      norm: f(2),
      q0: rope ? heads() : f(1),
      k0: rope ? heads() : f(1),
      tmp: f(N * Math.max(3 * C, F2)),
      dres: f(N, C),
      dln: f(N, C),
      dlnf: f(N, C),
      dqkv: f(N, 3 * C),
      dq: heads(),
      dk: heads(),
      dv: heads(),
      dq0: rope ? heads() : f(1),
      dk0: rope ? heads() : f(1),
      datth: heads(),
      datty: f(N, C),
      dfch: f(N, F2),
      dfchAct: f(N, F)
    }
  }

  // ---------------------------------------------------------------------------------------------
  // recording

  /** `y = x Wᵀ (+ b) (+ residual)` over N rows. */
  private linear(b: CommandBatch, a: Acts, y: T32, x: T32, w: T32, bias: T32 | undefined, residual?: T32): void {
    if (bias === undefined) {
      if (residual !== undefined) b.copy(residual, y)
      Matmul.forward(b, y, x, w, { transB: true, accumulate: residual !== undefined })
      return
    }
    const t = reshape(a.tmp, y.shape)
    Matmul.forward(b, t, x, w, { transB: true })
    Bias.forward(b, y, t, bias)
    if (residual !== undefined) Residual.accumulate(b, y, residual)
  }

  /** Backward of {@link linear}: `dx = dy W` (overwrites), `dW += dyᵀ x`, `db += Σ dy`. */
  private linearBackward(b: CommandBatch, dx: T32, dw: T32, db: T32 | undefined, dy: T32, x: T32, w: T32): void {
    b.clear(dx)
    Matmul.backward(b, dx, dw, dy, x, w, { transB: true })
    if (db !== undefined) Bias.backward(b, db, dy)
  }

  private norm(b: CommandBatch, y: T32, mean: T32, rstd: T32, x: T32, name: string): void {
    const p = this.params
    if (this.config.norm === "layernorm") LayerNorm.forward(b, y, { mean, rstd }, x, p.get(`${name}.w`), p.get(`${name}.b`), this.config.normEps)
    else RmsNorm.forward(b, y, rstd, x, p.get(`${name}.w`), this.config.normEps)
  }

  /** Accumulates into `dx` and the norm's parameter gradients. */
  private normBackward(b: CommandBatch, dx: T32, dy: T32, x: T32, mean: T32, rstd: T32, name: string): void {
    const w = this.params.get(`${name}.w`)
    const dw = this.grads.get(`${name}.w`)
    if (this.config.norm === "layernorm") LayerNorm.backward(b, { dinp: dx, dweight: dw, dbias: this.grads.get(`${name}.b`) }, dy, x, w, { mean, rstd })
    else RmsNorm.backward(b, { dinp: dx, dweight: dw }, dy, x, w, rstd)
  }

  /**
   * Records the forward of the batch in `a`, the per-token losses at micro-batch `micro`'s slot of
   * `a.losses` and, with `dscale` defined, the head's backward (`a.dlnf` and the tied embedding's
   * gradient) for the loss scaled by `dscale` per target token.
   */
  private forwardRecord(b: CommandBatch, a: Acts, micro: number, dscale: number | undefined): void {
    const c = this.config
    const { dModel: C, nHead: H, vocabSize: V, dFF: F } = c
    const D = C / H
    const { B, T } = a
    const N = B * T
    const p = this.params
    const dims = { B, T, H, D }
    const mask = { segStart: a.segStart, heads: H }
    const ropeOptions = { positions: a.pos, heads: H, base: c.ropeTheta }
    const wpe = p.find("wpe")
    if (wpe !== undefined && a.wpeRows !== undefined) {
      const tokenRows = reshape(a.tmp, [N, C])
      Embedding.forward(b, tokenRows, p.get("wte"), a.tokens)
      Embedding.forward(b, a.wpeRows, wpe, a.pos)
      Residual.forward(b, a.encoded, tokenRows, a.wpeRows)
    } else {
      Embedding.forward(b, a.encoded, p.get("wte"), a.tokens)
    }
    let residual = a.encoded
    for (let l = 0; l < c.nLayer; l++) {
      const A = a.layers[l]!
      const w = (name: string) => p.get(`h.${l}.${name}`)
      const bias = (name: string) => p.find(`h.${l}.${name}.b`)
      this.norm(b, A.ln1, A.ln1Mean, A.ln1Rstd, residual, `h.${l}.ln1`)
      this.linear(b, a, A.qkv, A.ln1, w("qkv.w"), bias("qkv"))
      if (c.position === "rope") {
        Heads.split(b, { q: a.q0, k: a.k0, v: A.v }, A.qkv, dims)
        Rope.forward(b, A.q, a.q0, T, D, ropeOptions)
        Rope.forward(b, A.k, a.k0, T, D, ropeOptions)
      } else {
        Heads.split(b, { q: A.q, k: A.k, v: A.v }, A.qkv, dims)
      }
      Attention.forward(b, A.atth, A.lse, A, T, D, mask)
      Heads.merge(b, A.atty, A.atth, dims)
      this.linear(b, a, A.res2, A.atty, w("proj.w"), bias("proj"), residual)
      this.norm(b, A.ln2, A.ln2Mean, A.ln2Rstd, A.res2, `h.${l}.ln2`)
      this.linear(b, a, A.fch, A.ln2, w("fc.w"), bias("fc"))
      if (c.mlp === "swiglu") Swiglu.forward(b, A.fchAct, A.fch, F)
      else Gelu.forward(b, A.fchAct, A.fch)
      this.linear(b, a, A.res3, A.fchAct, w("fcproj.w"), bias("fcproj"), A.res2)
      residual = A.res3
    }
    this.norm(b, a.lnf, a.lnfMean, a.lnfRstd, residual, "lnf")
    // the tied head and the cross-entropy, a chunk of rows at a time
    const wte = p.get("wte")
    const dwte = this.grads.get("wte")
    const losses = Tensor.view(a.losses, micro * a.lossStride, [N])
    for (let r0 = 0; r0 < N; r0 += a.chunk) {
      const n = Math.min(a.chunk, N - r0)
      const rows = (t: T32 | Tensor.Tensor<"i32">, width: number) => Tensor.view(t, r0 * width, width === 1 ? [n] : [n, width])
      const lnf = rows(a.lnf, C) as T32
      const logits = Tensor.view(a.logits, 0, [n, V])
      const chunkLosses = Tensor.view(losses, r0, [n])
      const targets = rows(a.targets, 1)
      Matmul.forward(b, logits, lnf, wte, { transB: true })
      if (dscale === undefined) {
        CrossEntropy.forward(b, chunkLosses, logits, targets)
        continue
      }
      const dlogits = Tensor.view(a.dlogits, 0, [n, V])
      b.clear(dlogits)
      CrossEntropy.forwardBackward(b, chunkLosses, dlogits, logits, targets, dscale)
      Matmul.forward(b, rows(a.dlnf, C) as T32, dlogits, wte)
      Matmul.forward(b, dwte, dlogits, lnf, { transA: true, accumulate: true })
    }
  }

  /** Records the backward of the last {@link forwardRecord} (with a loss scale): accumulates the gradients. */
  private backwardRecord(b: CommandBatch, a: Acts): void {
    const c = this.config
    const { dModel: C, nHead: H, dFF: F } = c
    const D = C / H
    const { B, T } = a
    const p = this.params
    const g = this.grads
    const dims = { B, T, H, D }
    const mask = { segStart: a.segStart, heads: H }
    const ropeOptions = { positions: a.pos, heads: H, base: c.ropeTheta }
    b.clear(a.dres)
    const last = c.nLayer > 0 ? a.layers[c.nLayer - 1]!.res3 : a.encoded
    this.normBackward(b, a.dres, a.dlnf, last, a.lnfMean, a.lnfRstd, "lnf")
    for (let l = c.nLayer - 1; l >= 0; l--) {
      const A = a.layers[l]!
      const w = (name: string) => p.get(`h.${l}.${name}`)
      const gw = (name: string) => g.get(`h.${l}.${name}`)
      const gb = (name: string) => g.find(`h.${l}.${name}.b`)
      const residual = l === 0 ? a.encoded : a.layers[l - 1]!.res3
      // MLP
      this.linearBackward(b, a.dfchAct, gw("fcproj.w"), gb("fcproj"), a.dres, A.fchAct, w("fcproj.w"))
      b.clear(a.dfch)
      if (c.mlp === "swiglu") Swiglu.backward(b, a.dfch, A.fch, a.dfchAct, F)
      else Gelu.backward(b, a.dfch, A.fch, a.dfchAct)
      this.linearBackward(b, a.dln, gw("fc.w"), gb("fc"), a.dfch, A.ln2, w("fc.w"))
      this.normBackward(b, a.dres, a.dln, A.res2, A.ln2Mean, A.ln2Rstd, `h.${l}.ln2`)
      // attention
      this.linearBackward(b, a.datty, gw("proj.w"), gb("proj"), a.dres, A.atty, w("proj.w"))
      b.clear(a.datth)
      Heads.mergeBackward(b, a.datth, a.datty, dims)
      for (const t of [a.dq, a.dk, a.dv]) b.clear(t)
      Attention.backward(b, { dq: a.dq, dk: a.dk, dv: a.dv }, a.datth, { q: A.q, k: A.k, v: A.v, out: A.atth, lse: A.lse }, T, D, mask)
      b.clear(a.dqkv)
      if (c.position === "rope") {
        b.clear(a.dq0)
        b.clear(a.dk0)
        Rope.backward(b, a.dq0, a.dq, T, D, ropeOptions)
        Rope.backward(b, a.dk0, a.dk, T, D, ropeOptions)
        Heads.splitBackward(b, a.dqkv, { dq: a.dq0, dk: a.dk0, dv: a.dv }, dims)
      } else {
        Heads.splitBackward(b, a.dqkv, { dq: a.dq, dk: a.dk, dv: a.dv }, dims)
      }
      this.linearBackward(b, a.dln, gw("qkv.w"), gb("qkv"), a.dqkv, A.ln1, w("qkv.w"))
      this.normBackward(b, a.dres, a.dln, residual, A.ln1Mean, A.ln1Rstd, `h.${l}.ln1`)
    }
    Embedding.backward(b, g.get("wte"), a.dres, a.tokens)
    const dwpe = g.find("wpe")
    if (dwpe !== undefined) Embedding.backward(b, dwpe, a.dres, a.pos)
  }

  /** Records the gradient norm, clipping and AdamW on every parameter; the norm goes to the tail of `a.losses`. */
  private optimizerRecord(b: CommandBatch, a: Acts, o: StepOptions): void {
    GradNorm.forward(b, a.norm, [this.grads.tensor], o.maxGradNorm)
    this.step++
    const scale = { tensor: a.norm, index: 1 }
    for (const [name, params] of this.params.views) {
      const options = {
        lr: o.lr,
        beta1: o.beta1,
        beta2: o.beta2,
        eps: o.eps,
        weightDecay: this.decayed.includes(name) ? o.weightDecay : 0,
        t: this.step
      }
      AdamW.step(b, { params, grads: this.grads.get(name), m: this.m.get(name), v: this.v.get(name) }, options, scale)
    }
    b.copy(a.norm, Tensor.view(a.losses, a.accum * a.lossStride, [2]))
  }
}
