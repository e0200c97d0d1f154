/**
 * MinHash signatures with the universal hashing family of datasketch, BigCode and datatrove:
 * `h_i(x) = (a_i * x + b_i) mod (2^61 - 1)`, truncated to its low 32 bits, and the signature is the
 * per-permutation minimum over a document's shingle hashes.
 *
 * The product is computed exactly (no uint64 wrap-around, unlike numpy; see the reference notes)
 * without BigInt in the hot loop. Two backends give bit-identical signatures:
 *
 * - `wasm` (default): a small WebAssembly kernel (emitted by this package, no toolchain) with
 *   64-bit integer arithmetic, four permutations per pass with SIMD where the engine has it;
 * - `js`: plain typed arrays: `a_i * x` split over the four bytes of `x`, with the residues
 *   `a_i * (byte << 8k) mod p` precomputed (4 x 256 x numPerm entries, 4 MiB at 256
 *   permutations), so each step is four table reads, sums of doubles below 2^53 and a Mersenne fold.
 *
 * `(a_i, b_i)` are drawn from a seeded SplitMix64 stream: `a` in `[1, p)`, `b` in `[0, p)`.
 *
 * ```ts
 * import { MinHash, Shingle } from "@pretrain/dedup"
 * const hasher = new MinHash.MinHasher({ numPerm: 256, seed: 42 })
 * const shingler = new Shingle.Shingler()
 * const sig = hasher.signature(shingler.hashes("a b c d e f g"))   // Uint32Array(256)
 * ```
 *
 * @since 0.1.0
 */
import { WasmKernel } from "./internal/wasm.ts"

/** The Mersenne prime 2^61 - 1. @since 0.1.0 @category constants */
export const MERSENNE_61 = (1n << 61n) - 1n

/** The initial (empty-set) value of every signature slot. @since 0.1.0 @category constants */
export const MAX_HASH = 0xffffffff

/** @since 0.1.0 @category models */
export interface Options {
  /** Number of permutations (signature length); default 256. */
  readonly numPerm?: number | undefined
  /** Seed of the permutation parameters; default 42 (BigCode's). */
  readonly seed?: number | undefined
  /** Implementation (same results): `wasm` (default) or `js`. */
  readonly backend?: Backend | undefined
}

/** @since 0.1.0 @category models */
export type Backend = "wasm" | "js"

const MASK64 = (1n << 64n) - 1n

/** SplitMix64 stream of 64-bit values (BigInt; used only to draw parameters). */
const splitmix = (seed: number) => {
  let state = BigInt.asUintN(64, BigInt(seed) ^ 0x5851f42d4c957f2dn)
  return (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64
    let z = state
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64
    return z ^ (z >> 31n)
  }
}

/**
 * The permutation parameters `(a_i, b_i)` for a seed, as BigInts (`a` in `[1, p)`, `b` in `[0, p)`).
 *
 * @since 0.1.0 @category constructors
 */
export const permutations = (numPerm: number, seed: number): { readonly a: ReadonlyArray<bigint>; readonly b: ReadonlyArray<bigint> } => {
  const next = splitmix(seed)
  const a: Array<bigint> = []
  const b: Array<bigint> = []
  for (let i = 0; i < numPerm; i++) {
    a.push(1n + (next() % (MERSENNE_61 - 1n)))
    b.push(next() % MERSENNE_61)
  }
  return { a, b }
}

/**
 * The reference definition, in BigInt: `((a*x + b) mod (2^61-1)) & 0xFFFFFFFF`. Slow; for tests
 * and for checking other implementations.
 *
 * @since 0.1.0 @category utils
 */
export const permuteReference = (a: bigint, b: bigint, x: number): number => Number(((a * BigInt(x >>> 0) + b) % MERSENNE_61) & 0xffffffffn)

/**
 * Computes MinHash signatures. Construction precomputes the tables (a few milliseconds); then
 * {@link MinHasher.signature} runs without allocating when given an output array.
 *
 * @since 0.1.0 @category models
 */
export class MinHasher {
  readonly numPerm: number
  readonly seed: number
  readonly backend: Backend
  /** Residues `(a_j * (v << 8k) [+ b_j when k = 0]) mod p`: low words, index `(k*256 + v) * numPerm + j` (js backend). */
  private readonly lo: Float64Array
  /** High words (below 2^29) of the same residues. */
  private readonly hi: Float64Array
  private readonly kernel: WasmKernel | undefined

  constructor(options: Options = {}) {
    this.numPerm = options.numPerm ?? 256
    this.seed = options.seed ?? 42
    this.backend = options.backend ?? "wasm"
    if (!Number.isInteger(this.numPerm) || this.numPerm < 1 || this.numPerm > 8192) {
      throw new RangeError(`numPerm must be an integer in [1, 8192], got ${this.numPerm}`)
    }
    if (!Number.isSafeInteger(this.seed)) throw new RangeError(`seed must be a safe integer, got ${this.seed}`)
    const { a, b } = permutations(this.numPerm, this.seed)
    const P = this.numPerm
    if (this.backend === "wasm") {
      this.kernel = new WasmKernel(a, b)
      this.lo = this.hi = new Float64Array(0)
      return
    }
    this.kernel = undefined
    this.lo = new Float64Array(4 * 256 * P)
    this.hi = new Float64Array(4 * 256 * P)
    for (let j = 0; j < P; j++) {
      for (let k = 0; k < 4; k++) {
        const step = (a[j]! << BigInt(8 * k)) % MERSENNE_61
        let acc = k === 0 ? b[j]! : 0n
        for (let v = 0; v < 256; v++) {
          const idx = (k * 256 + v) * P + j
          this.lo[idx] = Number(acc & 0xffffffffn)
          this.hi[idx] = Number(acc >> 32n)
          acc += step
          if (acc >= MERSENNE_61) acc -= MERSENNE_61
        }
      }
    }
  }

  /** A fresh signature of the empty set (every slot {@link MAX_HASH}). */
  empty(): Uint32Array {
    return new Uint32Array(this.numPerm).fill(MAX_HASH)
  }

  /**
   * The signature of a set of shingle hashes (repeats are harmless). Writes into `out` (length
   * `numPerm`) when given, otherwise into a new array; returns it. An empty set gives all
   * {@link MAX_HASH}.
   */
  signature(hashes: ArrayLike<number>, out?: Uint32Array): Uint32Array {
    const P = this.numPerm
    const sig = out ?? new Uint32Array(P)
    if (sig.length !== P) throw new RangeError(`signature array has length ${sig.length}, expected ${P}`)
    if (this.kernel !== undefined) {
      this.kernel.signature(hashes, sig)
      return sig
    }
    sig.fill(MAX_HASH)
    const lo = this.lo
    const hi = this.hi
    const n = hashes.length
    for (let s = 0; s < n; s++) {
      const x = hashes[s]! >>> 0
      const o0 = (x & 255) * P
      const o1 = (256 + ((x >>> 8) & 255)) * P
      const o2 = (512 + ((x >>> 16) & 255)) * P
      const o3 = (768 + (x >>> 24)) * P
      for (let j = 0; j < P; j++) {
        // the sum of four residues below p: low words below 2^34, high words below 2^31
        const l = lo[o0 + j]! + lo[o1 + j]! + lo[o2 + j]! + lo[o3 + j]!
        const l32 = l >>> 0
        let h = hi[o0 + j]! + hi[o1 + j]! + hi[o2 + j]! + hi[o3 + j]! + (l - l32) / 4294967296
        // fold bits 61 and up: 2^61 = 1 (mod p)
        let r = l32 + (h >>> 29)
        h &= 0x1fffffff
        if (r > 0xffffffff) {
          r -= 4294967296
          h++
        }
        // now value = h * 2^32 + r <= p + 4; subtract p once when needed (p = 0x1FFFFFFF_FFFFFFFF)
        const v = h > 0x1fffffff ? r + 1 : h === 0x1fffffff && r === 0xffffffff ? 0 : r
        if (v < sig[j]!) sig[j] = v
      }
    }
    return sig
  }
}

/**
 * Estimated Jaccard similarity of two signatures: the fraction of equal slots.
 *
 * @since 0.1.0 @category utils
 */
export const estimateJaccard = (a: Uint32Array, b: Uint32Array): number => {
  if (a.length !== b.length) throw new RangeError(`signatures differ in length: ${a.length} and ${b.length}`)
  let same = 0
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
  return same / a.length
}
