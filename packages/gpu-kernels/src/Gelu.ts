/**
 * GELU with the tanh approximation (GPT-2's): `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`,
 * and its backward (accumulating into the input gradient).
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect, unary } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

// tanh written with exp of a clamped argument: tanh(u) = 1 - 2 / (exp(2u) + 1)
const TANH = `
const S: f32 = 0.7978845608028654;
fn tanh_(u: f32) -> f32 { return 1.0 - 2.0 / (exp(2.0 * clamp(u, -15.0, 15.0)) + 1.0); }
`

const FORWARD: Kernel = {
  name: "gelu_forward",
  code: `
${TANH}
${layout("n: u32", { read: ["inp"], write: ["out"] })}
${flatMain(
  "p.n",
  `
  let x = inp[i];
  out[i] = 0.5 * x * (1.0 + tanh_(S * (x + 0.044715 * x * x * x)));`
)}
`
}

const BACKWARD: Kernel = {
  name: "gelu_backward",
  code: `
${TANH}
${layout("n: u32", { read: ["inp", "dout"], write: ["dinp"] })}
${flatMain(
  "p.n",
  `
  let x = inp[i];
  let th = tanh_(S * (x + 0.044715 * x * x * x));
  let local = 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * S * (1.0 + 3.0 * 0.044715 * x * x);
  dinp[i] = dinp[i] + local * dout[i];`
)}
`
}

/** Records `out = gelu(inp)`. @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, inp: Tensor): void => {
  unary("Gelu.forward", out, inp)
  batch.dispatch(FORWARD, [inp, out], [inp.size], grid1d(inp.size, 256))
}

/** Records `dinp += gelu'(inp) * dout`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dinp: Tensor, inp: Tensor, dout: Tensor): void => {
  expect("Gelu.backward", "dinp", dinp, inp.size)
  expect("Gelu.backward", "dout", dout, inp.size)
  distinct("Gelu.backward", [dinp], [inp, dout, dinp])
  batch.dispatch(BACKWARD, [inp, dout, dinp], [inp.size], grid1d(inp.size, 256))
}
