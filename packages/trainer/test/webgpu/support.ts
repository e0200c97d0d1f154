/**
 * A WebGPU device for the trainer's GPU tests, acquired in `beforeAll` and released in `afterAll`.
 * Without an adapter the tests skip, saying what to install; under REQUIRE_WEBGPU=1 they fail.
 */
import { Gpu } from "@pretrain/gpu-kernels"
import { afterAll, beforeAll, it } from "vitest"

/** Registers the hooks and returns `gpuIt(name, fn)` for tests that need a device. */
export const useGpu = () => {
  const state: { gpu?: Gpu.GpuContext; close?: () => void; reason: string } = { reason: "" }
  beforeAll(async () => {
    try {
      const r = await Gpu.request()
      state.gpu = r.gpu
      state.close = r.close
    } catch (e) {
      if (process.env.REQUIRE_WEBGPU === "1") throw e
      state.reason = e instanceof Error ? e.message : String(e)
      console.warn(`skipping WebGPU tests: ${state.reason}`)
    }
  })
  afterAll(() => state.close?.())
  return (name: string, fn: (gpu: Gpu.GpuContext) => Promise<void>) =>
    it(name, async (ctx) => {
      if (state.gpu === undefined) {
        ctx.skip(state.reason)
        return
      }
      await fn(state.gpu)
    })
}
