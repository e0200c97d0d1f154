/**
 * LayerNorm over rows of C: `out = (x - mean) * rstd * weight + bias`, saving `mean` and `rstd`
 * per row for the backward. Forward and the input gradient run one workgroup per row; the weight
 * and bias gradients one invocation per column.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect, normBackward, rowsOf } from "./internal/check.ts"
import { flatMain, layout, rowLoop, rowMain } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const EACH_C = rowLoop("c", "c < p.C")

const FORWARD: Kernel = {
  name: "layernorm_forward",
  code: `
${layout("N: u32, C: u32, eps: f32", { read: ["inp", "weight", "bias"], write: ["out", "mean", "rstd"] })}
${rowMain(
  "p.N",
  `
  let o = row * p.C;
  var s = 0.0;
  ${EACH_C} { s += inp[o + c]; }
  let m = reduceSum(l, s) / f32(p.C);
  var v = 0.0;
  ${EACH_C} { let d = inp[o + c] - m; v += d * d; }
  let r = inverseSqrt(reduceSum(l, v) / f32(p.C) + p.eps);
  ${EACH_C} { out[o + c] = (inp[o + c] - m) * r * weight[c] + bias[c]; }
  if (l == 0u) { mean[row] = m; rstd[row] = r; }`
)}
`
}

const BACKWARD_INPUT: Kernel = {
  name: "layernorm_backward_input",
  code: `
${layout("N: u32, C: u32", { read: ["dout", "inp", "weight", "mean", "rstd"], write: ["dinp"] })}
${rowMain(
  "p.N",
  `
  let o = row * p.C;
  let m = mean[row];
  let r = rstd[row];
  var a = 0.0;
  var b = 0.0;
  ${EACH_C} {
    let norm = (inp[o + c] - m) * r;
    let dnorm = weight[c] * dout[o + c];
    a += dnorm;
    b += dnorm * norm;
  }
  let dm = reduceSum(l, a) / f32(p.C);
  let dnm = reduceSum(l, b) / f32(p.C);
  ${EACH_C} {
    let norm = (inp[o + c] - m) * r;
    let dnorm = weight[c] * dout[o + c];
    dinp[o + c] = dinp[o + c] + (dnorm - dm - norm * dnm) * r;
  }`
)}
`
}

const BACKWARD_PARAMS: Kernel = {
  name: "layernorm_backward_params",
  code: `
${layout("N: u32, C: u32", { read: ["dout", "inp", "mean", "rstd"], write: ["dweight", "dbias"] })}
${flatMain(
  "p.C",
  `
  var dw = 0.0;
  var db = 0.0;
  for (var n = 0u; n < p.N; n++) {
    let d = dout[n * p.C + i];
    db += d;
    dw += (inp[n * p.C + i] - mean[n]) * rstd[n] * d;
  }
  dweight[i] = dweight[i] + dw;
  dbias[i] = dbias[i] + db;`
)}
`
}

/** Saved statistics of a forward pass. @since 0.1.0 @category models */
export interface Stats {
  /** [N] row means. */
  readonly mean: Tensor
  /** [N] row reciprocal standard deviations. */
  readonly rstd: Tensor
}

/** Records the forward over rows of `weight.size` columns. @since 0.1.0 @category kernels */
export const forward = (
  batch: CommandBatch,
  out: Tensor,
  stats: Stats,
  inp: Tensor,
  weight: Tensor,
  bias: Tensor,
  eps = 1e-5
): void => {
  const op = "LayerNorm.forward"
  const C = weight.size
  const N = rowsOf(op, inp, C)
  expect(op, "bias", bias, C)
  expect(op, "out", out, inp.size)
  expect(op, "mean", stats.mean, N)
  expect(op, "rstd", stats.rstd, N)
  distinct(op, [out, stats.mean, stats.rstd], [inp, weight, bias, out, stats.mean, stats.rstd])
  batch.dispatch(FORWARD, [inp, weight, bias, out, stats.mean, stats.rstd], [N, C, { f32: eps }], grid1d(N, 1))
}

/** Records the backward: accumulates `dinp`, `dweight`, `dbias`. @since 0.1.0 @category kernels */
export const backward = (
  batch: CommandBatch,
  grads: { readonly dinp: Tensor; readonly dweight: Tensor; readonly dbias: Tensor },
  dout: Tensor,
  inp: Tensor,
  weight: Tensor,
  stats: Stats
): void => {
  const op = "LayerNorm.backward"
  const { N, C } = normBackward(op, inp, weight, dout, grads)
  expect(op, "dbias", grads.dbias, C)
  distinct(op, [grads.dinp], [dout, inp, weight, stats.mean, stats.rstd, grads.dinp])
  batch.dispatch(BACKWARD_INPUT, [dout, inp, weight, stats.mean, stats.rstd, grads.dinp], [N, C], grid1d(N, 1))
  batch.dispatch(BACKWARD_PARAMS, [dout, inp, stats.mean, stats.rstd, grads.dweight, grads.dbias], [N, C], grid1d(C, 256))
}
