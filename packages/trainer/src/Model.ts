/**
 * The decoder-only transformer on the CPU backend: parameters, gradients and activations live in
 * one WebAssembly arena; every linear layer and the attention products run on the SIMD matmul, and
 * each layer's forward and backward sit side by side (llm.c style). Internal parameter names are
 * `wte`, `wpe`, `h.{l}.ln1.w`, `h.{l}.qkv.w` (`[3C, C]`, rows q | k | v), `h.{l}.proj.w`,
 * `h.{l}.ln2.w`, `h.{l}.fc.w` (`[F, C]`, or `[2F, C]` gate | up for SwiGLU), `h.{l}.fcproj.w`,
 * `lnf.w` (and `.b` biases); weights are `[out, in]`.
 *
 * @since 0.1.0
 */
import { Reference } from "@pretrain/gpu-kernels"
import * as Config from "./Config.ts"
import type { ModelConfig } from "./Config.ts"
import { TrainerError } from "./Errors.ts"
import * as Attention from "./internal/attention.ts"
import * as Ops from "./internal/ops.ts"
import { Random } from "./internal/random.ts"
import { Arena, out, rowMajor, type Tensor, transposed } from "./Wasm.ts"

/**
 * A batch of B sequences of T tokens: `targets` (negative = no loss) and `segStart`, the first
 * position of each token's document within its sequence (attention and positions restart there).
 *
 * @since 0.1.0 @category models
 */
export interface Batch {
  readonly B: number
  readonly T: number
  readonly tokens: Int32Array
  readonly targets: Int32Array
  readonly segStart: Int32Array
}

/**
 * A low-rank adapter on a block of output rows of one linear layer: `y[:, rows] += scaling · (x Aᵀ) Bᵀ`
 * with `a` `[rank, in]` and `b` `[rows, rank]` (see `Lora.ts`).
 *
 * @since 0.1.0 @category models
 */
export interface Adapter {
  readonly rowStart: number
  readonly rows: number
  readonly rank: number
  readonly scaling: number
  readonly a: Tensor
  readonly b: Tensor
  readonly ga: Tensor
  readonly gb: Tensor
  /** The saved `scaling · x Aᵀ` for `n` rows. */
  activation(n: number): Tensor
  /** Scratch of `n x rank`. */
  scratch(n: number): Tensor
}

/** One parameter tensor of the model. @since 0.1.0 @category models */
export interface ParameterSpec {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  /** Whether AdamW decays it (matrices and embeddings, not biases or norm gains). */
  readonly decay: boolean
  /** Offset in the flat parameter vector (floats). */
  readonly offset: number
  readonly size: number
  readonly init: "normal" | "residual" | "zero" | "one"
}

/**
 * The parameter tensors of a configuration, in storage order.
 *
 * @since 0.1.0 @category models
 */
export const parameterSpecs = (c: ModelConfig): ReadonlyArray<ParameterSpec> => {
  const specs: Array<ParameterSpec> = []
  let offset = 0
  const add = (name: string, shape: ReadonlyArray<number>, init: ParameterSpec["init"]) => {
    const size = shape.reduce((a, b) => a * b, 1)
    specs.push({ name, shape, decay: shape.length >= 2, offset, size, init })
    offset += size
  }
  const C = c.dModel
  const F2 = c.mlp === "swiglu" ? 2 * c.dFF : c.dFF
  const norm = (name: string) => {
    add(`${name}.w`, [C], "one")
    if (c.norm === "layernorm") add(`${name}.b`, [C], "zero")
  }
  const linear = (name: string, outF: number, inF: number, init: ParameterSpec["init"]) => {
    add(`${name}.w`, [outF, inF], init)
    if (c.bias) add(`${name}.b`, [outF], "zero")
  }
  add("wte", [c.vocabSize, C], "normal")
  if (c.position === "learned") add("wpe", [c.contextLength, C], "normal")
  for (let l = 0; l < c.nLayer; l++) {
    norm(`h.${l}.ln1`)
    linear(`h.${l}.qkv`, 3 * C, C, "normal")
    linear(`h.${l}.proj`, C, C, "residual")
    norm(`h.${l}.ln2`)
    linear(`h.${l}.fc`, F2, C, "normal")
    linear(`h.${l}.fcproj`, C, c.dFF, "residual")
  }
  norm("lnf")
  return specs
}

interface Layer {
  readonly ln1w: Tensor
  readonly ln1b: Tensor | undefined
  readonly qkvw: Tensor
  readonly qkvb: Tensor | undefined
  readonly projw: Tensor
  readonly projb: Tensor | undefined
  readonly ln2w: Tensor
  readonly ln2b: Tensor | undefined
  readonly fcw: Tensor
  readonly fcb: Tensor | undefined
  readonly fcprojw: Tensor
  readonly fcprojb: Tensor | undefined
}

interface Weights {
  readonly wte: Tensor
  readonly wpe: Tensor | undefined
  readonly layers: ReadonlyArray<Layer>
  readonly lnfw: Tensor
  readonly lnfb: Tensor | undefined
}

const bindWeights = (flat: Tensor, specs: ReadonlyArray<ParameterSpec>, nLayer: number): Weights => {
  const byName = new Map(specs.map((s) => [s.name, flat.slice(s.offset, s.size)]))
  const get = (name: string) => byName.get(name)
  const layers = Array.from({ length: nLayer }, (_, l): Layer => ({
    ln1w: get(`h.${l}.ln1.w`)!,
    ln1b: get(`h.${l}.ln1.b`),
    qkvw: get(`h.${l}.qkv.w`)!,
    qkvb: get(`h.${l}.qkv.b`),
    projw: get(`h.${l}.proj.w`)!,
    projb: get(`h.${l}.proj.b`),
    ln2w: get(`h.${l}.ln2.w`)!,
    ln2b: get(`h.${l}.ln2.b`),
    fcw: get(`h.${l}.fc.w`)!,
    fcb: get(`h.${l}.fc.b`),
    fcprojw: get(`h.${l}.fcproj.w`)!,
    fcprojb: get(`h.${l}.fcproj.b`)
  }))
  return { wte: get("wte")!, wpe: get("wpe"), layers, lnfw: get("lnf.w")!, lnfb: get("lnf.b") }
}

/** Floats of logits materialised at once: the head and the cross-entropy run over row chunks. */
const LOGITS_BUDGET = 1 << 22

/** Rows per head chunk. */
const headRows = (N: number, V: number): number => Math.min(N, Math.max(64, Math.floor(LOGITS_BUDGET / V)))

interface LayerActs {
  readonly ln1: Tensor
  readonly ln1Mean: Tensor
  readonly ln1Rstd: Tensor
  readonly qkv: Tensor
  readonly probs: Tensor
  readonly atty: Tensor
  readonly res2: Tensor
  readonly ln2: Tensor
  readonly ln2Mean: Tensor
  readonly ln2Rstd: Tensor
  readonly fch: Tensor
  readonly fchAct: Tensor
  /** GELU's tanh term, or SwiGLU's gate sigmoid. */
  readonly fchSaved: Tensor
  readonly res3: Tensor
}

interface Acts {
  readonly B: number
  readonly T: number
  readonly encoded: Tensor
  readonly layers: ReadonlyArray<LayerActs>
  readonly lnf: Tensor
  readonly lnfMean: Tensor
  readonly lnfRstd: Tensor
  readonly logits: Tensor
  readonly pos: Int32Array
  // backward scratch
  readonly dres: Tensor
  readonly dln: Tensor
  readonly dqkv: Tensor
  readonly datty: Tensor
  readonly dfch: Tensor
  readonly dfchAct: Tensor
  readonly dscores: Tensor
}

/**
 * The model: configuration, flat parameters and gradients in an arena, forward with fused
 * cross-entropy, backward accumulating gradients.
 *
 * @since 0.1.0 @category models
 */
export class Model {
  readonly config: ModelConfig
  readonly arena: Arena
  readonly specs: ReadonlyArray<ParameterSpec>
  /** All parameters, flat, in {@link parameterSpecs} order. */
  readonly params: Tensor
  /** Gradients, same layout as {@link params}. */
  readonly grads: Tensor
  private readonly w: Weights
  private readonly g: Weights
  private readonly rope: { readonly cos: Float32Array; readonly sin: Float32Array } | undefined
  private acts: Acts | undefined
  private readonly actsByShape = new Map<string, Acts>()
  private batch: Batch | undefined
  private lossCount = 0
  /** Adapters by the byte offset of the weight they adapt. */
  private readonly adapters = new Map<number, Array<Adapter>>()
  /** Whether backward computes the gradients of the base weights (false when only adapters train). */
  trainBase = true
  /** Rows of logits materialised at once (default: as many as fit 4 Mi floats, at least 64). */
  headChunkRows: number | undefined = undefined

  private constructor(config: ModelConfig, arena: Arena) {
    this.config = config
    this.arena = arena
    this.specs = parameterSpecs(config)
    const n = this.specs.reduce((a, s) => a + s.size, 0)
    this.params = arena.alloc(n)
    this.grads = arena.alloc(n)
    this.w = bindWeights(this.params, this.specs, config.nLayer)
    this.g = bindWeights(this.grads, this.specs, config.nLayer)
    this.rope = config.position === "rope" ? Ops.ropeTables(config.contextLength, Config.headSize(config), config.ropeTheta) : undefined
  }

  /**
   * A model with GPT-2 initialisation from `seed`: N(0, 0.02) weights, residual projections
   * scaled by 1/sqrt(2L), zero biases, unit norm gains.
   */
  static init(config: ModelConfig, seed = 0): Model {
    const model = new Model(config, Arena.make())
    const rng = new Random(seed)
    const p = model.params.data
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayer)
    for (const s of model.specs) {
      const std = s.init === "residual" ? residualStd : 0.02
      for (let i = s.offset; i < s.offset + s.size; i++) {
        p[i] = s.init === "zero" ? 0 : s.init === "one" ? 1 : rng.normal() * std
      }
    }
    return model
  }

  /** A model with zeroed parameters (to be loaded). */
  static empty(config: ModelConfig): Model {
    return new Model(config, Arena.make())
  }

  /** The tensor of a named parameter (a view into {@link params}). */
  parameter(name: string): Tensor {
    const s = this.specs.find((x) => x.name === name)
    if (!s) throw new TrainerError({ file: "<model>", position: name, reason: "no such parameter" })
    return this.params.slice(s.offset, s.size)
  }

  /** The gradient of a named parameter. */
  gradient(name: string): Tensor {
    const s = this.specs.find((x) => x.name === name)
    if (!s) throw new TrainerError({ file: "<model>", position: name, reason: "no such parameter" })
    return this.grads.slice(s.offset, s.size)
  }

  zeroGrad(): void {
    this.grads.data.fill(0)
  }

  /** Adds an adapter to the linear layer whose weight is the named parameter. */
  attachAdapter(weight: string, adapter: Adapter): void {
    const ptr = this.parameter(weight).ptr
    this.adapters.set(ptr, [...(this.adapters.get(ptr) ?? []), adapter])
  }

  /** Removes every adapter. */
  detachAdapters(): void {
    this.adapters.clear()
  }

  private activations(B: number, T: number): Acts {
    const key = `${B}x${T}`
    const a = this.actsByShape.get(key) ?? this.allocate(B, T)
    this.actsByShape.set(key, a)
    this.acts = a
    return a
  }

  private allocate(B: number, T: number): Acts {
    const { dModel: C, nHead: H, vocabSize: V, dFF: F } = this.config
    const F2 = this.config.mlp === "swiglu" ? 2 * F : F
    const N = B * T
    const arena = this.arena
    const layers = Array.from({ length: this.config.nLayer }, (): LayerActs => ({
      ln1: arena.alloc(N * C),
      ln1Mean: arena.alloc(N),
      ln1Rstd: arena.alloc(N),
      qkv: arena.alloc(N * 3 * C),
      probs: arena.alloc(B * H * T * T),
      atty: arena.alloc(N * C),
      res2: arena.alloc(N * C),
      ln2: arena.alloc(N * C),
      ln2Mean: arena.alloc(N),
      ln2Rstd: arena.alloc(N),
      fch: arena.alloc(N * F2),
      fchAct: arena.alloc(N * F),
      fchSaved: arena.alloc(N * F),
      res3: arena.alloc(N * C)
    }))
    return {
      B,
      T,
      encoded: arena.alloc(N * C),
      layers,
      lnf: arena.alloc(N * C),
      lnfMean: arena.alloc(N),
      lnfRstd: arena.alloc(N),
      logits: arena.alloc(Math.max(headRows(N, V), Math.min(N, this.headChunkRows ?? 0)) * V),
      pos: new Int32Array(N),
      dres: arena.alloc(N * C),
      dln: arena.alloc(N * C),
      dqkv: arena.alloc(N * 3 * C),
      datty: arena.alloc(N * C),
      dfch: arena.alloc(N * F2),
      dfchAct: arena.alloc(N * F),
      dscores: arena.alloc(T * T)
    }
  }

  /** `y = x W^T (+ b)` over N rows. */
  private linear(y: Tensor, x: Tensor, w: Tensor, b: Tensor | undefined, N: number, inF: number, outF: number): void {
    this.arena.gemm(N, outF, inF, rowMajor(x, inF), transposed(w, inF), out(y, outF), false)
    if (b) Ops.addBias(y.data, b.data, N, outF)
    for (const ad of this.adapters.get(w.ptr) ?? []) {
      const xa = ad.activation(N)
      this.arena.gemm(N, ad.rank, inF, rowMajor(x, inF), transposed(ad.a, inF), out(xa, ad.rank), false)
      const v = xa.data
      for (let i = 0; i < N * ad.rank; i++) v[i] = v[i]! * ad.scaling
      this.arena.gemm(N, ad.rows, ad.rank, rowMajor(xa, ad.rank), transposed(ad.b, ad.rank), { ptr: y.ptr + ad.rowStart * 4, ldc: outF * 4 }, true)
    }
  }

  /** Backward of {@link linear}: `dx = dy W` (overwrites, unless `dx` is undefined), `dW += dy^T x`, `db += sum dy`. */
  private linearBackward(dx: Tensor | undefined, dw: Tensor, db: Tensor | undefined, dy: Tensor, x: Tensor, w: Tensor, N: number, inF: number, outF: number): void {
    if (dx) this.arena.gemm(N, inF, outF, rowMajor(dy, outF), rowMajor(w, inF), out(dx, inF), false)
    if (this.trainBase) {
      this.arena.gemm(outF, inF, N, transposed(dy, outF), rowMajor(x, inF), out(dw, inF), true)
      if (db) Ops.biasBackward(db.data, dy.data, N, outF)
    }
    for (const ad of this.adapters.get(w.ptr) ?? []) {
      const r = ad.rank
      const dyRows = { ptr: dy.ptr + ad.rowStart * 4, rs: outF * 4, cs: 4 }
      const xa = ad.activation(N)
      const dxa = ad.scratch(N)
      this.arena.gemm(ad.rows, r, N, { ptr: dyRows.ptr, rs: 4, cs: outF * 4 }, rowMajor(xa, r), out(ad.gb, r), true)
      this.arena.gemm(N, r, ad.rows, dyRows, rowMajor(ad.b, r), out(dxa, r), false)
      const v = dxa.data
      for (let i = 0; i < N * r; i++) v[i] = v[i]! * ad.scaling
      this.arena.gemm(r, inF, N, transposed(dxa, r), rowMajor(x, inF), out(ad.ga, inF), true)
      if (dx) this.arena.gemm(N, inF, r, rowMajor(dxa, r), rowMajor(ad.a, inF), out(dx, inF), true)
    }
  }

  private norm(y: Tensor, mean: Tensor, rstd: Tensor, x: Tensor, w: Tensor, b: Tensor | undefined, N: number): void {
    const C = this.config.dModel
    if (this.config.norm === "layernorm") Reference.layernormForward(y.data, mean.data, rstd.data, x.data, w.data, b!.data, N, C, this.config.normEps)
    else Reference.rmsnormForward(y.data, rstd.data, x.data, w.data, N, C, this.config.normEps)
  }

  /** Accumulates into dx, dw, db. */
  private normBackward(dx: Tensor, dw: Tensor, db: Tensor | undefined, dy: Tensor, x: Tensor, w: Tensor, mean: Tensor, rstd: Tensor, N: number): void {
    const C = this.config.dModel
    if (this.config.norm === "layernorm") Reference.layernormBackward(dx.data, dw.data, db!.data, dy.data, x.data, w.data, mean.data, rstd.data, N, C)
    else Reference.rmsnormBackward(dx.data, dw.data, dy.data, x.data, w.data, rstd.data, N, C)
  }

  /** Embeddings, the blocks and the final norm: leaves `lnf` ([B*T, C]) in the activations. */
  private trunk(batch: Batch): Acts {
    const { B, T } = batch
    const c = this.config
    if (T > c.contextLength) throw new TrainerError({ file: "<batch>", reason: `sequence length ${T} exceeds the context length ${c.contextLength}` })
    const { dModel: C, nHead: H, vocabSize: V, dFF: F } = c
    const F2 = c.mlp === "swiglu" ? 2 * F : F
    const N = B * T
    const a = this.activations(B, T)
    const w = this.w
    for (let n = 0; n < N; n++) {
      const tok = batch.tokens[n]!
      if (tok < 0 || tok >= V) throw new TrainerError({ file: "<batch>", position: `token ${n}`, reason: `token id ${tok} outside the vocabulary [0, ${V})` })
      a.pos[n] = (n % T) - batch.segStart[n]!
    }
    // embeddings
    const enc = a.encoded.data
    const wte = w.wte.data
    const wpe = w.wpe?.data
    for (let n = 0; n < N; n++) {
      const t = batch.tokens[n]! * C
      const p = a.pos[n]! * C
      for (let i = 0; i < C; i++) enc[n * C + i] = wte[t + i]! + (wpe ? wpe[p + i]! : 0)
    }
    const shape = { B, T, C, H }
    let residual = a.encoded
    for (let l = 0; l < c.nLayer; l++) {
      const L = w.layers[l]!
      const A = a.layers[l]!
      this.norm(A.ln1, A.ln1Mean, A.ln1Rstd, residual, L.ln1w, L.ln1b, N)
      this.linear(A.qkv, A.ln1, L.qkvw, L.qkvb, N, C, 3 * C)
      if (this.rope) Ops.ropeInPlace(A.qkv.data, 0, N, 3 * C, C, C / H, a.pos, this.rope.cos, this.rope.sin, 1)
      Attention.forward(this.arena, A.qkv, A.probs, A.atty, batch.segStart, shape)
      this.linear(A.res2, A.atty, L.projw, L.projb, N, C, C)
      Ops.add(A.res2.data, A.res2.data, residual.data, N * C)
      this.norm(A.ln2, A.ln2Mean, A.ln2Rstd, A.res2, L.ln2w, L.ln2b, N)
      this.linear(A.fch, A.ln2, L.fcw, L.fcb, N, C, F2)
      if (c.mlp === "swiglu") this.arena.swigluForward(A.fchAct, A.fchSaved, A.fch, N, F)
      else this.arena.geluForward(A.fchAct, A.fchSaved, A.fch, N * F)
      this.linear(A.res3, A.fchAct, L.fcprojw, L.fcprojb, N, F, C)
      Ops.add(A.res3.data, A.res3.data, A.res2.data, N * C)
      residual = A.res3
    }
    this.norm(a.lnf, a.lnfMean, a.lnfRstd, residual, w.lnfw, w.lnfb, N)
    return a
  }

  /**
   * Runs the model on a batch and returns the mean loss over tokens with a target (NaN when none).
   * With `lossScale` defined, also computes the loss gradient (scaled by it) through the tied head,
   * ready for {@link backward}. The logits are materialised a chunk of rows at a time.
   */
  forward(batch: Batch, lossScale?: number): number {
    const a = this.trunk(batch)
    const { dModel: C, vocabSize: V } = this.config
    const N = batch.B * batch.T
    let count = 0
    for (let n = 0; n < N; n++) {
      const target = batch.targets[n]!
      if (target >= V) throw new TrainerError({ file: "<batch>", position: `target ${n}`, reason: `token id ${target} outside the vocabulary [0, ${V})` })
      if (target >= 0) count++
    }
    this.batch = lossScale === undefined ? undefined : batch
    this.lossCount = count
    if (count === 0) return Number.NaN
    const dscale = lossScale === undefined ? undefined : lossScale / count
    const rows = Math.min(this.headChunkRows ?? headRows(N, V), a.logits.size / V)
    let total = 0
    for (let r0 = 0; r0 < N; r0 += rows) {
      const n = Math.min(rows, N - r0)
      this.arena.gemm(n, V, C, rowMajor(a.lnf, C, r0 * C), transposed(this.w.wte, C), out(a.logits, V), false)
      total += Ops.crossEntropy(this.arena, a.logits.ptr, batch.targets.subarray(r0, r0 + n), n, V, dscale)
      if (dscale !== undefined) {
        // tied head backward for these rows: dlnf = dlogits · wte, dwte += dlogitsᵀ · lnf
        this.arena.gemm(n, C, V, rowMajor(a.logits, V), rowMajor(this.w.wte, C), out(a.dln, C, r0 * C), false)
        if (this.trainBase) this.arena.gemm(V, C, n, transposed(a.logits, V), rowMajor(a.lnf, C, r0 * C), out(this.g.wte, C), true)
      }
    }
    return total / count
  }

  /** The logits of every position of a batch, `[B*T, V]` (a new array). */
  forwardLogits(batch: Batch): Float32Array {
    const a = this.trunk(batch)
    this.batch = undefined
    const { dModel: C, vocabSize: V } = this.config
    const N = batch.B * batch.T
    const result = new Float32Array(N * V)
    const rows = Math.min(this.headChunkRows ?? headRows(N, V), a.logits.size / V)
    for (let r0 = 0; r0 < N; r0 += rows) {
      const n = Math.min(rows, N - r0)
      this.arena.gemm(n, V, C, rowMajor(a.lnf, C, r0 * C), transposed(this.w.wte, C), out(a.logits, V), false)
      result.set(a.logits.data.subarray(0, n * V), r0 * V)
    }
    return result
  }

  /** Tokens with a target in the last forward. */
  get lastTargetCount(): number {
    return this.lossCount
  }

  /**
   * Accumulates the gradients of the last `forward(batch, lossScale)` into {@link grads} (the tied
   * head's share of the embedding gradient was added by that forward).
   */
  backward(): void {
    const batch = this.batch
    const a = this.acts
    if (!batch || !a) throw new TrainerError({ file: "<model>", reason: "backward needs a forward with a loss scale first" })
    this.batch = undefined
    if (this.lossCount === 0) return
    const c = this.config
    const { B, T } = batch
    const { dModel: C, nHead: H, dFF: F } = c
    const F2 = c.mlp === "swiglu" ? 2 * F : F
    const N = B * T
    const w = this.w
    const g = this.g
    const shape = { B, T, C, H }
    // the head's backward ran in forward: a.dln holds dlnf
    a.dres.data.fill(0, 0, N * C)
    const lastResidual = c.nLayer > 0 ? a.layers[c.nLayer - 1]!.res3 : a.encoded
    this.normBackward(a.dres, g.lnfw, g.lnfb, a.dln, lastResidual, w.lnfw, a.lnfMean, a.lnfRstd, N)
    for (let l = c.nLayer - 1; l >= 0; l--) {
      const L = w.layers[l]!
      const G = g.layers[l]!
      const A = a.layers[l]!
      const residual = l === 0 ? a.encoded : a.layers[l - 1]!.res3
      // MLP
      this.linearBackward(a.dfchAct, G.fcprojw, G.fcprojb, a.dres, A.fchAct, L.fcprojw, N, F, C)
      if (c.mlp === "swiglu") Ops.swigluBackward(a.dfch.data, A.fch.data, A.fchSaved.data, a.dfchAct.data, N, F)
      else Ops.geluBackward(a.dfch.data, A.fch.data, A.fchSaved.data, a.dfchAct.data, N * F)
      this.linearBackward(a.dln, G.fcw, G.fcb, a.dfch, A.ln2, L.fcw, N, C, F2)
      this.normBackward(a.dres, G.ln2w, G.ln2b, a.dln, A.res2, L.ln2w, A.ln2Mean, A.ln2Rstd, N)
      // attention
      this.linearBackward(a.datty, G.projw, G.projb, a.dres, A.atty, L.projw, N, C, C)
      Attention.backward(this.arena, A.qkv, A.probs, a.datty, a.dqkv, a.dscores, batch.segStart, shape)
      if (this.rope) Ops.ropeInPlace(a.dqkv.data, 0, N, 3 * C, C, C / H, a.pos, this.rope.cos, this.rope.sin, -1)
      this.linearBackward(a.dln, G.qkvw, G.qkvb, a.dqkv, A.ln1, L.qkvw, N, C, 3 * C)
      this.normBackward(a.dres, G.ln1w, G.ln1b, a.dln, residual, L.ln1w, A.ln1Mean, A.ln1Rstd, N)
    }
    // embeddings
    const dres = a.dres.data
    const dwte = g.wte.data
    const dwpe = g.wpe?.data
    for (let n = 0; n < N; n++) {
      const t = batch.tokens[n]! * C
      const p = a.pos[n]! * C
      for (let i = 0; i < C; i++) {
        dwte[t + i] = dwte[t + i]! + dres[n * C + i]!
        if (dwpe) dwpe[p + i] = dwpe[p + i]! + dres[n * C + i]!
      }
    }
  }
}
