/**
 * Command batching: kernels record their dispatches into a {@link CommandBatch}, and {@link run}
 * submits the whole batch once, inside WebGPU error scopes, then waits for it. A training step is
 * then one or a few submissions, not one per kernel.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Batch, Gelu, Gpu, Tensor } from "@pretrain/gpu-kernels"
 *
 * const program = Effect.gen(function*() {
 *   const gpu = yield* Gpu.Gpu
 *   const x = Tensor.fromArray(gpu, new Float32Array([-1, 0, 1]))
 *   const y = Tensor.zeros(gpu, [3])
 *   yield* Batch.run(gpu, (batch) => Gelu.forward(batch, y, x))
 *   return yield* Tensor.read(y)
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DeviceLost, GpuError } from "./Errors.ts"
import { ShapeError } from "./Errors.ts"
import type { GpuContext } from "./Gpu.ts"
import { BufferUsage } from "./internal/flags.ts"
import { guarded, workDone } from "./internal/guard.ts"
import * as Tensor from "./Tensor.ts"

/**
 * A compute kernel: WGSL with entry point `main`; binding 0 of group 0 is the uniform parameter
 * block (when the kernel has parameters), then one storage binding per tensor in order.
 *
 * @since 0.1.0 @category models
 */
export interface Kernel {
  readonly name: string
  readonly code: string
}

/** A 32-bit parameter: a number taken as `u32`, or `{ f32 }` / `{ i32 }`. @since 0.1.0 @category models */
export type Param = number | { readonly f32: number } | { readonly i32: number }

/** Workgroups for one invocation per element, 1D over up to 65535 x 65535 groups. @since 0.1.0 @category utils */
export const grid1d = (n: number, workgroupSize: number): readonly [number, number] => {
  const groups = Math.max(1, Math.ceil(n / workgroupSize))
  if (groups <= 65535) return [groups, 1]
  return [65535, Math.ceil(groups / 65535)]
}

/**
 * Records dispatches and copies into one command encoder. Obtained inside {@link run}.
 *
 * @since 0.1.0 @category models
 */
export class CommandBatch {
  readonly gpu: GpuContext
  readonly encoder: GPUCommandEncoder
  /** Dispatches recorded so far. */
  dispatches = 0
  private readonly temporaries: Array<GPUBuffer> = []
  /** Pipelines compiled for this batch (dropped from the cache if the batch fails). */
  readonly compiled: Array<string> = []

  constructor(gpu: GpuContext) {
    this.gpu = gpu
    this.encoder = gpu.device.createCommandEncoder()
  }

  private pipeline(kernel: Kernel): GPUComputePipeline {
    let p = this.gpu.pipelines.get(kernel.code)
    if (p === undefined) {
      const module = this.gpu.device.createShaderModule({ label: kernel.name, code: kernel.code })
      p = this.gpu.device.createComputePipeline({ label: kernel.name, layout: "auto", compute: { module, entryPoint: "main" } })
      this.gpu.pipelines.set(kernel.code, p)
      this.compiled.push(kernel.code)
    }
    return p
  }

  /** Records one dispatch of `kernel` over `groups` workgroups. */
  dispatch(
    kernel: Kernel,
    tensors: ReadonlyArray<Tensor.Tensor>,
    params: ReadonlyArray<Param>,
    groups: readonly [number, number?, number?]
  ): void {
    for (const t of tensors) {
      if (t.gpu !== this.gpu) throw new ShapeError({ op: kernel.name, detail: `${t} belongs to another device` })
    }
    const [x, y = 1, z = 1] = groups
    if (x === 0 || y === 0 || z === 0) return
    const entries: Array<GPUBindGroupEntry> = []
    if (params.length > 0) {
      const size = Math.ceil(params.length / 4) * 16
      const ub = this.gpu.device.createBuffer({ label: `${kernel.name} params`, size, usage: BufferUsage.UNIFORM, mappedAtCreation: true })
      const range = ub.getMappedRange()
      const u = new Uint32Array(range)
      const f = new Float32Array(range)
      const i32 = new Int32Array(range)
      params.forEach((p, k) => {
        if (typeof p === "number") u[k] = p >>> 0
        else if ("f32" in p) f[k] = p.f32
        else i32[k] = p.i32
      })
      ub.unmap()
      this.temporaries.push(ub)
      entries.push({ binding: 0, resource: { buffer: ub } })
    }
    tensors.forEach((t, k) => entries.push({ binding: k + 1, resource: t.binding }))
    const pipeline = this.pipeline(kernel)
    const bindGroup = this.gpu.device.createBindGroup({ label: kernel.name, layout: pipeline.getBindGroupLayout(0), entries })
    const pass = this.encoder.beginComputePass({ label: kernel.name })
    pass.setPipeline(pipeline)
    pass.setBindGroup(0, bindGroup)
    pass.dispatchWorkgroups(x, y, z)
    pass.end()
    this.dispatches++
  }

  /** Records a copy of `src` into `dst` (same size). */
  copy(src: Tensor.Tensor, dst: Tensor.Tensor): void {
    if (src.size !== dst.size) throw new ShapeError({ op: "copy", detail: `${src} into ${dst}` })
    if (src.size > 0) this.encoder.copyBufferToBuffer(src.buffer, src.byteOffset, dst.buffer, dst.byteOffset, src.byteLength)
  }

  /** Records zero-filling of a tensor (of a view: its range only). */
  clear(t: Tensor.Tensor): void {
    if (t.size > 0) this.encoder.clearBuffer(t.buffer, t.byteOffset, t.byteLength)
  }

  /** A temporary tensor freed once the batch's work is done. */
  scratch<D extends Tensor.DType = "f32">(shape: ReadonlyArray<number>, dtype?: D): Tensor.Tensor<D> {
    const t = Tensor.zeros(this.gpu, shape, dtype, "scratch")
    this.temporaries.push(t.buffer)
    return t
  }

  /** @internal */
  release(): void {
    for (const b of this.temporaries) b.destroy()
    this.temporaries.length = 0
  }
}

/**
 * Records what `record` adds to a fresh batch, submits it once and waits until the GPU is done.
 * Errors caught by error scopes become {@link GpuError}; loss becomes {@link DeviceLost}; a kernel
 * given mismatched tensors throws {@link ShapeError}, which lands in the failure channel too.
 *
 * @since 0.1.0 @category utils
 */
export const run = <A>(gpu: GpuContext, record: (batch: CommandBatch) => A): Effect.Effect<A, GpuError | DeviceLost | ShapeError> => {
  let batch: CommandBatch | undefined
  // a pipeline that failed to compile must not stay cached
  const forget = Effect.sync(() => batch?.compiled.forEach((code) => gpu.pipelines.delete(code)))
  return guarded(gpu, "batch", async () => {
    batch = new CommandBatch(gpu)
    try {
      const result = record(batch)
      gpu.device.queue.submit([batch.encoder.finish()])
      await workDone(gpu)
      return result
    } finally {
      batch.release()
    }
  }).pipe(Effect.tapError(() => forget))
}
