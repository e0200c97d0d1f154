/**
 * LayerNorm over rows of C: `out = (x - mean) * rstd * weight + bias`, saving `mean` and `rstd`
 * per row for the backward. Forward and the input gradient run one workgroup per row; the weight
 * and bias gradients one invocation per column.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { BUILTINS, FLAT_INDEX, REDUCE, ROW_INDEX, ROW_WG } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "layernorm_forward",
  code: `
struct P { N: u32, C: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.N) { return; }
  let o = row * p.C;
  let l = lid.x;
  var s = 0.0;
  for (var c = l; c < p.C; c += ${ROW_WG}u) { s += inp[o + c]; }
  let m = reduceSum(l, s) / f32(p.C);
  var v = 0.0;
  for (var c = l; c < p.C; c += ${ROW_WG}u) { let d = inp[o + c] - m; v += d * d; }
  let r = inverseSqrt(reduceSum(l, v) / f32(p.C) + p.eps);
  for (var c = l; c < p.C; c += ${ROW_WG}u) { out[o + c] = (inp[o + c] - m) * r * weight[c] + bias[c]; }
  if (l == 0u) { mean[row] = m; rstd[row] = r; }
}
`
}

const BACKWARD_INPUT: Kernel = {
  name: "layernorm_backward_input",
  code: `
struct P { N: u32, C: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<storage, read_write> dinp: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.N) { return; }
  let o = row * p.C;
  let l = lid.x;
  let m = mean[row];
  let r = rstd[row];
  var a = 0.0;
  var b = 0.0;
  for (var c = l; c < p.C; c += ${ROW_WG}u) {
    let norm = (inp[o + c] - m) * r;
    let dnorm = weight[c] * dout[o + c];
    a += dnorm;
    b += dnorm * norm;
  }
  let dm = reduceSum(l, a) / f32(p.C);
  let dnm = reduceSum(l, b) / f32(p.C);
  for (var c = l; c < p.C; c += ${ROW_WG}u) {
    let norm = (inp[o + c] - m) * r;
    let dnorm = weight[c] * dout[o + c];
    dinp[o + c] = dinp[o + c] + (dnorm - dm - norm * dnm) * r;
  }
}
`
}

const BACKWARD_PARAMS: Kernel = {
  name: "layernorm_backward_params",
  code: `
struct P { N: u32, C: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbias: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.C) { return; }
  var dw = 0.0;
  var db = 0.0;
  for (var n = 0u; n < p.N; n++) {
    let d = dout[n * p.C + i];
    db += d;
    dw += (inp[n * p.C + i] - mean[n]) * rstd[n] * d;
  }
  dweight[i] = dweight[i] + dw;
  dbias[i] = dbias[i] + db;
}
`
}

const rows = (op: string, inp: Tensor, C: number): number => {
  if (C === 0 || inp.size % C !== 0) throw new ShapeError({ op, detail: `${inp} is not rows of ${C}` })
  return inp.size / C
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
  const N = rows(op, inp, C)
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
  const C = weight.size
  const N = rows(op, inp, C)
  expect(op, "dout", dout, inp.size)
  expect(op, "dinp", grads.dinp, inp.size)
  expect(op, "dweight", grads.dweight, C)
  expect(op, "dbias", grads.dbias, C)
  distinct(op, [grads.dinp], [dout, inp, weight, stats.mean, stats.rstd, grads.dinp])
  batch.dispatch(BACKWARD_INPUT, [dout, inp, weight, stats.mean, stats.rstd, grads.dinp], [N, C], grid1d(N, 1))
  batch.dispatch(BACKWARD_PARAMS, [dout, inp, stats.mean, stats.rstd, grads.dweight, grads.dbias], [N, C], grid1d(C, 256))
}
