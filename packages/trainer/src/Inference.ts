/**
 * The trained transformer as a {@link LanguageModel}: generation sessions with a KV cache per
 * layer, the linear layers on the SIMD matmul (a prompt is processed in chunks of rows), attention
 * over the cache in plain loops. `loadForInference` opens a checkpoint with its tokenizer.
 *
 * ```ts no-run
 * import { Inference } from "@pretrain/trainer"
 * const { model, tokenizer } = Inference.loadForInference("runs/tiny")
 * const session = model.session()
 * const logits = session.feed(tokenizer.encode("def add("))
 * ```
 *
 * @since 0.1.0
 */
import { Reference } from "@pretrain/gpu-kernels"
import { Tokenizer } from "@pretrain/tokenizer"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Checkpoint from "./Checkpoint.ts"
import type { ModelConfig } from "./Config.ts"
import { TrainerError } from "./Errors.ts"
import * as Ops from "./internal/ops.ts"
import type { GenerationSession, LanguageModel } from "./LanguageModel.ts"
import type { Model } from "./Model.ts"
import { out, rowMajor, type Tensor, transposed } from "./Wasm.ts"

/** Rows processed per chunk when feeding many tokens. */
const CHUNK = 64

interface Scratch {
  readonly x: Tensor
  readonly ln: Tensor
  readonly qkv: Tensor
  readonly atty: Tensor
  readonly tmp: Tensor
  readonly fch: Tensor
  readonly fchAct: Tensor
  readonly fchSaved: Tensor
  readonly mean: Tensor
  readonly rstd: Tensor
  readonly logits: Tensor
  readonly pos: Int32Array
}

const scratchFor = (model: Model): Scratch => {
  const { dModel: C, dFF: F, vocabSize: V } = model.config
  const F2 = model.config.mlp === "swiglu" ? 2 * F : F
  const a = model.arena
  return {
    x: a.alloc(CHUNK * C),
    ln: a.alloc(CHUNK * C),
    qkv: a.alloc(CHUNK * 3 * C),
    atty: a.alloc(CHUNK * C),
    tmp: a.alloc(CHUNK * C),
    fch: a.alloc(CHUNK * F2),
    fchAct: a.alloc(CHUNK * F),
    fchSaved: a.alloc(CHUNK * F),
    mean: a.alloc(CHUNK),
    rstd: a.alloc(CHUNK),
    logits: a.alloc(V),
    pos: new Int32Array(CHUNK)
  }
}

/**
 * A {@link LanguageModel} over a trained model (sharing its weights: later training shows).
 *
 * @since 0.1.0 @category constructors
 */
export const asLanguageModel = (model: Model): LanguageModel => {
  const c = model.config
  const { dModel: C, nHead: H, dFF: F, vocabSize: V, contextLength: maxT } = c
  const D = C / H
  const F2 = c.mlp === "swiglu" ? 2 * F : F
  const scale = 1 / Math.sqrt(D)
  const s = scratchFor(model)
  const rope = c.position === "rope" ? Ops.ropeTables(maxT, D, c.ropeTheta) : undefined
  const p = (name: string) => model.parameter(name)
  const opt = (name: string) => (model.specs.some((x) => x.name === name) ? model.parameter(name) : undefined)
  const layers = Array.from({ length: c.nLayer }, (_, l) => ({
    ln1w: p(`h.${l}.ln1.w`), ln1b: opt(`h.${l}.ln1.b`), qkvw: p(`h.${l}.qkv.w`), qkvb: opt(`h.${l}.qkv.b`),
    projw: p(`h.${l}.proj.w`), projb: opt(`h.${l}.proj.b`), ln2w: p(`h.${l}.ln2.w`), ln2b: opt(`h.${l}.ln2.b`),
    fcw: p(`h.${l}.fc.w`), fcb: opt(`h.${l}.fc.b`), fcprojw: p(`h.${l}.fcproj.w`), fcprojb: opt(`h.${l}.fcproj.b`)
  }))
  const wte = p("wte")
  const wpe = opt("wpe")
  const lnfw = p("lnf.w")
  const lnfb = opt("lnf.b")
  const arena = model.arena

  const norm = (y: Tensor, x: Tensor, w: Tensor, b: Tensor | undefined, n: number) => {
    if (c.norm === "layernorm") Reference.layernormForward(y.data, s.mean.data, s.rstd.data, x.data, w.data, b!.data, n, C, c.normEps)
    else Reference.rmsnormForward(y.data, s.rstd.data, x.data, w.data, n, C, c.normEps)
  }
  const linear = (y: Tensor, x: Tensor, w: Tensor, b: Tensor | undefined, n: number, inF: number, outF: number) => {
    arena.gemm(n, outF, inF, rowMajor(x, inF), transposed(w, inF), out(y, outF), false)
    if (b) Ops.addBias(y.data, b.data, n, outF)
  }

  /** Runs `n` tokens at positions `start..start+n-1` through the model, extending the caches. */
  const chunk = (kc: ReadonlyArray<Float32Array>, vc: ReadonlyArray<Float32Array>, tokens: ArrayLike<number>, from: number, n: number, start: number, scores: Float32Array) => {
    const x = s.x.data
    const te = wte.data
    const pe = wpe?.data
    for (let i = 0; i < n; i++) {
      const tok = tokens[from + i]!
      if (!Number.isInteger(tok) || tok < 0 || tok >= V) throw new TrainerError({ file: "<session>", position: `token ${from + i}`, reason: `token id ${tok} outside the vocabulary [0, ${V})` })
      s.pos[i] = start + i
      for (let k = 0; k < C; k++) x[i * C + k] = te[tok * C + k]! + (pe ? pe[(start + i) * C + k]! : 0)
    }
    for (let l = 0; l < c.nLayer; l++) {
      const L = layers[l]!
      norm(s.ln, s.x, L.ln1w, L.ln1b, n)
      linear(s.qkv, s.ln, L.qkvw, L.qkvb, n, C, 3 * C)
      if (rope) Ops.ropeInPlace(s.qkv.data, 0, n, 3 * C, C, D, s.pos, rope.cos, rope.sin, 1)
      const qkv = s.qkv.data
      const K = kc[l]!
      const Vc = vc[l]!
      for (let i = 0; i < n; i++) {
        K.set(qkv.subarray(i * 3 * C + C, i * 3 * C + 2 * C), (start + i) * C)
        Vc.set(qkv.subarray(i * 3 * C + 2 * C, i * 3 * C + 3 * C), (start + i) * C)
      }
      const y = s.atty.data
      for (let i = 0; i < n; i++) {
        const last = start + i
        for (let h = 0; h < H; h++) {
          const q = i * 3 * C + h * D
          let max = -Infinity
          for (let j = 0; j <= last; j++) {
            let dot = 0
            const kr = j * C + h * D
            for (let d = 0; d < D; d++) dot += qkv[q + d]! * K[kr + d]!
            scores[j] = dot * scale
            if (scores[j]! > max) max = scores[j]!
          }
          let sum = 0
          for (let j = 0; j <= last; j++) {
            scores[j] = Math.exp(scores[j]! - max)
            sum += scores[j]!
          }
          const o = i * C + h * D
          y.fill(0, o, o + D)
          for (let j = 0; j <= last; j++) {
            const w = scores[j]! / sum
            const vr = j * C + h * D
            for (let d = 0; d < D; d++) y[o + d] = y[o + d]! + w * Vc[vr + d]!
          }
        }
      }
      linear(s.tmp, s.atty, L.projw, L.projb, n, C, C)
      Ops.add(s.x.data, s.x.data, s.tmp.data, n * C)
      norm(s.ln, s.x, L.ln2w, L.ln2b, n)
      linear(s.fch, s.ln, L.fcw, L.fcb, n, C, F2)
      if (c.mlp === "swiglu") arena.swigluForward(s.fchAct, s.fchSaved, s.fch, n, F)
      else arena.geluForward(s.fchAct, s.fchSaved, s.fch, n * F)
      linear(s.tmp, s.fchAct, L.fcprojw, L.fcprojb, n, F, C)
      Ops.add(s.x.data, s.x.data, s.tmp.data, n * C)
    }
  }

  const session = (): GenerationSession => {
    const kc = Array.from({ length: c.nLayer }, () => new Float32Array(maxT * C))
    const vc = Array.from({ length: c.nLayer }, () => new Float32Array(maxT * C))
    const scores = new Float32Array(maxT)
    const result = new Float32Array(V)
    let length = 0
    return {
      get length() {
        return length
      },
      feed(tokens: ArrayLike<number>): Float32Array {
        if (tokens.length === 0) throw new TrainerError({ file: "<session>", reason: "feed needs at least one token" })
        if (length + tokens.length > maxT) {
          throw new TrainerError({ file: "<session>", reason: `${length + tokens.length} tokens exceed the context length ${maxT}` })
        }
        let n = 0
        for (let from = 0; from < tokens.length; from += CHUNK) {
          n = Math.min(CHUNK, tokens.length - from)
          chunk(kc, vc, tokens, from, n, length, scores)
          length += n
        }
        // final norm and the tied head for the last row only
        const lastRow = s.x.slice((n - 1) * C, C)
        const lnRow = s.ln.slice(0, C)
        if (c.norm === "layernorm") Reference.layernormForward(lnRow.data, s.mean.data, s.rstd.data, lastRow.data, lnfw.data, lnfb!.data, 1, C, c.normEps)
        else Reference.rmsnormForward(lnRow.data, s.rstd.data, lastRow.data, lnfw.data, 1, C, c.normEps)
        arena.gemm(1, V, C, rowMajor(lnRow, C), transposed(wte, C), out(s.logits, V), false)
        result.set(s.logits.data)
        return result
      }
    }
  }
  return { vocabSize: V, contextLength: maxT, session }
}

/** The base checkpoint recorded in a LoRA checkpoint's state.json, if any. */
const readBase = (dir: string): string | undefined => {
  const file = path.join(dir, "state.json")
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { base?: string }).base : undefined
}

/** The tokenizer file of a checkpoint: in its directory or in the run directory above. */
const tokenizerFile = (dir: string): string | undefined =>
  [dir, path.dirname(dir), path.dirname(path.dirname(dir)), ...(readBase(dir) ? [readBase(dir)!, path.dirname(path.dirname(readBase(dir)!))] : [])]
    .map((d) => path.join(d, "tokenizer.json")).find((f) => fs.existsSync(f))

/**
 * Opens a checkpoint (a checkpoint directory or a run directory: its newest checkpoint) for
 * generation: the model as a {@link LanguageModel}, its tokenizer (`tokenizer.json` beside the
 * weights or in the run directory) and configuration.
 *
 * @since 0.1.0 @category constructors
 */
export const loadForInference = (checkpointDir: string): { readonly model: LanguageModel; readonly tokenizer: Tokenizer; readonly config: ModelConfig; readonly trained: Model } => {
  const dir = Checkpoint.resolve(checkpointDir)
  const { model: trained, lora } = Checkpoint.readTrainable(dir, readBase(dir))
  lora?.merge()
  const file = tokenizerFile(dir)
  if (!file) throw new TrainerError({ file: dir, reason: "no tokenizer.json in the checkpoint or its run directory" })
  const tokenizer = Tokenizer.fromFileSync(file)
  if (tokenizer.vocabSize > trained.config.vocabSize) {
    throw new TrainerError({ file, reason: `tokenizer has ${tokenizer.vocabSize} ids, the model ${trained.config.vocabSize}` })
  }
  return { model: asLanguageModel(trained), tokenizer, config: trained.config, trained }
}
