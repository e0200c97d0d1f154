/**
 * MinHash signatures on the GPU, bit-identical to the CPU: for permutation `i` with parameters
 * `(a_i, b_i)` (`a` in `[1, p)`, `b` in `[0, p)`, `p = 2^61 - 1`), each 32-bit shingle hash `x` maps
 * to `((a_i * x + b_i) mod p) & 0xFFFFFFFF` computed exactly, and a document's signature is the
 * per-permutation minimum (`0xFFFFFFFF` for a document without shingles). This is the definition
 * of `@pretrain/dedup`'s `MinHasher` (pass it that package's `permutations(numPerm, seed)` to get
 * its signatures).
 *
 * WGSL has no 64-bit integers, so the product `a * x` (up to 93 bits) is formed from 16-bit
 * partial products into u32 limbs and reduced with the Mersenne identity `2^61 = 1 (mod p)`. One
 * workgroup handles one document and 64 permutations: the document's shingle hashes are staged
 * through workgroup memory 64 at a time and every invocation keeps the running minimum of its
 * permutation in a register.
 *
 * {@link signaturesCpu} is the plain TypeScript reference doing the same limb arithmetic.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type CommandBatch, type Kernel, run } from "./Batch.ts"
import { type DeviceLost, type GpuError, ShapeError } from "./Errors.ts"
import type { GpuContext } from "./Gpu.ts"
import { expect } from "./internal/check.ts"
import { layout } from "./internal/wgsl.ts"
import * as Tensor from "./Tensor.ts"

/** The Mersenne prime 2^61 - 1. @since 0.1.0 */
export const MERSENNE_61 = (1n << 61n) - 1n

/** Signature value of an empty set. @since 0.1.0 */
export const MAX_HASH = 0xffffffff

const WG = 64

/**
 * Packs permutation parameters as `[a_lo, a_hi, b_lo, b_hi]` u32 words per permutation, checking
 * `a` in `[1, p)` and `b` in `[0, p)`.
 *
 * @since 0.1.0 @category constructors
 */
export const packParams = (a: ReadonlyArray<bigint>, b: ReadonlyArray<bigint>): Uint32Array => {
  if (a.length !== b.length || a.length === 0) {
    throw new ShapeError({ op: "MinHash.packParams", detail: `a and b must be non-empty and equally long (${a.length}, ${b.length})` })
  }
  const out = new Uint32Array(a.length * 4)
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!
    const bi = b[i]!
    if (ai < 1n || ai >= MERSENNE_61 || bi < 0n || bi >= MERSENNE_61) {
      throw new ShapeError({ op: "MinHash.packParams", detail: `permutation ${i}: need 1 <= a < p and 0 <= b < p` })
    }
    out[4 * i] = Number(ai & 0xffffffffn)
    out[4 * i + 1] = Number(ai >> 32n)
    out[4 * i + 2] = Number(bi & 0xffffffffn)
    out[4 * i + 3] = Number(bi >> 32n)
  }
  return out
}

// ------------------------------------------------------------------------------------------------
// CPU reference: the same u32-limb arithmetic as the WGSL below, in plain TypeScript.

/** 64-bit product of two u32 as [lo, hi], from 16-bit partial products (each exact in a double). */
const mul32 = (a: number, b: number, out: Uint32Array): void => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  const p00 = a0 * b0
  const p01 = a0 * b1
  const p10 = a1 * b0
  const p11 = a1 * b1
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  out[0] = ((p00 & 0xffff) | (mid << 16)) >>> 0
  out[1] = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0
}

const L = new Uint32Array(2)
const H = new Uint32Array(2)

/**
 * `((a * x + b) mod (2^61 - 1)) & 0xFFFFFFFF` with `a`, `b` given as u32 limbs.
 *
 * @since 0.1.0 @category reference
 */
export const permute = (aLo: number, aHi: number, bLo: number, bHi: number, x: number): number => {
  mul32(aLo, x >>> 0, L)
  mul32(aHi, x >>> 0, H)
  // a*x = L0 + (L1 + H0) 2^32 + H1 2^64
  const w1 = (L[1]! + H[0]!) >>> 0
  const w2 = H[1]! + (w1 < L[1]! ? 1 : 0)
  // (a*x mod 2^61) + (a*x >> 61) + b, as lo + hi 2^32 (hi below 2^31)
  const high = ((w1 >>> 29) | (w2 << 3)) >>> 0
  let lo = L[0]! + high + bLo
  let hi = (w1 & 0x1fffffff) + bHi + Math.floor(lo / 4294967296)
  lo >>>= 0
  // fold bits 61 and up, then subtract p once when needed
  lo += hi >>> 29
  hi = (hi & 0x1fffffff) + Math.floor(lo / 4294967296)
  lo >>>= 0
  if (hi > 0x1fffffff || (hi === 0x1fffffff && lo === 0xffffffff)) lo = (lo + 1) >>> 0
  return lo
}

/**
 * Signatures of documents given as shingle hashes in CSR form: document `d` owns
 * `hashes[offsets[d] .. offsets[d+1])`. Returns `[docs, numPerm]` row-major.
 *
 * @since 0.1.0 @category reference
 */
export const signaturesCpu = (params: Uint32Array, hashes: Uint32Array, offsets: Uint32Array): Uint32Array => {
  const P = params.length / 4
  const docs = offsets.length - 1
  const out = new Uint32Array(docs * P).fill(MAX_HASH)
  for (let d = 0; d < docs; d++) {
    for (let j = 0; j < P; j++) {
      const aLo = params[4 * j]!
      const aHi = params[4 * j + 1]!
      const bLo = params[4 * j + 2]!
      const bHi = params[4 * j + 3]!
      let min = MAX_HASH
      for (let s = offsets[d]!; s < offsets[d + 1]!; s++) {
        const v = permute(aLo, aHi, bLo, bHi, hashes[s]!)
        if (v < min) min = v
      }
      out[d * P + j] = min
    }
  }
  return out
}

// ------------------------------------------------------------------------------------------------
// GPU

const KERNEL: Kernel = {
  name: "minhash",
  code: `
${layout("numPerm: u32, docs: u32", { read: ["params: vec4u", "hashes: u32", "offsets: u32"], write: ["sig: u32"] })}
var<workgroup> sh: array<u32, ${WG}>;
var<workgroup> bounds: vec2u;

fn mul32(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xFFFFu;
  let a1 = a >> 16u;
  let b0 = b & 0xFFFFu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xFFFFu) + (p10 & 0xFFFFu);
  return vec2u((p00 & 0xFFFFu) | (mid << 16u), p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}

fn add64(a: vec2u, b: vec2u) -> vec2u {
  let lo = a.x + b.x;
  return vec2u(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

// ((a * x + b) mod (2^61 - 1)) & 0xFFFFFFFF, with q = (a_lo, a_hi, b_lo, b_hi)
fn permute(q: vec4u, x: u32) -> u32 {
  let l = mul32(q.x, x);
  let h = mul32(q.y, x);
  let w1 = l.y + h.x;
  let w2 = h.y + select(0u, 1u, w1 < l.y);
  let high = (w1 >> 29u) | (w2 << 3u);
  var v = add64(vec2u(l.x, w1 & 0x1FFFFFFFu), vec2u(high, 0u));
  v = add64(v, q.zw);
  v = add64(vec2u(v.x, v.y & 0x1FFFFFFFu), vec2u(v.y >> 29u, 0u));
  if (v.y > 0x1FFFFFFFu || (v.y == 0x1FFFFFFFu && v.x == 0xFFFFFFFFu)) { v.x = v.x + 1u; }
  return v.x;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let doc = wid.y + wid.z * 65535u;
  let j = wid.x * ${WG}u + lid.x;
  if (lid.x == 0u) {
    if (doc < p.docs) { bounds = vec2u(offsets[doc], offsets[doc + 1u]); } else { bounds = vec2u(0u, 0u); }
  }
  let b = workgroupUniformLoad(&bounds);
  let live = j < p.numPerm;
  var q = vec4u(1u, 0u, 0u, 0u);
  if (live) { q = params[j]; }
  var m = 0xFFFFFFFFu;
  for (var s0 = b.x; s0 < b.y; s0 += ${WG}u) {
    let idx = s0 + lid.x;
    var x = 0u;
    if (idx < b.y) { x = hashes[idx]; }
    sh[lid.x] = x;
    workgroupBarrier();
    let n = min(${WG}u, b.y - s0);
    for (var i = 0u; i < n; i++) { m = min(m, permute(q, sh[i])); }
    workgroupBarrier();
  }
  if (live && doc < p.docs) { sig[doc * p.numPerm + j] = m; }
}
`
}

/**
 * Records the signatures of `offsets.size - 1` documents into `out` (u32 `[docs, numPerm]`), with
 * `params` from {@link packParams} uploaded as a u32 tensor, `hashes` u32 and `offsets` u32 (CSR).
 *
 * @since 0.1.0 @category kernels
 */
export const signatures = (batch: CommandBatch, out: Tensor.Tensor, params: Tensor.Tensor, hashes: Tensor.Tensor, offsets: Tensor.Tensor): void => {
  const op = "MinHash.signatures"
  expect(op, "params", params, undefined, "u32")
  expect(op, "hashes", hashes, undefined, "u32", "i32")
  expect(op, "offsets", offsets, undefined, "u32")
  const P = params.size / 4
  const docs = offsets.size - 1
  if (!Number.isInteger(P) || P === 0) throw new ShapeError({ op, detail: `params ${params} is not 4 words per permutation` })
  if (docs < 0) throw new ShapeError({ op, detail: "offsets must have docs + 1 entries" })
  expect(op, "out", out, docs * P, "u32")
  if (docs === 0) return
  const y = Math.min(docs, 65535)
  batch.dispatch(KERNEL, [params, hashes, offsets, out], [P, docs], [Math.ceil(P / WG), y, Math.ceil(docs / 65535)])
}

/**
 * Uploads the documents, computes their signatures on the GPU and reads them back
 * (`[docs, numPerm]`, the same values as {@link signaturesCpu}).
 *
 * @since 0.1.0 @category utils
 */
export const signaturesGpu = (
  gpu: GpuContext,
  params: Uint32Array,
  hashes: Uint32Array,
  offsets: Uint32Array
): Effect.Effect<Uint32Array, GpuError | DeviceLost | ShapeError> =>
  Effect.suspend(() => {
    const P = params.length / 4
    const docs = offsets.length - 1
    if (docs < 0 || offsets[docs] !== hashes.length) {
      return Effect.fail(new ShapeError({ op: "MinHash.signaturesGpu", detail: "offsets must start at 0 and end at hashes.length" }))
    }
    const tensors: Array<Tensor.Tensor> = []
    const keep = <T extends Tensor.Tensor>(t: T): T => (tensors.push(t), t)
    return Effect.gen(function*() {
      const p = keep(Tensor.fromArray(gpu, params))
      const h = keep(Tensor.fromArray(gpu, hashes))
      const o = keep(Tensor.fromArray(gpu, offsets))
      const out = keep(Tensor.zeros(gpu, [docs, P], "u32"))
      yield* run(gpu, (batch) => signatures(batch, out, p, h, o))
      return yield* Tensor.read(out)
    }).pipe(Effect.ensuring(Effect.sync(() => tensors.forEach((t) => t.destroy()))))
  })
