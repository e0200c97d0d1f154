/**
 * @pretrain/trainer: decoder-only transformer training (GPT-2 and LLaMA variants) on a SIMD
 * WebAssembly CPU backend, checkpoints, evaluation, inference.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Batch from "./Batch.ts"
/** @since 0.1.0 */
export * as Checkpoint from "./Checkpoint.ts"
/** @since 0.1.0 */
export * as Commands from "./Commands.ts"
/** @since 0.1.0 */
export * as Config from "./Config.ts"
/** @since 0.1.0 */
export * as Data from "./Data.ts"
/** @since 0.1.0 */
export * from "./Errors.ts"
/** @since 0.1.0 */
export * as HfFormat from "./HfFormat.ts"
/** @since 0.1.0 */
export * as Inference from "./Inference.ts"
/** @since 0.1.0 */
export * as Lora from "./Lora.ts"
/** @since 0.1.0 */
export * as Metrics from "./Metrics.ts"
/** @since 0.1.0 */
export * as Model from "./Model.ts"
/** @since 0.1.0 */
export * as Optimizer from "./Optimizer.ts"
/** @since 0.1.0 */
export * as Safetensors from "./Safetensors.ts"
/** @since 0.1.0 */
export * as Trainer from "./Trainer.ts"
/** @since 0.1.0 */
export * as Wasm from "./Wasm.ts"
/** @since 0.1.0 */
export * as Generate from "./Generate.ts"
/** @since 0.1.0 */
export type { GenerationSession, LanguageModel } from "./LanguageModel.ts"
/** @since 0.1.0 */
export * as Sampler from "./Sampler.ts"
/** @since 0.1.0 */
export * as Server from "./serve/Server.ts"
/** @since 0.1.0 */
export * as ChatTemplate from "./serve/ChatTemplate.ts"
/** @since 0.1.0 */
export { ApiError } from "./serve/ApiError.ts"
/** @since 0.1.0 */
export { makeServeCommand, ModelLoadError, serveCommand } from "./serve/Command.ts"
/** @since 0.1.0 */
export * as WebGpu from "./webgpu/Train.ts"
