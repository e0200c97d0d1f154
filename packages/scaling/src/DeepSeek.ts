/**
 * DeepSeek LLM's hyperparameter scaling laws (DeepSeek-AI 2024, arXiv:2401.02954, §3.1–3.2), with
 * `C = M·D` in FLOPs, `M` the non-embedding FLOPs per token (`Flops.deepseekM`):
 *
 * ```
 * eta_opt = 0.3118 · C^−0.1250      learning rate
 * B_opt   = 0.2920 · C^0.3271       batch size in tokens
 * M_opt   = 0.1715 · C^0.5243       model scale (FLOPs/token)
 * D_opt   = 5.8316 · C^0.4757       data scale (tokens)
 * ```
 *
 * They reproduce the published configurations: 7B (30 layers, d_model 4096, sequence 4096, 2.0T
 * tokens) gets a learning rate of 4.2e-4 and about 9.4M-token batches; 67B (95 layers, 8192 wide)
 * 3.2e-4 and about 19M tokens.
 *
 * @since 0.1.0
 */

/**
 * Optimal peak learning rate for a compute budget `C = M·D` FLOPs.
 *
 * @since 0.1.0 @category laws
 */
export const learningRate = (flops: number): number => 0.3118 * flops ** -0.125

/**
 * Optimal batch size in tokens for a compute budget.
 *
 * @since 0.1.0 @category laws
 */
export const batchTokens = (flops: number): number => 0.292 * flops ** 0.3271

/**
 * Optimal model scale `M` (non-embedding FLOPs per token) for a compute budget.
 *
 * @since 0.1.0 @category laws
 */
export const modelScale = (flops: number): number => 0.1715 * flops ** 0.5243

/**
 * Optimal data scale `D` (tokens) for a compute budget.
 *
 * @since 0.1.0 @category laws
 */
export const dataScale = (flops: number): number => 5.8316 * flops ** 0.4757

/**
 * All four for a budget.
 *
 * @since 0.1.0 @category laws
 */
export const hyperparameters = (flops: number) => ({
  learningRate: learningRate(flops),
  batchTokens: batchTokens(flops),
  modelScale: modelScale(flops),
  dataScale: dataScale(flops)
})
