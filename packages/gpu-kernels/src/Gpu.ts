/**
 * The device layer: acquires a WebGPU adapter and device in Node (Dawn, through the `webgpu` npm
 * package, loaded lazily) or in the browser (`navigator.gpu`), requests the adapter's larger limits
 * and the optional features that are present (`shader-f16`, `subgroups`, `timestamp-query`),
 * watches for device loss and releases everything on scope close so a Node process can exit.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Gpu } from "@pretrain/gpu-kernels"
 *
 * const program = Effect.gen(function*() {
 *   const gpu = yield* Gpu.Gpu
 *   return gpu.adapterName
 * })
 * Effect.runPromise(Effect.scoped(program.pipe(Effect.provide(Gpu.layer()))))
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type * as Scope from "effect/Scope"
import { DeviceLost, GpuUnavailable } from "./Errors.ts"

/** Optional device features requested when the adapter has them. @since 0.1.0 */
export type OptionalFeature = "shader-f16" | "subgroups" | "timestamp-query"

/** @since 0.1.0 */
export const OPTIONAL_FEATURES: ReadonlyArray<OptionalFeature> = ["shader-f16", "subgroups", "timestamp-query"]

/** @since 0.1.0 @category models */
export interface Options {
  /**
   * Node only: pick the adapter whose name contains this substring (Dawn's `adapter=` option), for
   * example `"llvmpipe"`. Default: the `PRETRAIN_GPU_ADAPTER` environment variable, else Dawn's choice.
   */
  readonly adapter?: string | undefined
  /** Passed to `requestAdapter`. */
  readonly powerPreference?: "low-power" | "high-performance" | undefined
  /** Optional features to request when present; default all of {@link OPTIONAL_FEATURES}. */
  readonly features?: ReadonlyArray<OptionalFeature> | undefined
  /** Node only: extra Dawn options for `create()` (`"enable-dawn-features=..."`). */
  readonly dawnOptions?: ReadonlyArray<string> | undefined
}

/** The limits this package relies on, as granted to the device. @since 0.1.0 @category models */
export interface Limits {
  readonly maxStorageBufferBindingSize: number
  readonly maxBufferSize: number
  readonly maxComputeWorkgroupStorageSize: number
  readonly maxComputeInvocationsPerWorkgroup: number
  readonly maxComputeWorkgroupsPerDimension: number
  readonly maxStorageBuffersPerShaderStage: number
  /** Byte alignment of a storage binding's offset (see `Tensor.view`). */
  readonly minStorageBufferOffsetAlignment: number
}

const LIMIT_NAMES: ReadonlyArray<keyof Limits> = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
  "minStorageBufferOffsetAlignment"
]

/**
 * An acquired device with its adapter's description, granted features and limits, and a cache of
 * compiled pipelines. Obtained from {@link acquire} or the {@link Gpu} service.
 *
 * @since 0.1.0 @category models
 */
export class GpuContext {
  readonly device: GPUDevice
  /** Adapter description, e.g. "llvmpipe (LLVM 19.1.7, 256 bits)". */
  readonly adapterName: string
  /** Granted optional features. */
  readonly features: ReadonlySet<OptionalFeature>
  readonly limits: Limits
  /** Compiled compute pipelines by WGSL source. */
  readonly pipelines = new Map<string, GPUComputePipeline>()
  private lostInfo: DeviceLost | undefined = undefined
  private destroyed = false

  constructor(device: GPUDevice, adapterName: string, features: ReadonlySet<OptionalFeature>) {
    this.device = device
    this.adapterName = adapterName
    this.features = features
    const limits: Record<string, number> = {}
    for (const name of LIMIT_NAMES) limits[name] = Number(device.limits[name])
    this.limits = limits as unknown as Limits
    void device.lost.then((info) => {
      if (!this.destroyed) this.lostInfo = new DeviceLost({ reason: info.reason, detail: info.message })
    })
  }

  /** The loss of this device, once it happened (not set by {@link GpuContext.destroy}). */
  get lost(): DeviceLost | undefined {
    return this.lostInfo
  }

  /** Whether the device has been destroyed. */
  get isDestroyed(): boolean {
    return this.destroyed
  }

  /** Destroys the device (idempotent); buffers die with it. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.pipelines.clear()
    this.device.destroy()
  }
}

interface GpuEntry {
  readonly gpu: GPU
  readonly release: () => void
}

const loadGpu = async (options: Options): Promise<GpuEntry> => {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator
  if (nav?.gpu !== undefined) return { gpu: nav.gpu, release: () => {} }
  if (typeof process === "undefined" || process.versions?.node === undefined) {
    throw new GpuUnavailable({ reason: "this browser has no navigator.gpu" })
  }
  let mod: { create: (options: Array<string>) => GPU }
  try {
    mod = await import("webgpu")
  } catch (cause) {
    throw new GpuUnavailable({ reason: "the `webgpu` package (Dawn) cannot be loaded", cause })
  }
  const adapter = options.adapter ?? process.env.PRETRAIN_GPU_ADAPTER
  const dawn = [...(options.dawnOptions ?? [])]
  if (adapter !== undefined && adapter !== "") dawn.push(`adapter=${adapter}`)
  let gpu: GPU | undefined = mod.create(dawn)
  // Dawn keeps Node alive while the GPU object is referenced: drop it on release.
  return { gpu, release: () => (gpu = undefined) }
}

const requestDevice = async (options: Options): Promise<{ ctx: GpuContext; release: () => void }> => {
  const entry = await loadGpu(options)
  try {
    const adapter = await entry.gpu.requestAdapter(
      options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference }
    )
    if (adapter === null) throw new GpuUnavailable({ reason: "requestAdapter() returned null" })
    const wanted = options.features ?? OPTIONAL_FEATURES
    const features = wanted.filter((f) => adapter.features.has(f))
    const requiredLimits: Record<string, number> = {}
    for (const name of LIMIT_NAMES) requiredLimits[name] = Number(adapter.limits[name])
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits })
    const info = adapter.info
    const name = [info.description, info.device, info.vendor, info.architecture].find((s) => s !== "") ?? "unknown adapter"
    return { ctx: new GpuContext(device, name, new Set(features)), release: entry.release }
  } catch (e) {
    entry.release()
    throw e
  }
}

const unavailable = (cause: unknown): GpuUnavailable =>
  cause instanceof GpuUnavailable ? cause : new GpuUnavailable({ reason: `requestDevice failed: ${String(cause)}`, cause })

/**
 * Acquires a device for the life of the scope; on close the device is destroyed and the GPU object
 * dropped (Node then exits normally).
 *
 * @since 0.1.0 @category constructors
 */
export const acquire = (options: Options = {}): Effect.Effect<GpuContext, GpuUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => requestDevice(options),
      catch: unavailable
    }),
    ({ ctx, release }) =>
      Effect.sync(() => {
        ctx.destroy()
        release()
      })
  ).pipe(Effect.map(({ ctx }) => ctx))

/**
 * Promise form of {@link acquire} for code without Effect: resolves to the context and a `close`
 * function (call it when done), or rejects with {@link GpuUnavailable}.
 *
 * @since 0.1.0 @category constructors
 */
export const request = async (options: Options = {}): Promise<{ readonly gpu: GpuContext; readonly close: () => void }> => {
  const { ctx, release } = await requestDevice(options).catch((cause: unknown) => {
    throw unavailable(cause)
  })
  return {
    gpu: ctx,
    close: () => {
      ctx.destroy()
      release()
    }
  }
}

/**
 * The GPU service: one device shared by the kernels of a program.
 *
 * @since 0.1.0 @category services
 */
export class Gpu extends Context.Service<Gpu, GpuContext>()("@pretrain/gpu-kernels/Gpu") {}

/**
 * A layer providing {@link Gpu}; fails with {@link GpuUnavailable} when there is no adapter.
 *
 * @since 0.1.0 @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Gpu, GpuUnavailable> => Layer.effect(Gpu, acquire(options))
