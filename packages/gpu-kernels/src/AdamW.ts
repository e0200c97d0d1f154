/**
 * AdamW update, in place on parameters and moments, one invocation per parameter. The gradients
 * are first multiplied by a scale, given as a number or read from a tensor on the GPU (the clip
 * factor written by {@link GradNorm.forward}, so clipping needs no read-back).
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import { ADAMW_DEFAULTS, type AdamWOptions } from "./Reference.ts"
import type { Tensor } from "./Tensor.ts"

/** Hyperparameters of one step (the same as {@link Reference.adamw}'s). @since 0.1.0 @category models */
export type { AdamWOptions as Options } from "./Reference.ts"

const kernel = (scaleTensor: boolean): Kernel => ({
  name: scaleTensor ? "adamw_scaled" : "adamw",
  code: `
${layout("n: u32, lr: f32, b1: f32, b2: f32, eps: f32, wd: f32, c1: f32, c2: f32, scale: f32, scaleIndex: u32", { read: ["grads"], write: ["params", "m", "v"] })}
${scaleTensor ? "@group(0) @binding(5) var<storage, read> scale: array<f32>;" : ""}
${flatMain(
  "p.n",
  `
  let g = grads[i] * ${scaleTensor ? "scale[p.scaleIndex]" : "p.scale"};
  let mi = p.b1 * m[i] + (1.0 - p.b1) * g;
  let vi = p.b2 * v[i] + (1.0 - p.b2) * g * g;
  m[i] = mi;
  v[i] = vi;
  params[i] = params[i] - p.lr * ((mi / p.c1) / (sqrt(vi / p.c2) + p.eps) + p.wd * params[i]);`
)}
`
})
const PLAIN = kernel(false)
const SCALED = kernel(true)

/**
 * Records one AdamW step on `params` with `grads` and moments `m`, `v` (all the same size). With
 * `scale` given, the gradient scale is `scale[scaleIndex]` read on the GPU and overrides
 * `options.gradScale`.
 *
 * @since 0.1.0 @category kernels
 */
export const step = (
  batch: CommandBatch,
  tensors: { readonly params: Tensor; readonly grads: Tensor; readonly m: Tensor; readonly v: Tensor },
  options: AdamWOptions,
  scale?: { readonly tensor: Tensor; readonly index: number }
): void => {
  const op = "AdamW.step"
  const { params, grads, m, v } = tensors
  const n = params.size
  expect(op, "grads", grads, n)
  expect(op, "m", m, n)
  expect(op, "v", v, n)
  const all = [grads, params, m, v, ...(scale === undefined ? [] : [scale.tensor])]
  distinct(op, [params, m, v], all)
  const b1 = options.beta1 ?? ADAMW_DEFAULTS.beta1
  const b2 = options.beta2 ?? ADAMW_DEFAULTS.beta2
  const params_ = [
    n,
    { f32: options.lr },
    { f32: b1 },
    { f32: b2 },
    { f32: options.eps ?? ADAMW_DEFAULTS.eps },
    { f32: options.weightDecay ?? ADAMW_DEFAULTS.weightDecay },
    { f32: 1 - b1 ** options.t },
    { f32: 1 - b2 ** options.t },
    { f32: options.gradScale ?? 1 },
    scale?.index ?? 0
  ]
  batch.dispatch(scale === undefined ? PLAIN : SCALED, all, params_, grid1d(n, 256))
}
