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
import { layout, NEG_INF, rowLoop, rowMain } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const EACH_SEEN = rowLoop("j", "j <= t")

const FORWARD: Kernel = {
  name: "softmax_causal_forward",
  code: `
${layout("T: u32, rows: u32, scale: f32", { read: ["inp"], write: ["out"] })}
${rowMain(
  "p.rows",
  `
  let t = row % p.T;
  let o = row * p.T;
  var m = ${NEG_INF};
  ${EACH_SEEN} { m = max(m, p.scale * inp[o + j]); }
  m = reduceMax(l, m);
  var s = 0.0;
  ${EACH_SEEN} { s += exp(p.scale * inp[o + j] - m); }
  s = reduceSum(l, s);
  ${rowLoop("j", "j < p.T")} {
    out[o + j] = select(0.0, exp(p.scale * inp[o + j] - m) / s, j <= t);
  }`
)}
`
}

const BACKWARD: Kernel = {
  name: "softmax_causal_backward",
  code: `
${layout("T: u32, rows: u32, scale: f32", { read: ["probs", "dprobs"], write: ["dinp"] })}
${rowMain(
  "p.rows",
  `
  let t = row % p.T;
  let o = row * p.T;
  var d = 0.0;
  ${EACH_SEEN} { d += probs[o + j] * dprobs[o + j]; }
  d = reduceSum(l, d);
  ${EACH_SEEN} {
    dinp[o + j] = dinp[o + j] + p.scale * probs[o + j] * (dprobs[o + j] - d);
  }`
)}
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
