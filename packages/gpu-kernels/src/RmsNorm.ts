/**
 * RMSNorm over rows of C: `out = x * rstd * weight`, `rstd = 1 / sqrt(mean(x^2) + eps)` saved per
 * row, and its backward.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect, normBackward, rowsOf } from "./internal/check.ts"
import { flatMain, layout, rowLoop, rowMain } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const EACH_C = rowLoop("c", "c < p.C")

const FORWARD: Kernel = {
  name: "rmsnorm_forward",
  code: `
${layout("N: u32, C: u32, eps: f32", { read: ["inp", "weight"], write: ["out", "rstd"] })}
${rowMain(
  "p.N",
  `
  let o = row * p.C;
  var s = 0.0;
  ${EACH_C} { s += inp[o + c] * inp[o + c]; }
  let r = inverseSqrt(reduceSum(l, s) / f32(p.C) + p.eps);
  ${EACH_C} { out[o + c] = inp[o + c] * r * weight[c]; }
  if (l == 0u) { rstd[row] = r; }`
)}
`
}

const BACKWARD_INPUT: Kernel = {
  name: "rmsnorm_backward_input",
  code: `
${layout("N: u32, C: u32", { read: ["dout", "inp", "weight", "rstd"], write: ["dinp"] })}
${rowMain(
  "p.N",
  `
  let o = row * p.C;
  let r = rstd[row];
  var a = 0.0;
  ${EACH_C} { a += weight[c] * dout[o + c] * inp[o + c] * r; }
  let dot = reduceSum(l, a) / f32(p.C);
  ${EACH_C} {
    dinp[o + c] = dinp[o + c] + (weight[c] * dout[o + c] - inp[o + c] * r * dot) * r;
  }`
)}
`
}

const BACKWARD_WEIGHT: Kernel = {
  name: "rmsnorm_backward_weight",
  code: `
${layout("N: u32, C: u32", { read: ["dout", "inp", "rstd"], write: ["dweight"] })}
${flatMain(
  "p.C",
  `
  var dw = 0.0;
  for (var n = 0u; n < p.N; n++) { dw += inp[n * p.C + i] * rstd[n] * dout[n * p.C + i]; }
  dweight[i] = dweight[i] + dw;`
)}
`
}

/** Records the forward over rows of `weight.size` columns; `rstd` is [N]. @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, rstd: Tensor, inp: Tensor, weight: Tensor, eps = 1e-5): void => {
  const op = "RmsNorm.forward"
  const C = weight.size
  const N = rowsOf(op, inp, C)
  expect(op, "out", out, inp.size)
  expect(op, "rstd", rstd, N)
  distinct(op, [out, rstd], [inp, weight, out, rstd])
  batch.dispatch(FORWARD, [inp, weight, out, rstd], [N, C, { f32: eps }], grid1d(N, 1))
}

/** Records the backward: accumulates `dinp` and `dweight`. @since 0.1.0 @category kernels */
export const backward = (
  batch: CommandBatch,
  grads: { readonly dinp: Tensor; readonly dweight: Tensor },
  dout: Tensor,
  inp: Tensor,
  weight: Tensor,
  rstd: Tensor
): void => {
  const op = "RmsNorm.backward"
  const { N, C } = normBackward(op, inp, weight, dout, grads)
  expect(op, "rstd", rstd, N)
  distinct(op, [grads.dinp], [dout, inp, weight, rstd, grads.dinp])
  batch.dispatch(BACKWARD_INPUT, [dout, inp, weight, rstd, grads.dinp], [N, C], grid1d(N, 1))
  batch.dispatch(BACKWARD_WEIGHT, [dout, inp, rstd, grads.dweight], [N, C], grid1d(C, 256))
}
