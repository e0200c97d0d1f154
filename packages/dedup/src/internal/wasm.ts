/**
 * The MinHash kernel as a small WebAssembly module, emitted here byte by byte (no toolchain): its
 * 64-bit integer multiply computes `(a*x + b) mod (2^61 - 1)` exactly, which JavaScript numbers
 * cannot do without BigInt.
 *
 * Memory layout (little-endian): per permutation j, at `params + 24*j`: `aLo` (u64, the low 32 bits
 * of a), `aHi` (u64, a >> 32), `b` (u64). Shingle hashes are u32 at `xs`; the signature (u32 per
 * permutation) is written at `out`.
 *
 * For each permutation (outer loop: its constants stay in registers, the shingles stay in L1):
 *
 * ```
 * lo  = aLo * x                          // < 2^64, exact in u64
 * hp  = aHi * x                          // < 2^61
 * t   = (hp >> 29) + ((hp & (2^29-1)) << 32)   // hp * 2^32 mod p, folded (2^61 = 1 mod p)
 * s   = (lo & p) + (lo >> 61) + t + b    // < 2^63
 * s   = (s & p) + (s >> 61); if s >= p: s -= p
 * sig = min(sig, s & 0xFFFFFFFF)
 * ```
 */

/** The parts of the WebAssembly JS API used here (the ES lib this package compiles against has no declarations for it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  readonly Module: new(bytes: Uint8Array) => object
  readonly Instance: new(module: object, imports: object) => { readonly exports: Record<string, unknown> }
}
const wasmApi = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly

const enc = {
  u32(n: number): Array<number> {
    const out: Array<number> = []
    do {
      let byte = n & 0x7f
      n >>>= 7
      if (n !== 0) byte |= 0x80
      out.push(byte)
    } while (n !== 0)
    return out
  },
  s64(n: bigint): Array<number> {
    const out: Array<number> = []
    for (;;) {
      const byte = Number(n & 0x7fn)
      n >>= 7n
      const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0)
      out.push(done ? byte : byte | 0x80)
      if (done) return out
    }
  },
  name(s: string): Array<number> {
    const bytes = [...Buffer.from(s, "utf8")]
    return [...enc.u32(bytes.length), ...bytes]
  },
  section(id: number, body: Array<number>): Array<number> {
    return [id, ...enc.u32(body.length), ...body]
  },
  vec(items: Array<Array<number>>): Array<number> {
    return [...enc.u32(items.length), ...items.flat()]
  }
}

// opcodes
const I32 = 0x7f
const I64 = 0x7e
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  select: 0x1b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i64Load32U: 0x35,
  i64Load: 0x29,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i64LtU: 0x54,
  i64GeU: 0x5a,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7
}

const P61 = (1n << 61n) - 1n

/** The kernel function body. Params: 0 n, 1 nPerm, 2 xs, 3 params, 4 out. */
const kernelBody = (): Array<number> => {
  // locals: 5 j(i32) 6 s(i32) 7 pp(i32) ; 8 aLo 9 aHi 10 b 11 m 12 x 13 hp 14 lo 15 sum (i64)
  const [n, nPerm, xs, params, out, j, s, pp, aLo, aHi, b, m, x, hp, lo, sum] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
  const g = (i: number) => [op.get, i]
  const st = (i: number) => [op.set, i]
  const i32c = (v: number) => [op.i32Const, ...enc.s64(BigInt(v))]
  const i64c = (v: bigint) => [op.i64Const, ...enc.s64(BigInt.asIntN(64, v))]
  const load64 = (offset: number) => [op.i64Load, 3, ...enc.u32(offset)]
  const code: Array<number> = [
    ...i32c(0), ...st(j),
    op.block, 0x40,
    op.loop, 0x40,
    // if j >= nPerm break
    ...g(j), ...g(nPerm), op.i32GeU, op.brIf, 1,
    // pp = params + j*24
    ...g(params), ...g(j), ...i32c(24), op.i32Mul, op.i32Add, ...st(pp),
    ...g(pp), ...load64(0), ...st(aLo),
    ...g(pp), ...load64(8), ...st(aHi),
    ...g(pp), ...load64(16), ...st(b),
    ...i64c(0xffffffffn), ...st(m),
    ...i32c(0), ...st(s),
    op.block, 0x40,
    op.loop, 0x40,
    ...g(s), ...g(n), op.i32GeU, op.brIf, 1,
    // x = load32_u(xs + s*4)
    ...g(xs), ...g(s), ...i32c(4), op.i32Mul, op.i32Add, op.i64Load32U, 2, 0, ...st(x),
    // hp = aHi * x
    ...g(aHi), ...g(x), op.i64Mul, ...st(hp),
    // lo = aLo * x
    ...g(aLo), ...g(x), op.i64Mul, ...st(lo),
    // sum = (lo & p) + (lo >> 61) + (hp >> 29) + ((hp & mask29) << 32) + b
    ...g(lo), ...i64c(P61), op.i64And,
    ...g(lo), ...i64c(61n), op.i64ShrU, op.i64Add,
    ...g(hp), ...i64c(29n), op.i64ShrU, op.i64Add,
    ...g(hp), ...i64c((1n << 29n) - 1n), op.i64And, ...i64c(32n), op.i64Shl, op.i64Add,
    ...g(b), op.i64Add, ...st(sum),
    // sum = (sum & p) + (sum >> 61)
    ...g(sum), ...i64c(P61), op.i64And, ...g(sum), ...i64c(61n), op.i64ShrU, op.i64Add, ...st(sum),
    // sum = sum >= p ? sum - p : sum
    ...g(sum), ...i64c(P61), op.i64Sub, ...g(sum), ...g(sum), ...i64c(P61), op.i64GeU, op.select,
    ...i64c(0xffffffffn), op.i64And, op.tee, sum,
    // m = sum < m ? sum : m
    ...g(m), ...g(sum), ...g(m), op.i64LtU, op.select, ...st(m),
    // s++
    ...g(s), ...i32c(1), op.i32Add, ...st(s),
    op.br, 0,
    op.end, op.end,
    // out[j] = m
    ...g(out), ...g(j), ...i32c(4), op.i32Mul, op.i32Add, ...g(m), op.i32WrapI64, op.i32Store, 2, 0,
    ...g(j), ...i32c(1), op.i32Add, ...st(j),
    op.br, 0,
    op.end, op.end,
    op.end
  ]
  void [n, nPerm, xs, params, out]
  const locals = enc.vec([[...enc.u32(3), I32], [...enc.u32(8), I64]])
  const body = [...locals, ...code]
  return [...enc.u32(body.length), ...body]
}

const V128 = 0x7b
const simd = (code: number) => [0xfd, ...enc.u32(code)]
const v = {
  load: (offset: number) => [...simd(0x00), 4, ...enc.u32(offset)],
  splat: simd(0x12),
  extract: (lane: number) => [...simd(0x1d), lane],
  and: simd(0x4e),
  bitselect: simd(0x52),
  shl: simd(0xcb),
  shrU: simd(0xcd),
  add: simd(0xce),
  sub: simd(0xd1),
  mul: simd(0xd5),
  i32splat: simd(0x11),
  extmulLowU: simd(0xde),
  extmulHighU: simd(0xdf),
  ltS: simd(0xd8),
  geS: simd(0xdb)
}

/**
 * The SIMD kernel: four permutations per pass over the shingles (two i64x2 lanes each), so each
 * shingle is loaded once per four permutations. Params: 0 n, 1 nPerm (a multiple of 4), 2 xs,
 * 3 params, 4 out.
 */
const simdKernelBody = (): Array<number> => {
  const [n, nPerm, xs, params, out] = [0, 1, 2, 3, 4]
  // i32 locals 5 j, 6 s, 7 pp, 8 xp, 9 xend ; i64 local 10 x64 ; v128 locals from 11
  const [j, s, pp, xp, xend] = [5, 6, 7, 8, 9]
  const x64 = 10
  const [P, M29, M32, xv, aLo0, aHi0, b0, m0, b1, m1, lo, hp, sum] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
  const g = (i: number) => [op.get, i]
  const st = (i: number) => [op.set, i]
  const i32c = (val: number) => [op.i32Const, ...enc.s64(BigInt(val))]
  const i64c = (val: bigint) => [op.i64Const, ...enc.s64(BigInt.asIntN(64, val))]
  // params per group of 4 permutations (64 bytes): aLo as u32x4, aHi as u32x4, b as 4 x u64
  const lane = (mul: Array<number>, b: number, m: number) => [
    ...g(aLo0), ...g(xv), ...mul, ...st(lo),
    ...g(aHi0), ...g(xv), ...mul, ...st(hp),
    ...g(lo), ...g(P), ...v.and,
    ...g(lo), ...i32c(61), ...v.shrU, ...v.add,
    ...g(hp), ...i32c(29), ...v.shrU, ...v.add,
    ...g(hp), ...g(M29), ...v.and, ...i32c(32), ...v.shl, ...v.add,
    ...g(b), ...v.add, ...st(sum),
    ...g(sum), ...g(P), ...v.and, ...g(sum), ...i32c(61), ...v.shrU, ...v.add, ...st(sum),
    ...g(sum), ...g(P), ...v.sub, ...g(sum), ...g(sum), ...g(P), ...v.geS, ...v.bitselect,
    ...g(M32), ...v.and, ...st(sum),
    ...g(sum), ...g(m), ...g(sum), ...g(m), ...v.ltS, ...v.bitselect, ...st(m)
  ]
  const storeLanes = (m: number, first: number) => [
    ...g(out), ...g(j), ...i32c(first), op.i32Add, ...i32c(4), op.i32Mul, op.i32Add, ...g(m), ...v.extract(0), op.i32WrapI64, op.i32Store, 2, 0,
    ...g(out), ...g(j), ...i32c(first + 1), op.i32Add, ...i32c(4), op.i32Mul, op.i32Add, ...g(m), ...v.extract(1), op.i32WrapI64, op.i32Store, 2, 0
  ]
  const code: Array<number> = [
    ...i64c(P61), ...v.splat, ...st(P),
    ...i64c((1n << 29n) - 1n), ...v.splat, ...st(M29),
    ...i64c(0xffffffffn), ...v.splat, ...st(M32),
    ...g(xs), ...g(n), ...i32c(4), op.i32Mul, op.i32Add, ...st(xend),
    ...i32c(0), ...st(j),
    op.block, 0x40,
    op.loop, 0x40,
    ...g(j), ...g(nPerm), op.i32GeU, op.brIf, 1,
    ...g(params), ...g(j), ...i32c(16), op.i32Mul, op.i32Add, ...st(pp),
    ...g(pp), ...v.load(0), ...st(aLo0),
    ...g(pp), ...v.load(16), ...st(aHi0),
    ...g(pp), ...v.load(32), ...st(b0),
    ...g(pp), ...v.load(48), ...st(b1),
    ...g(M32), ...st(m0),
    ...g(M32), ...st(m1),
    ...g(xs), ...st(xp),
    op.block, 0x40,
    op.loop, 0x40,
    ...g(xp), ...g(xend), op.i32GeU, op.brIf, 1,
    ...g(xp), op.i32Load, 2, 0, ...v.i32splat, ...st(xv),
    ...lane(v.extmulLowU, b0, m0),
    ...lane(v.extmulHighU, b1, m1),
    ...g(xp), ...i32c(4), op.i32Add, ...st(xp),
    op.br, 0,
    op.end, op.end,
    ...storeLanes(m0, 0),
    ...storeLanes(m1, 2),
    ...g(j), ...i32c(4), op.i32Add, ...st(j),
    op.br, 0,
    op.end, op.end,
    op.end
  ]
  void [s, x64]
  const locals = enc.vec([[...enc.u32(5), I32], [...enc.u32(1), I64], [...enc.u32(13), V128]])
  const body = [...locals, ...code]
  return [...enc.u32(body.length), ...body]
}

/** The whole module: one exported memory `mem` and the exported functions `minhash` (scalar) and `minhash4` (SIMD). */
export const kernelModuleBytes = (withSimd: boolean): Uint8Array => {
  const type = enc.section(1, enc.vec([[0x60, ...enc.vec([[I32], [I32], [I32], [I32], [I32]]), 0x00]]))
  const func = enc.section(3, enc.vec(withSimd ? [[0], [0]] : [[0]]))
  const memory = enc.section(5, enc.vec([[0x00, ...enc.u32(2)]]))
  const exported = [[...enc.name("mem"), 0x02, 0], [...enc.name("minhash"), 0x00, 0]]
  if (withSimd) exported.push([...enc.name("minhash4"), 0x00, 1])
  const exports = enc.section(7, enc.vec(exported))
  const code = enc.section(10, enc.vec(withSimd ? [kernelBody(), simdKernelBody()] : [kernelBody()]))
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...func, ...memory, ...exports, ...code])
}

let simdSupported: boolean | undefined

/** Does this engine run WebAssembly SIMD (checked once by validating the module)? */
export const hasSimd = (): boolean => (simdSupported ??= wasmApi.validate(kernelModuleBytes(true)))

/** An instantiated kernel with helpers to place inputs in its memory. */
export class WasmKernel {
  private readonly memory: WasmMemory
  private readonly fn: (n: number, nPerm: number, xs: number, params: number, out: number) => void
  private readonly numPerm: number
  /** Permutations the kernel computes: `numPerm` rounded up to a multiple of 4 for the SIMD kernel. */
  private readonly padded: number
  private readonly paramsAt = 0
  private readonly outAt: number
  private readonly xsAt: number
  private u32: Uint32Array
  readonly simd: boolean

  constructor(a: ReadonlyArray<bigint>, b: ReadonlyArray<bigint>, options: { readonly simd?: boolean | undefined } = {}) {
    this.simd = options.simd ?? hasSimd()
    const instance = new wasmApi.Instance(new wasmApi.Module(kernelModuleBytes(this.simd)), {})
    this.memory = instance.exports.mem as WasmMemory
    this.fn = (this.simd ? instance.exports.minhash4 : instance.exports.minhash) as WasmKernel["fn"]
    this.numPerm = a.length
    this.padded = this.simd ? Math.ceil(this.numPerm / 4) * 4 : this.numPerm
    this.outAt = this.paramsAt + 24 * this.padded
    const end = this.outAt + 4 * this.padded
    this.xsAt = end + 64 - (end % 64)
    this.u32 = new Uint32Array(this.memory.buffer)
    this.ensure(this.xsAt + 4 * 4096)
    const view = new DataView(this.memory.buffer)
    for (let j = 0; j < this.padded; j++) {
      const aj = j < this.numPerm ? a[j]! : 1n
      const bj = j < this.numPerm ? b[j]! : 0n
      if (this.simd) {
        // per group of 4 permutations: aLo as u32x4, aHi as u32x4, b as 4 x u64
        const group = this.paramsAt + 64 * (j >> 2)
        const k = j & 3
        view.setUint32(group + 4 * k, Number(aj & 0xffffffffn), true)
        view.setUint32(group + 16 + 4 * k, Number(aj >> 32n), true)
        view.setBigUint64(group + 32 + 8 * k, bj, true)
      } else {
        // per permutation: aLo, aHi, b as u64
        view.setBigUint64(this.paramsAt + 24 * j, aj & 0xffffffffn, true)
        view.setBigUint64(this.paramsAt + 24 * j + 8, aj >> 32n, true)
        view.setBigUint64(this.paramsAt + 24 * j + 16, bj, true)
      }
    }
  }

  private ensure(bytes: number) {
    const have = this.memory.buffer.byteLength
    if (have < bytes) this.memory.grow(Math.ceil((bytes - have) / 65536))
    if (this.u32.buffer !== this.memory.buffer) this.u32 = new Uint32Array(this.memory.buffer)
  }

  /** Signature of `hashes` into `out` (length `numPerm`). */
  signature(hashes: ArrayLike<number>, out: Uint32Array): void {
    const n = hashes.length
    this.ensure(this.xsAt + 4 * n)
    const u32 = this.u32
    const base = this.xsAt >>> 2
    if (hashes instanceof Uint32Array) u32.set(hashes, base)
    else for (let i = 0; i < n; i++) u32[base + i] = hashes[i]! >>> 0
    this.fn(n, this.padded, this.xsAt, this.paramsAt, this.outAt)
    out.set(u32.subarray(this.outAt >>> 2, (this.outAt >>> 2) + this.numPerm))
  }
}
