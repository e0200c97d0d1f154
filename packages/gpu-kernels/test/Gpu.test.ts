import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Batch, Errors, Gelu, Gpu, Tensor } from "../src/index.ts"
import { run, useGpu } from "./support.ts"

describe("Gpu", () => {
  const gpuIt = useGpu()

  gpuIt("reports the adapter, granted features and limits", async (gpu) => {
    expect(gpu.adapterName.length).toBeGreaterThan(0)
    for (const f of gpu.features) expect(Gpu.OPTIONAL_FEATURES).toContain(f)
    expect(gpu.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256)
    expect(gpu.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024)
  })

  gpuIt("round-trips tensors of every dtype, including empty ones", async (gpu) => {
    const f = Tensor.fromArray(gpu, new Float32Array([1.5, -2, 3]), [3])
    const i = Tensor.fromArray(gpu, new Int32Array([-7, 0, 2147483647]))
    const u = Tensor.fromArray(gpu, new Uint32Array([0xffffffff, 1]))
    const e = Tensor.zeros(gpu, [0])
    expect(Array.from(await run(Tensor.read(f)))).toEqual([1.5, -2, 3])
    expect(Array.from(await run(Tensor.read(i)))).toEqual([-7, 0, 2147483647])
    expect(Array.from(await run(Tensor.read(u)))).toEqual([0xffffffff, 1])
    expect((await run(Tensor.read(e))).length).toBe(0)
    Tensor.write(f, new Float32Array([4, 5, 6]))
    expect(Array.from(await run(Tensor.read(f)))).toEqual([4, 5, 6])
    for (const t of [f, i, u, e]) t.destroy()
  })

  gpuIt("runs many kernels in one submission", async (gpu) => {
    const x = Tensor.fromArray(gpu, new Float32Array([0.5]))
    const y = Tensor.zeros(gpu, [1])
    const dx = Tensor.zeros(gpu, [1])
    const dispatches = await run(
      Batch.run(gpu, (batch) => {
        Gelu.forward(batch, y, x)
        for (let k = 0; k < 10; k++) Gelu.backward(batch, dx, x, y)
        return batch.dispatches
      })
    )
    expect(dispatches).toBe(11)
    const [d] = await run(Tensor.read(dx))
    expect(d).toBeGreaterThan(0)
  })

  gpuIt("turns a WebGPU validation error into a typed GpuError", async (gpu) => {
    const bad: Batch.Kernel = { name: "broken", code: "@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }" }
    const t = Tensor.zeros(gpu, [1])
    const exit = await Effect.runPromiseExit(Batch.run(gpu, (batch) => batch.dispatch(bad, [t], [], [1])))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = await Effect.runPromise(Effect.flip(Batch.run(gpu, (batch) => batch.dispatch(bad, [t], [], [1]))))
    expect(error).toBeInstanceOf(Errors.GpuError)
    expect((error as Errors.GpuError).kind).toBe("validation")
    // the device still works afterwards
    const ok = Tensor.fromArray(gpu, new Float32Array([1]))
    expect(Array.from(await run(Tensor.read(ok)))).toEqual([1])
  })

  gpuIt("fails with ShapeError on mismatched tensors, before submitting", async (gpu) => {
    const x = Tensor.zeros(gpu, [3])
    const y = Tensor.zeros(gpu, [4])
    const error = await Effect.runPromise(Effect.flip(Batch.run(gpu, (batch) => Gelu.forward(batch, y, x))))
    expect(error._tag).toBe("ShapeError")
    const alias = await Effect.runPromise(Effect.flip(Batch.run(gpu, (batch) => Gelu.forward(batch, x, x))))
    expect(alias._tag).toBe("ShapeError")
  })

})

describe("Gpu device loss", () => {
  // a device of its own, requested in beforeAll (Dawn's vitest HandleScope issue), destroyed by the test
  const state: { gpu?: Gpu.GpuContext; close?: () => void; unknown?: Errors.GpuUnavailable; rejected?: unknown } = {}
  beforeAll(async () => {
    state.unknown = await Effect.runPromise(Effect.flip(Effect.scoped(Gpu.acquire({ adapter: "no-such-adapter" }))))
    state.rejected = await Gpu.request({ adapter: "no-such-adapter" }).then(() => undefined, (e: unknown) => e)
    try {
      const r = await Gpu.request({ features: [] })
      state.gpu = r.gpu
      state.close = r.close
    } catch (e) {
      if (process.env.REQUIRE_WEBGPU === "1") throw e
    }
  })
  afterAll(() => state.close?.())

  it("an unknown adapter name fails with GpuUnavailable and says what to install", () => {
    expect(state.unknown).toBeInstanceOf(Errors.GpuUnavailable)
    expect(state.unknown?.message).toMatch(/install a Vulkan driver/)
    // the Promise form rejects with the same typed error
    expect(state.rejected).toBeInstanceOf(Errors.GpuUnavailable)
  })

  it("a destroyed device fails every later call with DeviceLost; no optional features when none are asked for", async (ctx) => {
    const gpu = state.gpu
    if (gpu === undefined) return ctx.skip("no WebGPU adapter")
    expect(gpu.features.size).toBe(0)
    const t = Tensor.fromArray(gpu, new Float32Array([1, 2]))
    expect(Array.from(await run(Tensor.read(t)))).toEqual([1, 2])
    gpu.destroy()
    expect((await Effect.runPromise(Effect.flip(Tensor.read(t))))._tag).toBe("DeviceLost")
    const y = await Effect.runPromise(Effect.flip(Batch.run(gpu, () => undefined)))
    expect(y._tag).toBe("DeviceLost")
  })
})

describe("Gpu in a browser-like global", () => {
  // navigator.gpu is what a browser exposes; Dawn's GPU object stands in for it here
  const state: { gpu?: Gpu.GpuContext; close?: () => void; dawn?: unknown } = {}
  beforeAll(async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator")
    try {
      const { create } = await import("webgpu")
      state.dawn = create([])
      Object.defineProperty(globalThis, "navigator", { value: { gpu: state.dawn }, configurable: true, writable: true })
      const r = await Gpu.request()
      state.gpu = r.gpu
      state.close = r.close
    } catch (e) {
      if (process.env.REQUIRE_WEBGPU === "1") throw e
    } finally {
      if (saved !== undefined) Object.defineProperty(globalThis, "navigator", saved)
      else delete (globalThis as { navigator?: unknown }).navigator
    }
  })
  afterAll(() => {
    state.close?.()
    state.dawn = undefined
  })

  it("uses navigator.gpu when present", async (ctx) => {
    const gpu = state.gpu
    if (gpu === undefined) return ctx.skip("no WebGPU adapter")
    const x = Tensor.fromArray(gpu, new Float32Array([0]))
    const y = Tensor.zeros(gpu, [1])
    await run(Batch.run(gpu, (b) => Gelu.forward(b, y, x)))
    expect(Array.from(await run(Tensor.read(y)))).toEqual([0])
  })
})
