/**
 * Matrix multiply: `out (+)= op(A) @ op(B)`, batched over leading dimensions, with either operand
 * transposed in storage or shared across the batch. Each 256-invocation workgroup computes a
 * 64 x 64 output tile: both operands' 64 x 16 slices are staged in workgroup memory as vec4s
 * (loaded along their contiguous dimension), and each invocation accumulates a 4 x 4 register
 * block in four vec4 accumulators.
 *
 * Backward ({@link backward}) is two more products with transposes.
 *
 * @since 0.1.0
 */
import type { CommandBatch, Kernel } from "./Batch.ts"
import { ShapeError } from "./Errors.ts"
import { distinct, expect } from "./internal/check.ts"
import { layout } from "./internal/wgsl.ts"
import { numel, type Tensor } from "./Tensor.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** A is stored as [..., K, M]. */
  readonly transA?: boolean | undefined
  /** B is stored as [..., N, K]. */
  readonly transB?: boolean | undefined
  /** Add into `out` instead of overwriting it. */
  readonly accumulate?: boolean | undefined
}

const TILE = 64

// One variant for every transpose combination (flags are uniforms): lavapipe compiles a shader in
// seconds, so fewer, smaller variants keep start-up short. Each invocation loads 4 elements of
// each operand per 16-deep slice (rows i16 + 16e, e = 0..3) as one vec4, picking its (k, row)
// slot so that neighbouring invocations read neighbouring addresses for either layout.
const KERNEL: Kernel = {
  name: "matmul",
  code: `
${layout("M: u32, N: u32, K: u32, strideA: u32, strideB: u32, accumulate: u32, transA: u32, transB: u32", { read: ["A", "B"], write: ["C"] })}
var<workgroup> As: array<vec4f, 256>;
var<workgroup> Bs: array<vec4f, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
  let aBase = wid.z * p.strideA;
  let bBase = wid.z * p.strideB;
  let tid = lid.y * 16u + lid.x;
  // A stored [M, K] has k contiguous; stored [K, M] (transA) has rows contiguous. Same for B.
  let kA = select(tid % 16u, tid / 16u, p.transA != 0u);
  let iA = select(tid / 16u, tid % 16u, p.transA != 0u);
  let kB = select(tid / 16u, tid % 16u, p.transB != 0u);
  let jB = select(tid % 16u, tid / 16u, p.transB != 0u);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.K; k0 += 16u) {
    var av = vec4f(0.0);
    var bv = vec4f(0.0);
    let ka = k0 + kA;
    let kb = k0 + kB;
    for (var e = 0u; e < 4u; e++) {
      let i = row0 + iA + 16u * e;
      let j = col0 + jB + 16u * e;
      if (i < p.M && ka < p.K) { av[e] = A[aBase + select(i * p.K + ka, ka * p.M + i, p.transA != 0u)]; }
      if (j < p.N && kb < p.K) { bv[e] = B[bBase + select(kb * p.N + j, j * p.K + kb, p.transB != 0u)]; }
    }
    As[kA * 16u + iA] = av;
    Bs[kB * 16u + jB] = bv;
    workgroupBarrier();
    for (var q = 0u; q < 16u; q++) {
      let a = As[q * 16u + lid.y];
      let b = Bs[q * 16u + lid.x];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }
  // acc_e[f] is the product at row lid.y + 16e, column lid.x + 16f
  let cBase = wid.z * p.M * p.N;
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var e = 0u; e < 4u; e++) {
    let r = row0 + lid.y + 16u * e;
    if (r >= p.M) { continue; }
    for (var f = 0u; f < 4u; f++) {
      let c = col0 + lid.x + 16u * f;
      if (c < p.N) {
        let o = cBase + r * p.N + c;
        if (p.accumulate != 0u) { C[o] = C[o] + accs[e][f]; } else { C[o] = accs[e][f]; }
      }
    }
  }
}
`
}

/** The dimensions of one (batched) product, as recorded by {@link encode}. @since 0.1.0 @category models */
export interface Dims {
  readonly M: number
  readonly K: number
  readonly N: number
  readonly batch: number
  /** Elements between consecutive A matrices (0 when shared). */
  readonly strideA: number
  readonly strideB: number
  readonly transA: boolean
  readonly transB: boolean
  readonly accumulate: boolean
}

/**
 * Records a product with explicit dimensions (tensors taken as flat storage).
 *
 * @since 0.1.0 @category kernels
 */
export const encode = (batch: CommandBatch, out: Tensor, a: Tensor, b: Tensor, d: Dims): void => {
  const op = "Matmul"
  expect(op, "out", out, d.batch * d.M * d.N)
  expect(op, "A", a, undefined)
  expect(op, "B", b, undefined)
  if (a.size < d.strideA * (d.batch - 1) + d.M * d.K) throw new ShapeError({ op, detail: `A ${a} too small` })
  if (b.size < d.strideB * (d.batch - 1) + d.K * d.N) throw new ShapeError({ op, detail: `B ${b} too small` })
  if (d.batch > 65535) throw new ShapeError({ op, detail: `batch ${d.batch} over 65535` })
  distinct(op, [out], [a, b, out])
  batch.dispatch(
    KERNEL,
    [a, b, out],
    [d.M, d.N, d.K, d.strideA, d.strideB, d.accumulate ? 1 : 0, d.transA ? 1 : 0, d.transB ? 1 : 0],
    [Math.ceil(d.N / TILE), Math.ceil(d.M / TILE), d.batch]
  )
}

/**
 * Infers the dimensions of `out = op(A) @ op(B)` from the shapes: `out` is [...lead, M, N]; A is
 * [...lead, M, K] (or [..., K, M] with `transA`) or a single 2-D matrix shared by the batch; B
 * likewise. A product whose B is shared and whose A is not transposed is run as one 2-D product.
 *
 * @since 0.1.0 @category utils
 */
export const dims = (out: Tensor, a: Tensor, b: Tensor, options: Options = {}): Dims => {
  const op = "Matmul"
  if (out.shape.length < 2 || a.shape.length < 2 || b.shape.length < 2) {
    throw new ShapeError({ op, detail: `operands must have at least 2 dimensions: out ${out}, A ${a}, B ${b}` })
  }
  const last2 = (t: Tensor) => [t.shape[t.shape.length - 2]!, t.shape[t.shape.length - 1]!] as const
  const lead = (t: Tensor) => numel(t.shape.slice(0, -2))
  const [M, N] = last2(out)
  const [a0, a1] = last2(a)
  const [b0, b1] = last2(b)
  const transA = options.transA ?? false
  const transB = options.transB ?? false
  const [am, K] = transA ? [a1, a0] : [a0, a1]
  const [bk, bn] = transB ? [b1, b0] : [b0, b1]
  if (am !== M || bk !== K || bn !== N) {
    throw new ShapeError({ op, detail: `cannot multiply A ${a}${transA ? "ᵀ" : ""} by B ${b}${transB ? "ᵀ" : ""} into ${out}` })
  }
  const batch = lead(out)
  const la = lead(a)
  const lb = lead(b)
  if ((la !== batch && la !== 1) || (lb !== batch && lb !== 1)) {
    throw new ShapeError({ op, detail: `batch sizes differ: out ${out}, A ${a}, B ${b}` })
  }
  const accumulate = options.accumulate ?? false
  if (batch > 1 && la === batch && lb === 1 && !transA) {
    return { M: batch * M, K, N, batch: 1, strideA: 0, strideB: 0, transA, transB, accumulate }
  }
  return { M, K, N, batch, strideA: la === 1 ? 0 : M * K, strideB: lb === 1 ? 0 : K * N, transA, transB, accumulate }
}

/**
 * Records `out (+)= op(A) @ op(B)` with shapes inferred by {@link dims}.
 *
 * @since 0.1.0 @category kernels
 */
export const forward = (batch: CommandBatch, out: Tensor, a: Tensor, b: Tensor, options: Options = {}): void =>
  encode(batch, out, a, b, dims(out, a, b, options))

/**
 * Records the backward of `out = op(A) @ op(B)`: accumulates `dA` and `dB` (same shapes as A and
 * B) from `dOut`. Either may be `undefined` to skip it. A shared (2-D) A with a batched product is
 * not supported; flatten the leading dimensions instead.
 *
 * @since 0.1.0 @category kernels
 */
export const backward = (
  batch: CommandBatch,
  dA: Tensor | undefined,
  dB: Tensor | undefined,
  dOut: Tensor,
  a: Tensor,
  b: Tensor,
  options: Omit<Options, "accumulate"> = {}
): void => {
  const d = dims(dOut, a, b, options)
  const { M, K, N, transA, transB } = d
  if (d.batch > 1 && d.strideA === 0) throw new ShapeError({ op: "Matmul.backward", detail: "a shared A in a batched product" })
  if (d.batch > 1 && d.strideB === 0) throw new ShapeError({ op: "Matmul.backward", detail: "a shared, transposed-A product" })
  const sO = M * N
  const common = { batch: d.batch, accumulate: true }
  if (dA !== undefined) {
    expect("Matmul.backward", "dA", dA, a.size)
    if (!transA) {
      // dA [M, K] += dOut [M, N] @ op(B)ᵀ
      encode(batch, dA, dOut, b, { ...common, M, K: N, N: K, strideA: sO, strideB: d.strideB, transA: false, transB: !transB })
    } else {
      // dA [K, M] += op(B) [K, N] @ dOutᵀ
      encode(batch, dA, b, dOut, { ...common, M: K, K: N, N: M, strideA: d.strideB, strideB: sO, transA: transB, transB: true })
    }
  }
  if (dB !== undefined) {
    expect("Matmul.backward", "dB", dB, b.size)
    if (!transB) {
      // dB [K, N] += op(A)ᵀ @ dOut
      encode(batch, dB, a, dOut, { ...common, M: K, K: M, N, strideA: d.strideA, strideB: sO, transA: !transA, transB: false })
    } else {
      // dB [N, K] += dOutᵀ @ op(A)
      encode(batch, dB, dOut, a, { ...common, M: N, K: M, N: K, strideA: sO, strideB: d.strideA, transA: true, transB: transA })
    }
  }
}
