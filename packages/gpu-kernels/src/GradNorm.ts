/**
 * Global gradient norm over several tensors, in two passes: each tensor's squares are summed by up
 * to 256 workgroups (grid-stride loops and a workgroup tree reduction) into partial sums, then one
 * workgroup adds the partials and writes `[norm, clipScale]`, where
 * `clipScale = min(1, maxNorm / (norm + 1e-6))` (1 when no `maxNorm`), ready for
 * {@link AdamW.step}'s GPU-side gradient scale.
 *
 * @since 0.1.0
 */
import { type CommandBatch, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { expect } from "./internal/check.ts"
import { BUILTINS, layout, REDUCE, ROW_WG } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const MAX_GROUPS = 256

const PARTIAL: Kernel = {
  name: "gradnorm_partial",
  code: `
${layout("n: u32, offset: u32", { read: ["g"], write: ["partial"] })}
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  let stride = nwg.x * ${ROW_WG}u;
  var s = 0.0;
  for (var i = wid.x * ${ROW_WG}u + lid.x; i < p.n; i += stride) { s += g[i] * g[i]; }
  s = reduceSum(lid.x, s);
  if (lid.x == 0u) { partial[p.offset + wid.x] = s; }
}
`
}

const FINAL: Kernel = {
  name: "gradnorm_final",
  code: `
${layout("n: u32, maxNorm: f32", { read: ["partial"], write: ["out"] })}
${REDUCE}
@compute @workgroup_size(${ROW_WG})
fn main(${BUILTINS}) {
  var s = 0.0;
  for (var i = lid.x; i < p.n; i += ${ROW_WG}u) { s += partial[i]; }
  s = reduceSum(lid.x, s);
  if (lid.x == 0u) {
    let norm = sqrt(s);
    out[0] = norm;
    out[1] = select(1.0, min(1.0, p.maxNorm / (norm + 1e-6)), p.maxNorm > 0.0);
  }
}
`
}

/**
 * Records `out = [sqrt(sum of squares of every tensor), clipScale]` (`out` f32 with 2 elements).
 *
 * @since 0.1.0 @category kernels
 */
export const forward = (batch: CommandBatch, out: Tensor, grads: ReadonlyArray<Tensor>, maxNorm = 0): void => {
  expect("GradNorm.forward", "out", out, 2)
  if (grads.length === 0) throw new ShapeError({ op: "GradNorm.forward", detail: "no tensors" })
  const groups = grads.map((g) => {
    expect("GradNorm.forward", "gradient", g, undefined)
    return Math.max(1, Math.min(MAX_GROUPS, Math.ceil(g.size / ROW_WG)))
  })
  const total = groups.reduce((a, b) => a + b, 0)
  const partial = batch.scratch([total])
  let offset = 0
  grads.forEach((g, k) => {
    batch.dispatch(PARTIAL, [g, partial], [g.size, offset], [groups[k]!])
    offset += groups[k]!
  })
  batch.dispatch(FINAL, [partial, out], [total, { f32: maxNorm }], [1])
}
