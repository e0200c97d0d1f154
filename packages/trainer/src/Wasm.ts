/**
 * The CPU compute core: tensors live in one WebAssembly linear memory (an {@link Arena}), and the
 * matrix products run as a SIMD (f32x4, fused multiply-add) register-blocked kernel over packed
 * panels, in the manner of BLIS: B is packed in blocks of `KC x NC`, A in blocks of `MC x KC`, and
 * a 6x8 micro-kernel sweeps them.
 *
 * ```ts
 * import { Wasm } from "@pretrain/trainer"
 * const arena = Wasm.Arena.make()
 * const a = arena.alloc(6 * 4), b = arena.alloc(4 * 8), c = arena.alloc(6 * 8)
 * a.data.fill(1); b.data.fill(2)
 * arena.gemm(6, 8, 4, Wasm.rowMajor(a, 4), Wasm.rowMajor(b, 8), Wasm.out(c, 8), false)
 * // c.data is all 8
 * ```
 *
 * @since 0.1.0
 */
import wabtInit from "wabt"
import { kernelsWat, MR, NR } from "./internal/kernels.wat.ts"
import { wasm, type WasmMemory, type WasmModule } from "./internal/wasmApi.ts"

interface KernelExports {
  readonly pack_a: (src: number, panelStride: number, kStride: number, rows: number, k: number, dst: number) => void
  readonly pack_b: (src: number, panelStride: number, kStride: number, rows: number, k: number, dst: number) => void
  readonly kernel: (ap: number, bp: number, k: number, c: number, ldc: number, acc: number) => void
  readonly exp_affine_sum: (ptr: number, n4: number, a: number, b: number) => number
  readonly gelu_forward: (out: number, th: number, inp: number, n4: number) => void
  readonly silu_mul: (out: number, sig: number, g: number, u: number, n4: number) => void
}

const assemble = async (): Promise<WasmModule> => {
  const wabt = await wabtInit()
  const parsed = wabt.parseWat("kernels.wat", kernelsWat, { simd: true, relaxed_simd: true })
  try {
    parsed.resolveNames()
    parsed.validate()
    return new wasm.Module(parsed.toBinary({}).buffer)
  } finally {
    parsed.destroy()
  }
}

/** The compiled kernel module, shared by every arena of the process. */
const kernelModule: WasmModule = await assemble()

/** Blocking of the packed product (floats): K block, M block (multiple of 6), N block (multiple of 8). */
const KC = 256
const MC = 96
const NC = 2048

const PAGE = 65536

/**
 * A tensor in an arena: a byte offset and a length in floats. `data` is a view over the arena's
 * memory, refreshed when the memory has grown (growing detaches the old views).
 *
 * @since 0.1.0 @category models
 */
export class Tensor {
  private view: Float32Array | undefined
  readonly arena: Arena
  readonly ptr: number
  readonly size: number
  constructor(arena: Arena, ptr: number, size: number) {
    this.arena = arena
    this.ptr = ptr
    this.size = size
  }
  /** A view of the tensor's floats, valid until the arena grows. */
  get data(): Float32Array {
    const buffer = this.arena.memory.buffer
    if (this.view === undefined || this.view.buffer !== buffer) this.view = new Float32Array(buffer, this.ptr, this.size)
    return this.view
  }
  /** A sub-tensor of `size` floats starting `offset` floats in. */
  slice(offset: number, size: number): Tensor {
    return new Tensor(this.arena, this.ptr + offset * 4, size)
  }
}

/**
 * A matrix operand: element (i, j) is the float at byte `ptr + i*rs + j*cs` (byte strides), so
 * row-major, transposed and strided sub-matrices (one head of a fused QKV) are all operands.
 *
 * @since 0.1.0 @category models
 */
export interface Operand {
  readonly ptr: number
  readonly rs: number
  readonly cs: number
}

/** Output of a product: rows `ldc` bytes apart, contiguous columns. @since 0.1.0 @category models */
export interface Output {
  readonly ptr: number
  readonly ldc: number
}

/** A row-major `[rows, cols]` matrix starting `offset` floats into `t`. @since 0.1.0 @category constructors */
export const rowMajor = (t: Tensor | number, cols: number, offset = 0): Operand => ({ ptr: ptrOf(t) + offset * 4, rs: cols * 4, cs: 4 })
/** The transpose of a row-major `[rows, cols]` matrix (so it reads as `[cols, rows]`). @since 0.1.0 @category constructors */
export const transposed = (t: Tensor | number, cols: number, offset = 0): Operand => ({ ptr: ptrOf(t) + offset * 4, rs: 4, cs: cols * 4 })
/** An output with rows `cols` floats apart. @since 0.1.0 @category constructors */
export const out = (t: Tensor | number, cols: number, offset = 0): Output => ({ ptr: ptrOf(t) + offset * 4, ldc: cols * 4 })

const ptrOf = (t: Tensor | number): number => (typeof t === "number" ? t : t.ptr)

/**
 * One WebAssembly memory holding tensors (bump allocated, 64-byte aligned) and the packing buffers
 * of the matrix product. Not thread-safe; one arena per model.
 *
 * @since 0.1.0 @category models
 */
export class Arena {
  readonly memory: WasmMemory
  private readonly kernels: KernelExports
  private top: number
  private readonly packA: number
  private readonly packB: number
  private readonly edge: number
  private f32View: Float32Array

  private constructor(initialBytes: number) {
    this.memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)), maximum: 65536 })
    const instance = new wasm.Instance(kernelModule, { env: { memory: this.memory } })
    this.kernels = instance.exports as unknown as KernelExports
    this.top = 64
    this.f32View = new Float32Array(this.memory.buffer)
    this.packA = this.allocBytes(MC * KC * 4)
    this.packB = this.allocBytes((NC + NR) * KC * 4)
    this.edge = this.allocBytes(MR * NR * 4)
  }

  /** An arena, optionally reserving `bytes` up front (it grows on demand). @since 0.1.0 */
  static make(bytes = 0): Arena {
    return new Arena(bytes + (MC * KC + (NC + NR) * KC + MR * NR) * 4 + 4096)
  }

  /** Bytes allocated so far. */
  get allocated(): number {
    return this.top
  }

  /** A view of the whole memory as floats (index = byte offset / 4), refreshed after growth. */
  get f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.f32View = new Float32Array(this.memory.buffer)
    return this.f32View
  }

  private allocBytes(bytes: number): number {
    const ptr = this.top
    const end = ptr + Math.ceil(bytes / 64) * 64
    const have = this.memory.buffer.byteLength
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE))
    this.top = end
    return ptr
  }

  /** A zeroed tensor of `size` floats. */
  alloc(size: number): Tensor {
    const t = new Tensor(this, this.allocBytes(size * 4), size)
    t.data.fill(0)
    return t
  }

  /**
   * `C (M x N) (+)= A (M x K) · B (K x N)` with any strides on A and B. With `accumulate` false,
   * C is overwritten.
   */
  gemm(M: number, N: number, K: number, a: Operand, b: Operand, c: Output, accumulate: boolean): void {
    if (M <= 0 || N <= 0) return
    if (K <= 0) {
      if (!accumulate) for (let i = 0; i < M; i++) this.f32.fill(0, (c.ptr + i * c.ldc) >> 2, ((c.ptr + i * c.ldc) >> 2) + N)
      return
    }
    const { kernel, pack_a, pack_b } = this.kernels
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc)
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc)
        const acc = accumulate || pc > 0 ? 1 : 0
        pack_b(b.ptr + pc * b.rs + jc * b.cs, b.cs, b.rs, nc, kc, this.packB)
        for (let ic = 0; ic < M; ic += MC) {
          const mc = Math.min(MC, M - ic)
          pack_a(a.ptr + ic * a.rs + pc * a.cs, a.rs, a.cs, mc, kc, this.packA)
          for (let jr = 0; jr < nc; jr += NR) {
            const bp = this.packB + jr * kc * 4
            const nr = Math.min(NR, nc - jr)
            for (let ir = 0; ir < mc; ir += MR) {
              const ap = this.packA + ir * kc * 4
              const cptr = c.ptr + (ic + ir) * c.ldc + (jc + jr) * 4
              const mr = Math.min(MR, mc - ir)
              if (mr === MR && nr === NR) kernel(ap, bp, kc, cptr, c.ldc, acc)
              else this.edgeTile(ap, bp, kc, cptr, c.ldc, acc, mr, nr)
            }
          }
        }
      }
    }
  }

  /**
   * `x[i] = exp(a·x[i] + b)` in place over `n` floats at byte `ptr` (SIMD, relative error about
   * 1e-7); returns their sum.
   */
  expAffineSum(ptr: number, n: number, a: number, b: number): number {
    const n4 = n >> 2
    let sum = n4 > 0 ? this.kernels.exp_affine_sum(ptr, n4, a, b) : 0
    const f = this.f32
    for (let i = (ptr >> 2) + n4 * 4; i < (ptr >> 2) + n; i++) {
      const e = Math.exp(a * f[i]! + b)
      f[i] = e
      sum += e
    }
    return sum
  }

  /** GELU (tanh form) of `n` floats: `out`, and the tanh term in `th` (for the backward). */
  geluForward(out: Tensor, th: Tensor, inp: Tensor, n: number): void {
    const n4 = n >> 2
    this.kernels.gelu_forward(out.ptr, th.ptr, inp.ptr, n4)
    const o = out.data
    const t = th.data
    const x = inp.data
    for (let i = n4 * 4; i < n; i++) {
      const v = x[i]!
      const tt = 1 - 2 / (Math.exp(1.5957691216057308 * (v + 0.044715 * v * v * v)) + 1)
      t[i] = tt
      o[i] = 0.5 * v * (1 + tt)
    }
  }

  /**
   * SwiGLU over N rows of `[gate | up]` (width 2F): `out[n, f] = silu(gate) · up`, and the gate's
   * sigmoid in `sig` (`[N, F]`, for the backward).
   */
  swigluForward(out: Tensor, sig: Tensor, h: Tensor, N: number, F: number): void {
    const n4 = F >> 2
    const f = this.f32
    for (let n = 0; n < N; n++) {
      const g = h.ptr + n * 2 * F * 4
      const o = out.ptr + n * F * 4
      const s = sig.ptr + n * F * 4
      if (n4 > 0) this.kernels.silu_mul(o, s, g, g + F * 4, n4)
      for (let i = n4 * 4; i < F; i++) {
        const x = f[(g >> 2) + i]!
        const si = 1 / (1 + Math.exp(-x))
        f[(s >> 2) + i] = si
        f[(o >> 2) + i] = x * si * f[(g >> 2) + F + i]!
      }
    }
  }

  /** A partial tile: computed into a scratch 6x8 tile, then the valid part is stored or added. */
  private edgeTile(ap: number, bp: number, kc: number, cptr: number, ldc: number, acc: number, mr: number, nr: number): void {
    this.kernels.kernel(ap, bp, kc, this.edge, NR * 4, 0)
    const f = this.f32
    const e = this.edge >> 2
    for (let i = 0; i < mr; i++) {
      const row = (cptr + i * ldc) >> 2
      for (let j = 0; j < nr; j++) f[row + j] = acc ? f[row + j]! + f[e + i * NR + j]! : f[e + i * NR + j]!
    }
  }
}
