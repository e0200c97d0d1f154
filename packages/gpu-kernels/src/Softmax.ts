/**
 * Causal softmax over attention scores `[rows, T, T]` (row `t` sees keys `j <= t`, the rest are 0),
 * with a scale applied to the scores first, and its backward. One workgroup per score row, with
 * workgroup tree reductions for the max and the sum.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { BUILTINS, NEG_INF, REDUCE, ROW_INDEX, ROW_WG } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "softmax_causal_forward",
  code: `
struct P { T: u32, rows: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  let l = lid.x;
  var m = ${NEG_INF};
  for (var j = l; j <= t; j += ${ROW_WG}u) { m = max(m, p.scale * inp[o + j]); }
  m = reduceMax(l, m);
  var s = 0.0;
  for (var j = l; j <= t; j += ${ROW_WG}u) { s += exp(p.scale * inp[o + j] - m); }
  s = reduceSum(l, s);
  for (var j = l; j < p.T; j += ${ROW_WG}u) {
    out[o + j] = select(0.0, exp(p.scale * inp[o + j] - m) / s, j <= t);
  }
}
`
}

const BACKWARD: Kernel = {
  name: "softmax_causal_backward",
  code: `
struct P { T: u32, rows: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> dprobs: array<f32>;
@group(0) @binding(3) var<storage, read_write> dinp: array<f32>;
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  ${ROW_INDEX}
  if (row >= p.rows) { return; }
  let t = row % p.T;
  let o = row * p.T;
  let l = lid.x;
  var d = 0.0;
  for (var j = l; j <= t; j += ${ROW_WG}u) { d += probs[o + j] * dprobs[o + j]; }
  d = reduceSum(l, d);
  for (var j = l; j <= t; j += ${ROW_WG}u) {
    dinp[o + j] = dinp[o + j] + p.scale * probs[o + j] * (dprobs[o + j] - d);
  }
}
`
}

const rowsOf = (op: string, t: Tensor, T: number): number => {
  if (!Number.isInteger(T) || T <= 0 || t.size % (T * T) !== 0) throw new ShapeError({ op, detail: `${t} is not [rows, ${T}, ${T}]` })
  return t.size / T
}

/** Records `out = causal softmax(scale * inp)` over `[rows, T, T]`. @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, inp: Tensor, T: number, scale = 1): void => {
  const rows = rowsOf("Softmax.forward", inp, T)
  expect("Softmax.forward", "out", out, inp.size)
  distinct("Softmax.forward", [out], [inp, out])
  batch.dispatch(FORWARD, [inp, out], [T, rows, { f32: scale }], grid1d(rows, 1))
}

/** Records `dinp += scale * p * (dp - sum p dp)`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dinp: Tensor, probs: Tensor, dprobs: Tensor, T: number, scale = 1): void => {
  const rows = rowsOf("Softmax.backward", probs, T)
  expect("Softmax.backward", "dprobs", dprobs, probs.size)
  expect("Softmax.backward", "dinp", dinp, probs.size)
  distinct("Softmax.backward", [dinp], [probs, dprobs, dinp])
  batch.dispatch(BACKWARD, [probs, dprobs, dinp], [T, rows, { f32: scale }], grid1d(rows, 1))
}
