/**
 * Model configuration: the two decoder-only variants (GPT-2: LayerNorm, learned positions, GELU
 * MLP, biases; LLaMA: RMSNorm, rotary positions, SwiGLU MLP, no biases), any mix of their parts,
 * named sizes, parameter counts and FLOPs per token.
 *
 * @since 0.1.0
 */
import { TrainerError } from "./Errors.ts"

/** @since 0.1.0 @category models */
export interface ModelConfig {
  readonly vocabSize: number
  readonly contextLength: number
  readonly nLayer: number
  readonly nHead: number
  readonly dModel: number
  /** Hidden width of the MLP (for SwiGLU, of each of gate and up). */
  readonly dFF: number
  readonly norm: "layernorm" | "rmsnorm"
  readonly position: "learned" | "rope"
  readonly mlp: "gelu" | "swiglu"
  /** Biases on the linear layers (and LayerNorm). */
  readonly bias: boolean
  readonly normEps: number
  readonly ropeTheta: number
}

/** @since 0.1.0 @category models */
export type Variant = "gpt2" | "llama"

/** The parts of a variant. @since 0.1.0 @category constructors */
export const variantParts = (variant: Variant): Pick<ModelConfig, "norm" | "position" | "mlp" | "bias"> =>
  variant === "gpt2"
    ? { norm: "layernorm", position: "learned", mlp: "gelu", bias: true }
    : { norm: "rmsnorm", position: "rope", mlp: "swiglu", bias: false }

interface Size {
  readonly nLayer: number
  readonly nHead: number
  readonly dModel: number
  readonly contextLength: number
}

/** Named sizes (depth / heads / width / context). @since 0.1.0 @category constants */
export const sizes: Readonly<Record<string, Size>> = {
  nano: { nLayer: 2, nHead: 2, dModel: 64, contextLength: 128 },
  micro: { nLayer: 4, nHead: 4, dModel: 128, contextLength: 256 },
  mini: { nLayer: 4, nHead: 4, dModel: 256, contextLength: 256 },
  small: { nLayer: 6, nHead: 6, dModel: 384, contextLength: 512 },
  medium: { nLayer: 8, nHead: 8, dModel: 512, contextLength: 1024 },
  base: { nLayer: 12, nHead: 12, dModel: 768, contextLength: 1024 }
}

/**
 * A configuration from a variant, a size and a vocabulary. The MLP width is 4·d for GELU and
 * the LLaMA rule (8/3·d rounded up to a multiple of 32) for SwiGLU.
 *
 * @since 0.1.0 @category constructors
 */
export const make = (variant: Variant, size: Size, vocabSize: number, overrides: Partial<ModelConfig> = {}): ModelConfig => {
  const parts = variantParts(variant)
  const dFF = parts.mlp === "gelu" ? 4 * size.dModel : Math.ceil((8 * size.dModel) / 3 / 32) * 32
  return validate({ vocabSize, dFF, normEps: 1e-5, ropeTheta: 10000, ...size, ...parts, ...overrides }, "<config>")
}

/**
 * A named model, `VARIANT-SIZE` (e.g. `gpt2-mini`, `llama-nano`).
 *
 * @since 0.1.0 @category constructors
 */
export const named = (name: string, vocabSize: number, overrides: Partial<ModelConfig> = {}): ModelConfig => {
  const match = /^(gpt2|llama)-(\w+)$/.exec(name)
  const size = match ? sizes[match[2]!] : undefined
  if (!match || !size) {
    throw new TrainerError({ file: name, reason: `unknown model size; use gpt2-SIZE or llama-SIZE with SIZE one of ${Object.keys(sizes).join(", ")}` })
  }
  return make(match[1] as Variant, size, vocabSize, overrides)
}

const positiveInt = (file: string, o: Record<string, unknown>, key: string): number => {
  const v = o[key]
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new TrainerError({ file, position: key, reason: `expected a positive integer, got ${JSON.stringify(v)}` })
  return v
}

const oneOf = <A extends string>(file: string, o: Record<string, unknown>, key: string, options: ReadonlyArray<A>): A => {
  const v = o[key]
  if (typeof v !== "string" || !options.includes(v as A)) throw new TrainerError({ file, position: key, reason: `expected one of ${options.join(", ")}, got ${JSON.stringify(v)}` })
  return v as A
}

/**
 * Checks a configuration (from JSON or code); throws {@link TrainerError} naming the field.
 *
 * @since 0.1.0 @category validation
 */
export const validate = (value: unknown, file: string): ModelConfig => {
  const o = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>
  const config: ModelConfig = {
    vocabSize: positiveInt(file, o, "vocabSize"),
    contextLength: positiveInt(file, o, "contextLength"),
    nLayer: positiveInt(file, o, "nLayer"),
    nHead: positiveInt(file, o, "nHead"),
    dModel: positiveInt(file, o, "dModel"),
    dFF: positiveInt(file, o, "dFF"),
    norm: oneOf(file, o, "norm", ["layernorm", "rmsnorm"]),
    position: oneOf(file, o, "position", ["learned", "rope"]),
    mlp: oneOf(file, o, "mlp", ["gelu", "swiglu"]),
    bias: typeof o.bias === "boolean" ? o.bias : false,
    normEps: typeof o.normEps === "number" ? o.normEps : 1e-5,
    ropeTheta: typeof o.ropeTheta === "number" ? o.ropeTheta : 10000
  }
  if (config.dModel % config.nHead !== 0) throw new TrainerError({ file, position: "nHead", reason: `dModel ${config.dModel} is not divisible by nHead ${config.nHead}` })
  if (config.position === "rope" && (config.dModel / config.nHead) % 2 !== 0) throw new TrainerError({ file, position: "nHead", reason: "rotary positions need an even head size" })
  return config
}

/** Head size. @since 0.1.0 @category getters */
export const headSize = (c: ModelConfig): number => c.dModel / c.nHead

/** Parameters, counting the tied embedding once. @since 0.1.0 @category getters */
export const parameterCount = (c: ModelConfig): number => {
  const C = c.dModel
  const normParams = c.norm === "layernorm" ? 2 * C : C
  const mlpIn = c.mlp === "swiglu" ? 2 * c.dFF : c.dFF
  const perLayer = 2 * normParams + 3 * C * C + C * C + mlpIn * C + c.dFF * C +
    (c.bias ? 3 * C + C + mlpIn + C : 0)
  return c.vocabSize * C + (c.position === "learned" ? c.contextLength * C : 0) + c.nLayer * perLayer + normParams
}

/** Parameters outside the embeddings (the N of scaling laws). @since 0.1.0 @category getters */
export const nonEmbeddingParameterCount = (c: ModelConfig): number =>
  parameterCount(c) - c.vocabSize * c.dModel - (c.position === "learned" ? c.contextLength * c.dModel : 0)

/**
 * Training FLOPs per token (PaLM count, as nanoGPT's `estimate_mfu`): `6N + 12·L·H·Q·T` with N
 * the parameters (tied head counted once, as matmul FLOPs of the head are part of 6N), T the
 * sequence length.
 *
 * @since 0.1.0 @category getters
 */
export const trainingFlopsPerToken = (c: ModelConfig, seqLen = c.contextLength): number =>
  6 * (parameterCount(c) - (c.position === "learned" ? c.contextLength * c.dModel : 0)) + 12 * c.nLayer * c.dModel * seqLen

/** Parameters of a configuration, for reports. @since 0.1.0 @category getters */
export const describe = (c: ModelConfig): string =>
  `${c.nLayer} layers, d ${c.dModel}, ${c.nHead} heads, context ${c.contextLength}, vocabulary ${c.vocabSize}, ${c.norm}/${c.position}/${c.mlp}, ${(parameterCount(c) / 1e6).toFixed(2)}M parameters`
