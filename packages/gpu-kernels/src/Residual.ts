/**
 * Residual connection: `out = a + b`, and its backward (the output gradient added to both inputs'
 * gradients), as in llm.c.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "residual_forward",
  code: `
${layout("n: u32", { read: ["a", "b"], write: ["out"] })}
${flatMain(
  "p.n",
  `
  out[i] = a[i] + b[i];`
)}
`
}

const ACCUMULATE: Kernel = {
  name: "accumulate",
  code: `
${layout("n: u32", { read: ["d"], write: ["acc"] })}
${flatMain(
  "p.n",
  `
  acc[i] = acc[i] + d[i];`
)}
`
}

/** Records `out = a + b` (same sizes; `out` distinct from both). @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, a: Tensor, b: Tensor): void => {
  expect("Residual.forward", "a", a, undefined)
  expect("Residual.forward", "b", b, a.size)
  expect("Residual.forward", "out", out, a.size)
  distinct("Residual.forward", [out], [a, b, out])
  batch.dispatch(FORWARD, [a, b, out], [a.size], grid1d(a.size, 256))
}

/** Records `acc += d` (same sizes). @since 0.1.0 @category kernels */
export const accumulate = (batch: CommandBatch, acc: Tensor, d: Tensor): void => {
  expect("Residual.accumulate", "d", d, undefined)
  expect("Residual.accumulate", "acc", acc, d.size)
  distinct("Residual.accumulate", [acc], [d, acc])
  batch.dispatch(ACCUMULATE, [d, acc], [d.size], grid1d(d.size, 256))
}

/** Records `da += dout` and `db += dout`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, da: Tensor, db: Tensor, dout: Tensor): void => {
  accumulate(batch, da, dout)
  accumulate(batch, db, dout)
}
