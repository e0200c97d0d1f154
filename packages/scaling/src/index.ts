/**
 * @pretrain/scaling: Chinchilla, data-constrained (Muennighoff et al.) and inference-aware
 * (Sardana et al.) scaling laws, Kaplan's laws, DeepSeek's hyperparameter laws, FLOPs and
 * parameter accounting, fits of the parametric law to your own runs, a planner and SVG plots.
 *
 * @since 0.1.0
 */
export * as Law from "./Law.ts"
export type { Allocation, LossLaw } from "./Law.ts"
export * as Presets from "./Presets.ts"
export type { Preset, PresetName, RepetitionConstants } from "./Presets.ts"
export * as DataConstrained from "./DataConstrained.ts"
export * as InferenceAware from "./InferenceAware.ts"
export * as Kaplan from "./Kaplan.ts"
export * as DeepSeek from "./DeepSeek.ts"
export * as Flops from "./Flops.ts"
export * as Shape from "./Shape.ts"
export type { ModelShape } from "./Shape.ts"
export * as Fit from "./Fit.ts"
export type { FitResult, Run } from "./Fit.ts"
export * as ComputeOptimalFit from "./ComputeOptimalFit.ts"
export * as Runs from "./Runs.ts"
export * as Planner from "./Planner.ts"
export type { Plan } from "./Planner.ts"
export * as Plots from "./Plots.ts"
export * from "./Errors.ts"
export * as Commands from "./Commands.ts"
export * as Demo from "./Demo.ts"
