/**
 * @pretrain/gpu-kernels: WebGPU (WGSL) kernels for training small transformers and for MinHash
 * signatures, each with a CPU reference in plain TypeScript, in Node (Dawn) and the browser.
 *
 * @since 0.1.0
 */
export * as AdamW from "./AdamW.ts"
export * as Attention from "./Attention.ts"
export * as Batch from "./Batch.ts"
export * as Bias from "./Bias.ts"
export * as CrossEntropy from "./CrossEntropy.ts"
export * as Embedding from "./Embedding.ts"
export * as Errors from "./Errors.ts"
export * as Gelu from "./Gelu.ts"
export * as Gpu from "./Gpu.ts"
export * as GradNorm from "./GradNorm.ts"
export * as Heads from "./Heads.ts"
export * as LayerNorm from "./LayerNorm.ts"
export * as Matmul from "./Matmul.ts"
export * as MinHash from "./MinHash.ts"
export * as Reference from "./Reference.ts"
export * as Residual from "./Residual.ts"
export * as RmsNorm from "./RmsNorm.ts"
export * as Rope from "./Rope.ts"
export * as Softmax from "./Softmax.ts"
export * as Swiglu from "./Swiglu.ts"
export * as Tensor from "./Tensor.ts"
