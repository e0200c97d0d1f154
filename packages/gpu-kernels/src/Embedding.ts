/**
 * Embedding lookup (`out[n, :] = table[ids[n], :]`) and its scatter-add backward
 * (`dtable[ids[n], :] += dout[n, :]`). The backward gives each invocation one column of the table
 * and walks the tokens in order, so repeated ids never race and the sums are deterministic
 * without float atomics (WGSL has none).
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const FORWARD: Kernel = {
  name: "embedding_forward",
  code: `
${layout("N: u32, C: u32, V: u32", { read: ["table", "ids: u32"], write: ["out"] })}
${flatMain(
  "p.N * p.C",
  `
  let n = i / p.C;
  let row = min(ids[n], p.V - 1u);
  out[i] = table[row * p.C + i % p.C];`
)}
`
}

const BACKWARD: Kernel = {
  name: "embedding_backward",
  code: `
${layout("N: u32, C: u32, V: u32", { read: ["dout", "ids: u32"], write: ["dtable"] })}
${flatMain(
  "p.C",
  `
  for (var n = 0u; n < p.N; n++) {
    let row = min(ids[n], p.V - 1u);
    dtable[row * p.C + i] = dtable[row * p.C + i] + dout[n * p.C + i];
  }`
)}
`
}

const dims = (op: string, table: Tensor, ids: Tensor, C: number) => {
  if (table.shape.length !== 2) throw new ShapeError({ op, detail: `table must be [V, C], got ${table}` })
  expect(op, "ids", ids, undefined, "u32", "i32")
  if (table.shape[1] !== C) throw new ShapeError({ op, detail: `table ${table} does not have ${C} columns` })
  return { N: ids.size, V: table.shape[0]! }
}

/**
 * Records `out[n] = table[ids[n]]` (`table` [V, C], `ids` [N] u32, `out` [N, C]; ids past the table
 * are clamped to its last row).
 *
 * @since 0.1.0 @category kernels
 */
export const forward = (batch: CommandBatch, out: Tensor, table: Tensor, ids: Tensor): void => {
  const C = table.shape[1] ?? 0
  const { N, V } = dims("Embedding.forward", table, ids, C)
  expect("Embedding.forward", "out", out, N * C)
  distinct("Embedding.forward", [out], [table, ids, out])
  batch.dispatch(FORWARD, [table, ids, out], [N, C, V], grid1d(N * C, 256))
}

/** Records the scatter-add `dtable[ids[n]] += dout[n]`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dtable: Tensor, dout: Tensor, ids: Tensor): void => {
  const C = dtable.shape[1] ?? 0
  const { N, V } = dims("Embedding.backward", dtable, ids, C)
  expect("Embedding.backward", "dout", dout, N * C)
  distinct("Embedding.backward", [dtable], [dout, ids, dtable])
  batch.dispatch(BACKWARD, [dout, ids, dtable], [N, C, V], grid1d(C, 256))
}
