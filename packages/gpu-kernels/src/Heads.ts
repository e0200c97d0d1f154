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
import { BUILTINS, FLAT_INDEX } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

// i runs over [B, H, T, D]; the packed index of the same element is ((b*T + t)*3 + part)*H*D + h*D + d
const PACKED = `
  let d = i % p.D;
  let t = (i / p.D) % p.T;
  let h = (i / (p.D * p.T)) % p.H;
  let b = i / (p.D * p.T * p.H);
  let C = p.H * p.D;
  let src = (b * p.T + t) * 3u * C + h * p.D + d;
`

const SPLIT: Kernel = {
  name: "split_heads",
  code: `
struct P { n: u32, T: u32, H: u32, D: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> q: array<f32>;
@group(0) @binding(3) var<storage, read_write> k: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.n) { return; }
  ${PACKED}
  q[i] = qkv[src];
  k[i] = qkv[src + C];
  v[i] = qkv[src + 2u * C];
}
`
}

const SPLIT_BACKWARD: Kernel = {
  name: "split_heads_backward",
  code: `
struct P { n: u32, T: u32, H: u32, D: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dq: array<f32>;
@group(0) @binding(2) var<storage, read> dk: array<f32>;
@group(0) @binding(3) var<storage, read> dv: array<f32>;
@group(0) @binding(4) var<storage, read_write> dqkv: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.n) { return; }
  ${PACKED}
  dqkv[src] = dqkv[src] + dq[i];
  dqkv[src + C] = dqkv[src + C] + dk[i];
  dqkv[src + 2u * C] = dqkv[src + 2u * C] + dv[i];
}
`
}

// i runs over [B, H, T, D]; the merged index is ((b*T + t)*H + h)*D + d
const MERGED = `
  let d = i % p.D;
  let t = (i / p.D) % p.T;
  let h = (i / (p.D * p.T)) % p.H;
  let b = i / (p.D * p.T * p.H);
  let m = ((b * p.T + t) * p.H + h) * p.D + d;
`

const MERGE: Kernel = {
  name: "merge_heads",
  code: `
struct P { n: u32, T: u32, H: u32, D: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.n) { return; }
  ${MERGED}
  out[m] = y[i];
}
`
}

const MERGE_BACKWARD: Kernel = {
  name: "merge_heads_backward",
  code: `
struct P { n: u32, T: u32, H: u32, D: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read_write> dy: array<f32>;
@compute @workgroup_size(256)
fn main(${BUILTINS}) {
  ${FLAT_INDEX}
  if (i >= p.n) { return; }
  ${MERGED}
  dy[i] = dy[i] + dout[m];
}
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

/** Records `q, k, v [B, H, T, D] = split(qkv [B, T, 3·H·D])`. @since 0.1.0 @category kernels */
export const split = (batch: CommandBatch, out: { readonly q: Tensor; readonly k: Tensor; readonly v: Tensor }, qkv: Tensor, dims: Dims): void => {
  const op = "Heads.split"
  const n = size(op, dims)
  expect(op, "qkv", qkv, 3 * n)
  for (const [name, t] of [["q", out.q], ["k", out.k], ["v", out.v]] as const) expect(op, name, t, n)
  distinct(op, [out.q, out.k, out.v], [qkv, out.q, out.k, out.v])
  batch.dispatch(SPLIT, [qkv, out.q, out.k, out.v], [n, dims.T, dims.H, dims.D], grid1d(n, 256))
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
  distinct(op, [dqkv], [grads.dq, grads.dk, grads.dv, dqkv])
  batch.dispatch(SPLIT_BACKWARD, [grads.dq, grads.dk, grads.dv, dqkv], [n, dims.T, dims.H, dims.D], grid1d(n, 256))
}

/** Records `out [B, T, H·D] = merge(y [B, H, T, D])`. @since 0.1.0 @category kernels */
export const merge = (batch: CommandBatch, out: Tensor, y: Tensor, dims: Dims): void => {
  const op = "Heads.merge"
  const n = size(op, dims)
  expect(op, "y", y, n)
  expect(op, "out", out, n)
  distinct(op, [out], [y, out])
  batch.dispatch(MERGE, [y, out], [n, dims.T, dims.H, dims.D], grid1d(n, 256))
}

/** Records `dy += unmerge(dout)`. @since 0.1.0 @category kernels */
export const mergeBackward = (batch: CommandBatch, dy: Tensor, dout: Tensor, dims: Dims): void => {
  const op = "Heads.mergeBackward"
  const n = size(op, dims)
  expect(op, "dout", dout, n)
  expect(op, "dy", dy, n)
  distinct(op, [dy], [dout, dy])
  batch.dispatch(MERGE_BACKWARD, [dout, dy], [n, dims.T, dims.H, dims.D], grid1d(n, 256))
}
