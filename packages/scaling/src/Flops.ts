/**
 * Training FLOPs per token from a model shape, by the accountings in use: `6N`, Kaplan et al.'s
 * with the attention term, PaLM's (as nanoGPT's MFU estimate), DeepSeek LLM's non-embedding `M`,
 * and Chinchilla App. F's per-sequence count.
 *
 * @since 0.1.0
 */
import type { ModelShape } from "./Shape.ts"

/**
 * `6·N` training FLOPs per token (2N forward, 4N backward; Kaplan et al. 2020, Hoffmann et al. 2022).
 *
 * @since 0.1.0 @category flops
 */
export const sixN = (params: number): number => 6 * params

/**
 * Kaplan et al. 2020 (Table 1, eq. 2.1–2.2): `N = 2·d_model·n_layer·(2·d_attn + d_ff)`
 * (non-embedding) and training `≈ 6N + 6·n_layer·n_ctx·d_attn` per token.
 *
 * @since 0.1.0 @category flops
 */
export const kaplan = (shape: ModelShape): { readonly params: number; readonly perToken: number } => {
  const dAttn = (shape.headDim ?? shape.dModel / shape.heads) * shape.heads
  const dff = shape.ffw ?? 4 * shape.dModel
  const params = 2 * shape.dModel * shape.layers * (2 * dAttn + dff)
  return { params, perToken: 6 * params + 6 * shape.layers * shape.seqLen * dAttn }
}

/**
 * PaLM (Chowdhery et al. 2022, App. B), as nanoGPT's `estimate_mfu`: `6N + 12·L·H·Q·T` per token
 * with `N` the parameters without position embeddings.
 *
 * @since 0.1.0 @category flops
 */
export const palm = (shape: ModelShape, params: number): number => {
  const q = shape.headDim ?? shape.dModel / shape.heads
  return 6 * params + 12 * shape.layers * shape.heads * q * shape.seqLen
}

/**
 * DeepSeek LLM (2024, §3.2): non-embedding FLOPs per token
 * `M = 72·n_layer·d_model² + 12·n_layer·d_model·l_seq` (attention included, vocabulary excluded).
 *
 * @since 0.1.0 @category flops
 */
export const deepseekM = (shape: ModelShape): number =>
  72 * shape.layers * shape.dModel ** 2 + 12 * shape.layers * shape.dModel * shape.seqLen

/**
 * Chinchilla App. F forward FLOPs of one sequence (factor 2 per multiply-accumulate; softmax 3 per
 * score). `includeEmbeddings: false` leaves out the embedding and logits terms, which is how Table
 * A4's ratios were computed (nanoGPT `scaling_laws.ipynb`, per author correspondence).
 *
 * @since 0.1.0 @category flops
 */
export const chinchillaForward = (shape: ModelShape, options: { readonly includeEmbeddings?: boolean } = {}): number => {
  const seq = shape.seqLen
  const d = shape.dModel
  const inner = (shape.headDim ?? Math.floor(d / shape.heads)) * shape.heads
  const ffw = shape.ffw ?? 4 * d
  const attention = 2 * 3 * seq * d * inner + // key, query, value projections
    2 * seq * seq * inner + // key @ query logits
    3 * shape.heads * seq * seq + // softmax
    2 * seq * seq * inner + // softmax @ value
    2 * seq * inner * d // output projection
  const dense = 2 * seq * (2 * d * ffw)
  const embeddings = options.includeEmbeddings === false ? 0 : 2 * seq * shape.vocab * d * 2 // input embedding and logits
  return shape.layers * (attention + dense) + embeddings
}

/**
 * Chinchilla App. F training FLOPs per token: 3 × forward (backward = 2 × forward), per token.
 *
 * @since 0.1.0 @category flops
 */
export const chinchillaPerToken = (shape: ModelShape, options: { readonly includeEmbeddings?: boolean } = {}): number =>
  (3 * chinchillaForward(shape, options)) / shape.seqLen
