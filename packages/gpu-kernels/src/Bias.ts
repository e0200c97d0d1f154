/**
 * Bias add over rows (`out[n, c] = inp[n, c] + bias[c]`) and its backward, the column sum of the
 * output gradient into the bias gradient.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "bias_forward",
  code: `
${layout("n: u32, C: u32", { read: ["inp", "bias"], write: ["out"] })}
${flatMain(
  "p.n",
  `
  out[i] = inp[i] + bias[i % p.C];`
)}
`
}

const BACKWARD: Kernel = {
  name: "bias_backward",
  code: `
${layout("N: u32, C: u32", { read: ["dout"], write: ["dbias"] })}
${flatMain(
  "p.C",
  `
  var sum = 0.0;
  for (var n = 0u; n < p.N; n++) { sum += dout[n * p.C + i]; }
  dbias[i] = dbias[i] + sum;`
)}
`
}

const columns = (op: string, t: Tensor, bias: Tensor): number => {
  const C = bias.size
  if (C === 0 || t.size % C !== 0) throw new ShapeError({ op, detail: `${t} is not rows of ${C} (bias ${bias})` })
  return C
}

/** Records `out = inp + bias` (bias broadcast over rows; `out` distinct from `inp`). @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, inp: Tensor, bias: Tensor): void => {
  expect("Bias.forward", "out", out, inp.size)
  const C = columns("Bias.forward", inp, bias)
  distinct("Bias.forward", [out], [inp, bias, out])
  batch.dispatch(FORWARD, [inp, bias, out], [inp.size, C], grid1d(inp.size, 256))
}

/** Records `dbias += column sums of dout`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dbias: Tensor, dout: Tensor): void => {
  const C = columns("Bias.backward", dout, dbias)
  expect("Bias.backward", "dout", dout, undefined)
  batch.dispatch(BACKWARD, [dout, dbias], [dout.size / C, C], grid1d(C, 256))
}
