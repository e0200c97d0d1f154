/**
 * SwiGLU (LLaMA's MLP activation) over rows `h = [gate | up]` of `2F`: `out = silu(gate) * up`
 * (`[N, F]`), and its backward, accumulating `dh = [dgate | dup]` (the sigmoid is recomputed).
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

/** Opening shared by both kernels: element `i` of `[N, F]` is column `f` of row `n`, `g` its gate, `u` its up value. */
const GATE_UP = `
  let n = i / p.F;
  let f = i % p.F;
  let o = n * 2u * p.F + f;
  let g = h[o];
  let u = h[o + p.F];
  let s = 1.0 / (1.0 + exp(-g));`

const FORWARD: Kernel = {
  name: "swiglu_forward",
  code: `
${layout("n: u32, F: u32", { read: ["h"], write: ["out"] })}
${flatMain("p.n", `${GATE_UP}
  out[i] = g * s * u;`)}
`
}

const BACKWARD: Kernel = {
  name: "swiglu_backward",
  code: `
${layout("n: u32, F: u32", { read: ["h", "dout"], write: ["dh"] })}
${flatMain("p.n", `${GATE_UP}
  let d = dout[i];
  dh[o] = dh[o] + d * u * s * (1.0 + g * (1.0 - s));
  dh[o + p.F] = dh[o + p.F] + d * g * s;`)}
`
}

const rows = (op: string, h: Tensor, F: number): number => {
  if (!Number.isInteger(F) || F <= 0 || h.size % (2 * F) !== 0) throw new ShapeError({ op, detail: `${h} is not rows of [gate | up] with F = ${F}` })
  return h.size / (2 * F)
}

/** Records `out = silu(gate) * up` for `h` `[N, 2F]` and `out` `[N, F]`. @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, h: Tensor, F: number): void => {
  const op = "Swiglu.forward"
  const N = rows(op, h, F)
  expect(op, "h", h, undefined)
  expect(op, "out", out, N * F)
  distinct(op, [out], [h, out])
  batch.dispatch(FORWARD, [h, out], [N * F, F], grid1d(N * F, 256))
}

/** Records `dh += ∂(silu(gate) * up)/∂h · dout`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dh: Tensor, h: Tensor, dout: Tensor, F: number): void => {
  const op = "Swiglu.backward"
  const N = rows(op, h, F)
  expect(op, "h", h, undefined)
  expect(op, "dout", dout, N * F)
  expect(op, "dh", dh, h.size)
  distinct(op, [dh], [h, dout, dh])
  batch.dispatch(BACKWARD, [h, dout, dh], [N * F, F], grid1d(N * F, 256))
}
