/**
 * Hugging Face naming of the model's tensors and config.json: a GELU-MLP model is written as
 * `GPT2LMHeadModel` (`transformer.h.{l}.attn.c_attn.weight`, Conv1D weights stored `[in, out]`), a
 * SwiGLU model as `LlamaForCausalLM` (`model.layers.{l}.self_attn.q_proj.weight`, `[out, in]`, the
 * fused QKV and gate|up split). The embedding is tied (no `lm_head.weight`).
 *
 * @since 0.1.0
 */
import * as Config from "./Config.ts"
import type { ModelConfig } from "./Config.ts"
import { TrainerError } from "./Errors.ts"
import type { NamedTensor } from "./Safetensors.ts"

/** @since 0.1.0 @category models */
export type Family = "gpt2" | "llama"

/** The HF family a configuration is written as. @since 0.1.0 @category getters */
export const family = (c: ModelConfig): Family => (c.mlp === "gelu" ? "gpt2" : "llama")

/** One HF tensor: a block of rows of an internal tensor, optionally transposed. @since 0.1.0 @category models */
export interface Piece {
  readonly hf: string
  readonly internal: string
  readonly rowStart: number
  readonly rows: number
  readonly cols: number
  readonly transpose: boolean
}

/** The HF tensors of a configuration and where they live internally. @since 0.1.0 @category getters */
export const pieces = (c: ModelConfig): ReadonlyArray<Piece> => {
  const C = c.dModel
  const F = c.dFF
  const F2 = c.mlp === "swiglu" ? 2 * F : F
  const list: Array<Piece> = []
  const vec = (hf: string, internal: string, n: number) => list.push({ hf, internal, rowStart: 0, rows: 1, cols: n, transpose: false })
  const mat = (hf: string, internal: string, rowStart: number, rows: number, cols: number, transpose: boolean) =>
    list.push({ hf, internal, rowStart, rows, cols, transpose })
  const norm = (hf: string, internal: string) => {
    vec(`${hf}.weight`, `${internal}.w`, C)
    if (c.norm === "layernorm") vec(`${hf}.bias`, `${internal}.b`, C)
  }
  const linear = (hf: string, internal: string, rowStart: number, rows: number, cols: number, transpose: boolean) => {
    mat(`${hf}.weight`, `${internal}.w`, rowStart, rows, cols, transpose)
    if (c.bias) list.push({ hf: `${hf}.bias`, internal: `${internal}.b`, rowStart, rows, cols: 1, transpose: false })
  }
  if (family(c) === "gpt2") {
    mat("transformer.wte.weight", "wte", 0, c.vocabSize, C, false)
    if (c.position === "learned") mat("transformer.wpe.weight", "wpe", 0, c.contextLength, C, false)
    for (let l = 0; l < c.nLayer; l++) {
      const h = `transformer.h.${l}`
      norm(`${h}.ln_1`, `h.${l}.ln1`)
      linear(`${h}.attn.c_attn`, `h.${l}.qkv`, 0, 3 * C, C, true)
      linear(`${h}.attn.c_proj`, `h.${l}.proj`, 0, C, C, true)
      norm(`${h}.ln_2`, `h.${l}.ln2`)
      linear(`${h}.mlp.c_fc`, `h.${l}.fc`, 0, F2, C, true)
      linear(`${h}.mlp.c_proj`, `h.${l}.fcproj`, 0, C, F, true)
    }
    norm("transformer.ln_f", "lnf")
  } else {
    mat("model.embed_tokens.weight", "wte", 0, c.vocabSize, C, false)
    if (c.position === "learned") mat("model.embed_positions.weight", "wpe", 0, c.contextLength, C, false)
    for (let l = 0; l < c.nLayer; l++) {
      const h = `model.layers.${l}`
      norm(`${h}.input_layernorm`, `h.${l}.ln1`)
      linear(`${h}.self_attn.q_proj`, `h.${l}.qkv`, 0, C, C, false)
      linear(`${h}.self_attn.k_proj`, `h.${l}.qkv`, C, C, C, false)
      linear(`${h}.self_attn.v_proj`, `h.${l}.qkv`, 2 * C, C, C, false)
      linear(`${h}.self_attn.o_proj`, `h.${l}.proj`, 0, C, C, false)
      norm(`${h}.post_attention_layernorm`, `h.${l}.ln2`)
      if (c.mlp === "swiglu") {
        linear(`${h}.mlp.gate_proj`, `h.${l}.fc`, 0, F, C, false)
        linear(`${h}.mlp.up_proj`, `h.${l}.fc`, F, F, C, false)
      } else linear(`${h}.mlp.up_proj`, `h.${l}.fc`, 0, F, C, false)
      linear(`${h}.mlp.down_proj`, `h.${l}.fcproj`, 0, C, F, false)
    }
    norm("model.norm", "lnf")
  }
  return list
}

/** Resolves an internal tensor by name (parameters or gradients of a model). */
export type Lookup = (internal: string) => Float32Array

/**
 * The HF tensors of a model (from its parameters, or any tensor set laid out like them, such as
 * gradients): copies.
 *
 * @since 0.1.0 @category encoding
 */
export const toHf = (c: ModelConfig, lookup: Lookup): Array<NamedTensor> =>
  pieces(c).map((p) => {
    const src = lookup(p.internal)
    if (p.cols === 1) return { name: p.hf, shape: [p.rows], data: src.slice(p.rowStart, p.rowStart + p.rows) }
    if (p.rows === 1) return { name: p.hf, shape: [p.cols], data: src.slice(0, p.cols) }
    if (!p.transpose) return { name: p.hf, shape: [p.rows, p.cols], data: src.slice(p.rowStart * p.cols, (p.rowStart + p.rows) * p.cols) }
    const data = new Float32Array(p.rows * p.cols)
    for (let r = 0; r < p.rows; r++) for (let k = 0; k < p.cols; k++) data[k * p.rows + r] = src[(p.rowStart + r) * p.cols + k]!
    return { name: p.hf, shape: [p.cols, p.rows], data }
  })

/**
 * Copies HF tensors into a model's internal tensors; every expected tensor must be present with
 * its shape (errors name `file` and the tensor). Extra tensors (`lm_head.weight`, attention
 * buffers) are ignored.
 *
 * @since 0.1.0 @category decoding
 */
export const fromHf = (c: ModelConfig, tensors: ReadonlyArray<NamedTensor>, lookup: Lookup, file: string): void => {
  const byName = new Map(tensors.map((t) => [t.name, t]))
  for (const p of pieces(c)) {
    const t = byName.get(p.hf) ?? byName.get(p.hf.replace(/^(transformer|model)\./, ""))
    if (!t) throw new TrainerError({ file, position: p.hf, reason: "missing tensor" })
    const dst = lookup(p.internal)
    const expected = p.cols === 1 ? [p.rows] : p.rows === 1 ? [p.cols] : p.transpose ? [p.cols, p.rows] : [p.rows, p.cols]
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new TrainerError({ file, position: p.hf, reason: `shape [${t.shape.join(", ")}], expected [${expected.join(", ")}]` })
    }
    if (p.cols === 1) dst.set(t.data, p.rowStart)
    else if (p.rows === 1) dst.set(t.data, 0)
    else if (!p.transpose) dst.set(t.data, p.rowStart * p.cols)
    else for (let r = 0; r < p.rows; r++) for (let k = 0; k < p.cols; k++) dst[(p.rowStart + r) * p.cols + k] = t.data[k * p.rows + r]!
  }
}

/**
 * config.json: the HF fields of the family plus the exact configuration under `pretrain`.
 *
 * @since 0.1.0 @category encoding
 */
export const configJson = (c: ModelConfig): Record<string, unknown> =>
  family(c) === "gpt2"
    ? {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      vocab_size: c.vocabSize,
      n_positions: c.contextLength,
      n_ctx: c.contextLength,
      n_embd: c.dModel,
      n_layer: c.nLayer,
      n_head: c.nHead,
      n_inner: c.dFF,
      activation_function: "gelu_new",
      layer_norm_epsilon: c.normEps,
      tie_word_embeddings: true,
      pretrain: c
    }
    : {
      architectures: ["LlamaForCausalLM"],
      model_type: "llama",
      vocab_size: c.vocabSize,
      max_position_embeddings: c.contextLength,
      hidden_size: c.dModel,
      intermediate_size: c.dFF,
      num_hidden_layers: c.nLayer,
      num_attention_heads: c.nHead,
      num_key_value_heads: c.nHead,
      hidden_act: "silu",
      rms_norm_eps: c.normEps,
      rope_theta: c.ropeTheta,
      attention_bias: c.bias,
      mlp_bias: c.bias,
      tie_word_embeddings: true,
      pretrain: c
    }

/**
 * The configuration of a config.json: its `pretrain` block, else derived from the HF fields of a
 * GPT-2 or LLaMA config.
 *
 * @since 0.1.0 @category decoding
 */
export const parseConfigJson = (value: unknown, file: string): ModelConfig => {
  const o = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>
  if (o.pretrain !== undefined) return Config.validate(o.pretrain, file)
  if (o.model_type === "gpt2") {
    const C = o.n_embd as number
    return Config.validate({
      vocabSize: o.vocab_size, contextLength: o.n_positions, nLayer: o.n_layer, nHead: o.n_head, dModel: C,
      dFF: typeof o.n_inner === "number" ? o.n_inner : 4 * C, norm: "layernorm", position: "learned", mlp: "gelu", bias: true,
      normEps: o.layer_norm_epsilon ?? 1e-5
    }, file)
  }
  if (o.model_type === "llama") {
    if (o.num_key_value_heads !== undefined && o.num_key_value_heads !== o.num_attention_heads) {
      throw new TrainerError({ file, position: "num_key_value_heads", reason: "grouped-query attention is not supported" })
    }
    return Config.validate({
      vocabSize: o.vocab_size, contextLength: o.max_position_embeddings, nLayer: o.num_hidden_layers, nHead: o.num_attention_heads,
      dModel: o.hidden_size, dFF: o.intermediate_size, norm: "rmsnorm", position: "rope", mlp: "swiglu", bias: o.attention_bias === true,
      normEps: o.rms_norm_eps ?? 1e-6, ropeTheta: o.rope_theta ?? 10000
    }, file)
  }
  throw new TrainerError({ file, position: "model_type", reason: `expected a "pretrain" block or model_type gpt2 / llama, got ${JSON.stringify(o.model_type)}` })
}
