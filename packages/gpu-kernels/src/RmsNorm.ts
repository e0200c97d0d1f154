/**
 * RMSNorm over rows of C: `out = x * rstd * weight`, `rstd = 1 / sqrt(mean(x^2) + eps)` saved per
 * row, and its backward.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { BUILTINS, FLAT_INDEX, REDUCE, ROW_INDEX, ROW_WG } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "rmsnorm_forward",
  code: `
struct P { N: u32, C: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.N) { return; }
  let o = row * p.C;
  let l = lid.x;
  var s = 0.0;
  for (var c = l; c < p.C; c += ${ROW_WG}u) { s += inp[o + c] * inp[o + c]; }
  let r = inverseSqrt(reduceSum(l, s) / f32(p.C) + p.eps);
  for (var c = l; c < p.C; c += ${ROW_WG}u) { out[o + c] = inp[o + c] * r * weight[c]; }
  if (l == 0u) { rstd[row] = r; }
}
`
}

const BACKWARD_INPUT: Kernel = {
  name: "rmsnorm_backward_input",
  code: `
struct P { N: u32, C: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dinp: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.N) { return; }
  let o = row * p.C;
  let l = lid.x;
  let r = rstd[row];
  var a = 0.0;
  for (var c = l; c < p.C; c += ${ROW_WG}u) { a += weight[c] * dout[o + c] * inp[o + c] * r; }
  let dot = reduceSum(l, a) / f32(p.C);
  for (var c = l; c < p.C; c += ${ROW_WG}u) {
    dinp[o + c] = dinp[o + c] + (weight[c] * dout[o + c] - inp[o + c] * r * dot) * r;
  }
}
`
}

const BACKWARD_WEIGHT: Kernel = {
  name: "rmsnorm_backward_weight",
  code: `
struct P { N: u32, C: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> rstd: array<f32>;
@group(0) @binding(4) var<storage, read_write> dweight: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.C) { return; }
  var dw = 0.0;
  for (var n = 0u; n < p.N; n++) { dw += inp[n * p.C + i] * rstd[n] * dout[n * p.C + i]; }
  dweight[i] = dweight[i] + dw;
}
`
}

const rows = (op: string, inp: Tensor, C: number): number => {
  if (C === 0 || inp.size % C !== 0) throw new ShapeError({ op, detail: `${inp} is not rows of ${C}` })
  return inp.size / C
}

/** Records the forward over rows of `weight.size` columns; `rstd` is [N]. @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, rstd: Tensor, inp: Tensor, weight: Tensor, eps = 1e-5): void => {
  const op = "RmsNorm.forward"
  const C = weight.size
  const N = rows(op, inp, C)
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
  const C = weight.size
  const N = rows(op, inp, C)
  expect(op, "dout", dout, inp.size)
  expect(op, "dinp", grads.dinp, inp.size)
  expect(op, "dweight", grads.dweight, C)
  expect(op, "rstd", rstd, N)
  distinct(op, [grads.dinp], [dout, inp, weight, rstd, grads.dinp])
  batch.dispatch(BACKWARD_INPUT, [dout, inp, weight, rstd, grads.dinp], [N, C], grid1d(N, 1))
  batch.dispatch(BACKWARD_WEIGHT, [dout, inp, rstd, grads.dweight], [N, C], grid1d(C, 256))
}
