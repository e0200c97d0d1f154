/**
 * AdamW (decoupled weight decay, decayed only on matrices and embeddings), the warmup + cosine
 * learning-rate schedule, and global gradient-norm clipping, over a model's flat parameters.
 *
 * @since 0.1.0
 */
import type { Model, ParameterSpec } from "./Model.ts"
import type { Tensor } from "./Wasm.ts"

/** @since 0.1.0 @category models */
export interface AdamWOptions {
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  readonly weightDecay: number
}

/** Defaults: betas 0.9 / 0.95, eps 1e-8, weight decay 0.1. @since 0.1.0 @category constants */
export const defaults: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }

/** @since 0.1.0 @category models */
export interface Schedule {
  readonly lr: number
  readonly minLr: number
  readonly warmupSteps: number
  readonly totalSteps: number
}

/**
 * Learning rate at `step` (0-based): linear warmup to `lr` over `warmupSteps` (step s gets
 * `lr·(s+1)/warmup`), then cosine decay to `minLr` at `totalSteps`, `minLr` after.
 *
 * @since 0.1.0 @category schedule
 */
export const learningRate = (s: Schedule, step: number): number => {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps
  if (step >= s.totalSteps) return s.minLr
  const span = Math.max(1, s.totalSteps - s.warmupSteps)
  const ratio = (step - s.warmupSteps) / span
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (s.lr - s.minLr)
}

/** `sqrt(sum g^2)` over a flat gradient (double accumulation). @since 0.1.0 @category clipping */
export const gradNorm = (g: Float32Array): number => {
  let ss = 0
  for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!
  return Math.sqrt(ss)
}

/**
 * AdamW state: first and second moments and the step count, for the parameters a mask selects
 * (all by default; LoRA trains only adapters).
 *
 * @since 0.1.0 @category models
 */
export class AdamW {
  readonly options: AdamWOptions
  readonly m: Float32Array
  readonly v: Float32Array
  step = 0
  private readonly specs: ReadonlyArray<ParameterSpec>

  constructor(specs: ReadonlyArray<ParameterSpec>, size: number, options: Partial<AdamWOptions> = {}) {
    this.options = { ...defaults, ...options }
    this.specs = specs
    this.m = new Float32Array(size)
    this.v = new Float32Array(size)
  }

  /** An optimizer for all of a model's parameters. */
  static forModel(model: Model, options: Partial<AdamWOptions> = {}): AdamW {
    return new AdamW(model.specs, model.params.size, options)
  }

  /**
   * Clips the gradients to `maxNorm` (when > 0) and applies one AdamW step at `lr`. Returns the
   * gradient norm before clipping.
   */
  update(params: Tensor, grads: Tensor, lr: number, maxNorm: number): number {
    const g = grads.data
    const p = params.data
    const norm = gradNorm(g)
    const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1
    this.step++
    const { beta1: b1, beta2: b2, eps } = this.options
    const c1 = 1 - b1 ** this.step
    const c2 = Math.sqrt(1 - b2 ** this.step)
    const stepSize = lr / c1
    const m = this.m
    const v = this.v
    for (const s of this.specs) {
      const decay = s.decay ? 1 - lr * this.options.weightDecay : 1
      for (let i = s.offset; i < s.offset + s.size; i++) {
        const gi = g[i]! * scale
        const mi = b1 * m[i]! + (1 - b1) * gi
        const vi = b2 * v[i]! + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / c2 + eps)
      }
    }
    return norm
  }
}
