/**
 * Attention head layout changes: packed `qkv` of `[B, T, 3·H·D]` (llm.c's layout, the output of the
 * QKV projection) to `q`, `k`, `v` of `[B, H, T, D]` (what {@link Attention} takes), and the
 * attention output `[B, H, T, D]` back to `[B, T, H·D]` for the output projection; with backwards.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

// i runs over [B, H, T, D]: its coordinates
const BHTD = `
  let d = i % p.D;
  let t = (i / p.D) % p.T;
  let h = (i / (p.D * p.T)) % p.H;
  let b = i / (p.D * p.T * p.H);`

// the packed index of the same element is ((b*T + t)*3 + part)*H*D + h*D + d
const PACKED = `${BHTD}
  let C = p.H * p.D;
  let src = (b * p.T + t) * 3u * C + h * p.D + d;
`

const SPLIT: Kernel = {
  name: "split_heads",
  code: `
${layout("n: u32, T: u32, H: u32, D: u32", { read: ["qkv"], write: ["q", "k", "v"] })}
${flatMain(
  "p.n",
  `
  ${PACKED}
  q[i] = qkv[src];
  k[i] = qkv[src + C];
  v[i] = qkv[src + 2u * C];`
)}
`
}

const SPLIT_BACKWARD: Kernel = {
  name: "split_heads_backward",
  code: `
${layout("n: u32, T: u32, H: u32, D: u32", { read: ["dq", "dk", "dv"], write: ["dqkv"] })}
${flatMain(
  "p.n",
  `
  ${PACKED}
  dqkv[src] = dqkv[src] + dq[i];
  dqkv[src + C] = dqkv[src + C] + dk[i];
  dqkv[src + 2u * C] = dqkv[src + 2u * C] + dv[i];`
)}
`
}

// the merged index of the same element is ((b*T + t)*H + h)*D + d
const MERGED = `${BHTD}
  let m = ((b * p.T + t) * p.H + h) * p.D + d;
`

const MERGE: Kernel = {
  name: "merge_heads",
  code: `
${layout("n: u32, T: u32, H: u32, D: u32", { read: ["y"], write: ["out"] })}
${flatMain(
  "p.n",
  `
  ${MERGED}
  out[m] = y[i];`
)}
`
}

const MERGE_BACKWARD: Kernel = {
  name: "merge_heads_backward",
  code: `
${layout("n: u32, T: u32, H: u32, D: u32", { read: ["dout"], write: ["dy"] })}
${flatMain(
  "p.n",
  `
  ${MERGED}
  dy[i] = dy[i] + dout[m];`
)}
`
}

/** Head layout dimensions. @since 0.1.0 @category models */
export interface Dims {
  readonly B: number
  readonly T: number
  readonly H: number
  readonly D: number
}

const size = (op: string, d: Dims): number => {
  for (const [k, v] of Object.entries(d)) if (!Number.isInteger(v) || v <= 0) throw new ShapeError({ op, detail: `${k} must be a positive integer, got ${v}` })
  return d.B * d.H * d.T * d.D
}

/**
 * Records one of the kernels above over the `n` elements of `[B, H, T, D]`, bound to `reads` then
 * `writes`, after checking that no written tensor is bound twice.
 */
const dispatch = (
  batch: CommandBatch,
  op: string,
  kernel: Kernel,
  reads: ReadonlyArray<Tensor>,
  writes: ReadonlyArray<Tensor>,
  n: number,
  dims: Dims
): void => {
  const bindings = [...reads, ...writes]
  distinct(op, writes, bindings)
  batch.dispatch(kernel, bindings, [n, dims.T, dims.H, dims.D], grid1d(n, 256))
}

/** Checks and records a one-to-one layout change of `n` elements from `source` to `target` (each a name and a tensor). */
const move = (
  batch: CommandBatch,
  op: string,
  kernel: Kernel,
  source: readonly [string, Tensor],
  target: readonly [string, Tensor],
  dims: Dims
): void => {
  const n = size(op, dims)
  expect(op, source[0], source[1], n)
  expect(op, target[0], target[1], n)
  dispatch(batch, op, kernel, [source[1]], [target[1]], n, dims)
}

/** Records `q, k, v [B, H, T, D] = split(qkv [B, T, 3·H·D])`. @since 0.1.0 @category kernels */
export const split = (batch: CommandBatch, out: { readonly q: Tensor; readonly k: Tensor; readonly v: Tensor }, qkv: Tensor, dims: Dims): void => {
  const op = "Heads.split"
  const n = size(op, dims)
  expect(op, "qkv", qkv, 3 * n)
  for (const [name, t] of [["q", out.q], ["k", out.k], ["v", out.v]] as const) expect(op, name, t, n)
  dispatch(batch, op, SPLIT, [qkv], [out.q, out.k, out.v], n, dims)
}

/** Records `dqkv += pack(dq, dk, dv)`. @since 0.1.0 @category kernels */
export const splitBackward = (
  batch: CommandBatch,
  dqkv: Tensor,
  grads: { readonly dq: Tensor; readonly dk: Tensor; readonly dv: Tensor },
  dims: Dims
): void => {
  const op = "Heads.splitBackward"
  const n = size(op, dims)
  expect(op, "dqkv", dqkv, 3 * n)
  for (const [name, t] of [["dq", grads.dq], ["dk", grads.dk], ["dv", grads.dv]] as const) expect(op, name, t, n)
  dispatch(batch, op, SPLIT_BACKWARD, [grads.dq, grads.dk, grads.dv], [dqkv], n, dims)
}

/** Records `out [B, T, H·D] = merge(y [B, H, T, D])`. @since 0.1.0 @category kernels */
export const merge = (batch: CommandBatch, out: Tensor, y: Tensor, dims: Dims): void =>
  move(batch, "Heads.merge", MERGE, ["y", y], ["out", out], dims)

/** Records `dy += unmerge(dout)`. @since 0.1.0 @category kernels */
export const mergeBackward = (batch: CommandBatch, dy: Tensor, dout: Tensor, dims: Dims): void =>
  move(batch, "Heads.mergeBackward", MERGE_BACKWARD, ["dout", dout], ["dy", dy], dims)
