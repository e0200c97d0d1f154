/**
 * @pretrain/synthetic: local-LLM backends (OpenAI-compatible HTTP, web-llm, node-llama-cpp, the
 * in-house trainer model) as one Effect service, Cosmopedia / OSS-Instruct / self-alignment
 * generators, structured output, resumable runs with provenance, near-dedup, decontamination and an
 * execution filter.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Backends from "./Backends.ts"
/** @since 0.1.0 */
export * as Commands from "./Commands.ts"
/** @since 0.1.0 */
export * as Cosmopedia from "./Cosmopedia.ts"
/** @since 0.1.0 */
export * from "./Errors.ts"
/** @since 0.1.0 */
export * as ExecutionFilter from "./ExecutionFilter.ts"
/** @since 0.1.0 */
export * as Gate from "./Gate.ts"
/** @since 0.1.0 */
export * as InHouse from "./InHouse.ts"
/** @since 0.1.0 */
export * as LlamaCpp from "./LlamaCpp.ts"
/** @since 0.1.0 */
export * as Llm from "./Llm.ts"
/** @since 0.1.0 */
export * as OpenAiCompatible from "./OpenAiCompatible.ts"
/** @since 0.1.0 */
export * as OssInstruct from "./OssInstruct.ts"
/** @since 0.1.0 */
export * as RequestId from "./RequestId.ts"
/** @since 0.1.0 */
export * as Run from "./Run.ts"
/** @since 0.1.0 */
export * as Seeds from "./Seeds.ts"
/** @since 0.1.0 */
export * as SelfAlign from "./SelfAlign.ts"
/** @since 0.1.0 */
export * as Store from "./Store.ts"
/** @since 0.1.0 */
export * as Structured from "./Structured.ts"
/** @since 0.1.0 */
export * as WebLlm from "./WebLlm.ts"
