/**
 * Residual connection: `out = a + b`, and its backward (the output gradient added to both inputs'
 * gradients), as in llm.c.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { distinct, expect } from "./internal/check.ts"
import { BUILTINS, FLAT_INDEX } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "residual_forward",
  code: `
struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i < p.n) { out[i] = a[i] + b[i]; }
}
`
}

const ACCUMULATE: Kernel = {
  name: "accumulate",
  code: `
struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> d: array<f32>;
@group(0) @binding(2) var<storage, read_write> acc: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i < p.n) { acc[i] = acc[i] + d[i]; }
}
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
