/**
 * Decoder-only transformer shapes: parameter counts with and without embeddings, and shape
 * suggestions (layers, width, heads) for a target parameter count.
 *
 * @since 0.1.0
 */

/**
 * A decoder-only transformer.
 *
 * @since 0.1.0 @category models
 */
export interface ModelShape {
  readonly layers: number
  readonly dModel: number
  readonly heads: number
  readonly seqLen: number
  readonly vocab: number
  /** Feed-forward width (default `4·dModel`). */
  readonly ffw?: number | undefined
  /** Key/query/value size per head (default `dModel/heads`). */
  readonly headDim?: number | undefined
}

/**
 * How the parameters are counted: biases, tied input/output embeddings, and the positional
 * scheme (`learned` absolute embeddings as GPT-2, `relative` as Chinchilla's Transformer-XL style
 * `d² + 2d` per layer, `rotary` with no parameters).
 *
 * @since 0.1.0 @category models
 */
export interface ParamOptions {
  readonly bias?: boolean | undefined
  readonly tied?: boolean | undefined
  readonly positional?: "learned" | "relative" | "rotary" | undefined
}

/**
 * Parameter counts by part.
 *
 * @since 0.1.0 @category models
 */
export interface ParamCount {
  readonly tokenEmbedding: number
  readonly positionEmbedding: number
  /** All transformer blocks (attention, relative-position terms, MLP, layer norms). */
  readonly blocks: number
  readonly finalNorm: number
  /** The output (logits) matrix when untied; 0 when tied to the token embedding. */
  readonly output: number
  readonly total: number
  /** Everything but the token and position embeddings (and an untied output matrix): Kaplan's N. */
  readonly nonEmbedding: number
}

/**
 * Count parameters. GPT-2 small (12 layers, 768 wide, 12 heads, 1024 positions, 50257 tokens)
 * with biases, tied and learned positions gives 124,439,808; without biases 124,337,664
 * (nanoGPT `transformer_sizing.ipynb`).
 *
 * @since 0.1.0 @category counting
 */
export const paramCount = (shape: ModelShape, options: ParamOptions = {}): ParamCount => {
  const bias = options.bias ?? true
  const tied = options.tied ?? true
  const positional = options.positional ?? "learned"
  const d = shape.dModel
  const ffw = shape.ffw ?? 4 * d
  const inner = (shape.headDim ?? d / shape.heads) * shape.heads
  const norm = bias ? 2 * d : d
  const attention = d * 3 * inner + (bias ? 3 * inner : 0) + inner * d + (bias ? d : 0)
  const relative = positional === "relative" ? d * d + 2 * d : 0
  const mlp = d * ffw + (bias ? ffw : 0) + ffw * d + (bias ? d : 0)
  const blocks = shape.layers * (attention + relative + mlp + 2 * norm)
  const tokenEmbedding = shape.vocab * d
  const positionEmbedding = positional === "learned" ? shape.seqLen * d : 0
  const output = tied ? 0 : d * shape.vocab
  const total = tokenEmbedding + positionEmbedding + blocks + norm + output
  return { tokenEmbedding, positionEmbedding, blocks, finalNorm: norm, output, total, nonEmbedding: blocks + norm }
}

/**
 * Chinchilla's parameter count (Table A9, as reproduced in nanoGPT `scaling_laws.ipynb`):
 * relative positions, biases, an untied output matrix counted, the input embedding not counted.
 *
 * @since 0.1.0 @category counting
 */
export const chinchillaParams = (shape: ModelShape): number => {
  const c = paramCount(shape, { bias: true, tied: false, positional: "relative" })
  return c.blocks + c.finalNorm + c.output
}

/**
 * A suggested shape, with its parameter count and width/depth ratio.
 *
 * @since 0.1.0 @category models
 */
export interface ShapeSuggestion extends ModelShape {
  readonly params: number
  readonly aspect: number
}

/**
 * Width-to-depth ratio to aim for at `params` parameters: 64 at 10M rising to 128 at 100B and
 * beyond, the range of published models (Chinchilla Table A9: 512/8 = 64 at 44M, 5120/47 ≈ 109 at
 * 16B; Chinchilla 70B 8192/80 ≈ 102; GPT-3 175B 12288/96 = 128).
 *
 * @since 0.1.0 @category shapes
 */
export const targetAspect = (params: number): number => {
  const t = Math.min(1, Math.max(0, (Math.log10(params) - 7) / 4))
  return 64 * 2 ** t
}

/**
 * Shapes of about `params` total parameters (tied embeddings, rotary positions, no biases, the
 * modern default), best first: head size 64 up to 1024 wide and 128 above, width a multiple of
 * 128 (256 above 2048), depth chosen so the width/depth ratio is near `targetAspect`; one suggestion per width.
 *
 * @since 0.1.0 @category shapes
 */
export const suggestShapes = (
  params: number,
  options: { readonly vocab?: number | undefined; readonly seqLen?: number | undefined; readonly count?: number | undefined } = {}
): ReadonlyArray<ShapeSuggestion> => {
  const vocab = options.vocab ?? 32000
  const seqLen = options.seqLen ?? 2048
  const aspect = targetAspect(params)
  const candidates: Array<ShapeSuggestion & { readonly score: number }> = []
  for (let layers = 2; layers <= 160; layers++) {
    for (const headDim of [64, 128]) {
      for (let heads = 1; heads <= 256; heads++) {
        const dModel = heads * headDim
        if ((headDim === 64) !== (dModel <= 1024)) continue
        if (dModel % (dModel > 2048 ? 256 : 128) !== 0) continue
        const shape = { layers, dModel, heads, seqLen, vocab }
        const p = paramCount(shape, { bias: false, tied: true, positional: "rotary" }).total
        const sizeError = Math.abs(Math.log(p / params))
        if (sizeError > 0.15) continue
        const ratio = dModel / layers
        const score = sizeError + 0.5 * Math.abs(Math.log(ratio / aspect))
        candidates.push({ ...shape, params: p, aspect: ratio, score })
      }
    }
  }
  candidates.sort((a, b) => a.score - b.score)
  // one suggestion per width: the depth that fits best
  const widths = new Set<number>()
  const distinct = candidates.filter((c) => !widths.has(c.dModel) && widths.add(c.dModel))
  return distinct.slice(0, options.count ?? 3).map(({ score: _score, ...s }) => s)
}
