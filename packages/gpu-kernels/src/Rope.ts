/**
 * Rotary position embeddings over `[rows = B*H, T, D]`: each pair `(x_i, x_{i+D/2})` at position
 * `t + offset` (or a per-token position plus `offset`) is rotated by `(t + offset) * base^(-2i/D)` (the GPT-NeoX / Llama "rotate half"
 * layout). The backward rotates the gradient by the opposite angle and accumulates.
 *
 * @since 0.1.0
 */
import { type CommandBatch, grid1d, type Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect, unary } from "./internal/check.ts"
import { flatMain, layout } from "./internal/wgsl.ts"
import type { Tensor } from "./Tensor.ts"

const kernel = (perToken: boolean): Kernel => ({
  name: perToken ? "rope_positions" : "rope",
  code: `
${layout("n: u32, T: u32, D: u32, offset: u32, log2base: f32, sign: f32, accumulate: u32, heads: u32", { read: perToken ? ["inp", "positions: u32"] : ["inp"], write: ["out"] })}
${flatMain(
  "p.n",
  `
  let half = p.D / 2u;
  let pair = i % half;
  let rowT = i / half;
  let t = rowT % p.T;
  let o = rowT * p.D + pair;
  let pos = ${perToken ? "positions[(rowT / p.T / p.heads) * p.T + t]" : "t"} + p.offset;
  let angle = f32(pos) * exp2(-2.0 * f32(pair) / f32(p.D) * p.log2base);
  let c = cos(angle);
  let s = p.sign * sin(angle);
  let x0 = inp[o];
  let x1 = inp[o + half];
  var y0 = x0 * c - x1 * s;
  var y1 = x0 * s + x1 * c;
  if (p.accumulate != 0u) { y0 += out[o]; y1 += out[o + half]; }
  out[o] = y0;
  out[o + half] = y1;`
)}
`
})
const ROPE = kernel(false)
const ROPE_POSITIONS = kernel(true)

/** @since 0.1.0 @category models */
export interface Options {
  /** Frequency base; default 10000. */
  readonly base?: number | undefined
  /** Position of the first row (for a KV cache), added to every position; default 0. */
  readonly offset?: number | undefined
  /**
   * Per-token positions `[B, T]` (u32 or i32, non-negative), e.g. restarting at each document of a
   * packed sequence; rows are `b * heads + h`. Default: position t.
   */
  readonly positions?: Tensor | undefined
  /** Heads per sequence; needed with `positions`. */
  readonly heads?: number | undefined
}

const encode = (batch: CommandBatch, op: string, out: Tensor, inp: Tensor, T: number, D: number, options: Options, sign: number, acc: boolean) => {
  if (!Number.isInteger(D) || D <= 0 || D % 2 !== 0 || !Number.isInteger(T) || T <= 0 || inp.size % (T * D) !== 0) {
    throw new ShapeError({ op, detail: `${inp} is not [rows, ${T}, ${D}] with an even D` })
  }
  unary(op, out, inp)
  const n = inp.size / 2
  const rows = inp.size / (T * D)
  const heads = options.heads ?? 1
  const positions = options.positions
  if (positions !== undefined) {
    if (!Number.isInteger(heads) || heads <= 0 || rows % heads !== 0) throw new ShapeError({ op, detail: `heads ${options.heads} does not divide ${rows} rows` })
    expect(op, "positions", positions, (rows / heads) * T, "u32", "i32")
    distinct(op, [out], [inp, positions, out])
  }
  batch.dispatch(
    positions === undefined ? ROPE : ROPE_POSITIONS,
    positions === undefined ? [inp, out] : [inp, positions, out],
    [n, T, D, options.offset ?? 0, { f32: Math.log2(options.base ?? 10000) }, { f32: sign }, acc ? 1 : 0, heads],
    grid1d(n, 256)
  )
}

/** Records `out = rope(inp)` for `[rows, T, D]` (`out` distinct from `inp`). @since 0.1.0 @category kernels */
export const forward = (batch: CommandBatch, out: Tensor, inp: Tensor, T: number, D: number, options: Options = {}): void =>
  encode(batch, "Rope.forward", out, inp, T, D, options, 1, false)

/** Records `dinp += rope⁻¹(dout)`. @since 0.1.0 @category kernels */
export const backward = (batch: CommandBatch, dinp: Tensor, dout: Tensor, T: number, D: number, options: Options = {}): void =>
  encode(batch, "Rope.backward", dinp, dout, T, D, options, -1, true)
