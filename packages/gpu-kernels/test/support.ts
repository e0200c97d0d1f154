/**
 * Shared test support: a device acquired in `beforeAll` (Dawn's vitest HandleScope issue) and
 * released in `afterAll`; GPU tests skip with an install hint when there is no adapter, and fail
 * instead under REQUIRE_WEBGPU=1.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Attention, Batch, Gpu, Reference, Tensor } from "../src/index.ts"

type Ctx = Gpu.GpuContext

/** Registers beforeAll/afterAll hooks and returns a `gpuIt(name, fn)` for GPU tests. */
export const useGpu = () => {
  const state: { gpu?: Ctx; close?: () => void; reason: string } = { reason: "" }
  beforeAll(async () => {
    try {
      const r = await Gpu.request()
      state.gpu = r.gpu
      state.close = r.close
    } catch (e) {
      if (process.env.REQUIRE_WEBGPU === "1") throw e
      state.reason = e instanceof Error ? e.message : String(e)
      console.warn(`skipping GPU tests: ${state.reason}`)
    }
  })
  afterAll(() => state.close?.())
  return (name: string, fn: (gpu: Ctx) => Promise<void>) =>
    it(name, async (ctx) => {
      if (state.gpu === undefined) {
        ctx.skip(state.reason)
        return
      }
      await fn(state.gpu)
    })
}

/** Runs an Effect, rejecting with its typed error. */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Records `fn` into one batch on `gpu`, submits it and waits for the GPU (see `Batch.run`). */
export const submit = <A>(gpu: Ctx, fn: (batch: Batch.CommandBatch) => A): Promise<A> => run(Batch.run(gpu, fn))

/** Reads `t` back from the GPU and asserts it is close to `expected` (see {@link expectClose}). */
export const expectTensorClose = async (
  t: Tensor.Tensor,
  expected: ArrayLike<number>,
  atol: number,
  rtol = atol
): Promise<void> => expectClose(await run(Tensor.read(t)), expected, atol, rtol)

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export const random = (n: number, seed: number, lo = -1, hi = 1): Float32Array => {
  let s = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296)
  }
  return out
}

/** Random integers in [0, max). */
export const randomInts = (n: number, seed: number, max: number): Uint32Array =>
  Uint32Array.from(random(n, seed, 0, 1), (x) => Math.min(max - 1, Math.floor(x * max)))

/** Asserts |actual - expected| <= atol + rtol * |expected| elementwise, reporting the worst element. */
export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = atol): void => {
  expect(actual.length).toBe(expected.length)
  let worst = -1
  let worstExcess = 0
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e))
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i
      worstExcess = excess
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`)
  }
}

/**
 * Central finite differences of a scalar loss `f` with respect to each of `indices` of `x`,
 * computed in float64 via a copy (the references take Float32Array, so steps are f32-rounded).
 */
export const finiteDiff = (x: Float32Array, indices: ReadonlyArray<number>, f: () => number, h = 1e-2): Array<number> =>
  indices.map((i) => {
    const orig = x[i]!
    x[i] = orig + h
    const up = f()
    const hUp = x[i]! - orig
    x[i] = orig - h
    const down = f()
    const hDown = orig - x[i]!
    x[i] = orig
    return (up - down) / (hUp + hDown)
  })

/** sum(w * y), the scalar loss used in gradient checks. */
export const dotLoss = (y: Float32Array, w: Float32Array): number => {
  let s = 0
  for (let i = 0; i < y.length; i++) s += y[i]! * w[i]!
  return s
}

/**
 * Runs flash attention forward and backward on `gpu` over `rows` rows of `[T, D]` (inputs from fixed
 * seeds) and asserts both match the CPU reference; with document masks when `mask` is given
 * (`segStart` of `[rows / heads, T]`).
 */
export const expectAttentionMatchesReference = async (
  gpu: Ctx,
  rows: number,
  T: number,
  D: number,
  mask?: { readonly segStart: Int32Array; readonly heads: number }
): Promise<void> => {
  const n = rows * T * D
  const [q, k, v, dout] = [random(n, 1, -2, 2), random(n, 2, -2, 2), random(n, 3), random(n, 4)]
  const scale = Attention.defaultScale(D)
  const out = new Float32Array(n)
  const lse = new Float32Array(rows * T)
  Reference.attentionForward(out, lse, q, k, v, rows, T, D, scale, mask)
  const [dq, dk, dv] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)]
  Reference.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, rows, T, D, scale, mask)
  const shape = [rows, T, D]
  const t = {
    q: Tensor.fromArray(gpu, q, shape),
    k: Tensor.fromArray(gpu, k, shape),
    v: Tensor.fromArray(gpu, v, shape),
    out: Tensor.zeros(gpu, shape),
    lse: Tensor.zeros(gpu, [rows, T])
  }
  const g = { dq: Tensor.zeros(gpu, shape), dk: Tensor.zeros(gpu, shape), dv: Tensor.zeros(gpu, shape) }
  const options = mask === undefined ? {} : { segStart: Tensor.fromArray(gpu, mask.segStart, [rows / mask.heads, T]), heads: mask.heads }
  await submit(gpu, (b) => {
    Attention.forward(b, t.out, t.lse, t, T, D, options)
    Attention.backward(b, g, Tensor.fromArray(gpu, dout, shape), t, T, D, options)
  })
  await expectTensorClose(t.out, out, 1e-5, 1e-4)
  await expectTensorClose(t.lse, lse, 1e-5, 1e-5)
  await expectTensorClose(g.dq, dq, 1e-5, 1e-3)
  await expectTensorClose(g.dk, dk, 1e-5, 1e-3)
  await expectTensorClose(g.dv, dv, 1e-5, 1e-3)
}
