/**
 * The model's parameters, gradients and AdamW moments on the GPU: one buffer each, every parameter
 * tensor a view at an offset aligned to the device's binding alignment (so the layout differs from
 * the CPU model's dense one by padding, which stays zero), and the transfers between the two
 * layouts.
 *
 * @since 0.1.0
 */
import { Tensor } from "@pretrain/gpu-kernels"
import type { Gpu } from "@pretrain/gpu-kernels"
import type { Effect } from "effect"
import type { ParameterSpec } from "../Model.ts"

type GpuTensor = Tensor.Tensor<"f32">

/** Where a parameter lives in the padded GPU layout. @since 0.1.0 @category models */
export interface Placement {
  readonly spec: ParameterSpec
  /** Offset in the GPU buffer (floats), a multiple of the view alignment. */
  readonly offset: number
}

/** The padded layout of a list of parameter specs. @since 0.1.0 @category constructors */
export const layout = (specs: ReadonlyArray<ParameterSpec>, align: number): { readonly placements: ReadonlyArray<Placement>; readonly size: number } => {
  let offset = 0
  const placements = specs.map((spec) => {
    const p = { spec, offset }
    offset += Math.ceil(spec.size / align) * align
    return p
  })
  return { placements, size: Math.max(offset, 1) }
}

/** A flat buffer of the padded layout with one view per parameter. @since 0.1.0 @category models */
export class Flat {
  readonly tensor: GpuTensor
  readonly views: ReadonlyMap<string, GpuTensor>
  private readonly placements: ReadonlyArray<Placement>

  constructor(gpu: Gpu.GpuContext, placements: ReadonlyArray<Placement>, size: number, label: string) {
    this.tensor = Tensor.zeros(gpu, [size], "f32", label)
    this.placements = placements
    this.views = new Map(placements.map((p) => [p.spec.name, Tensor.view(this.tensor, p.offset, p.spec.shape)]))
  }

  /** The view of a named parameter. */
  get(name: string): GpuTensor {
    return this.views.get(name)!
  }

  /** The view of a named parameter, if the model has it. */
  find(name: string): GpuTensor | undefined {
    return this.views.get(name)
  }

  /** Uploads a dense CPU vector (parameter `spec.offset` order). */
  upload(dense: Float32Array): void {
    const padded = new Float32Array(this.tensor.size)
    for (const p of this.placements) padded.set(dense.subarray(p.spec.offset, p.spec.offset + p.spec.size), p.offset)
    Tensor.write(this.tensor, padded)
  }

  /** Copies a padded read-back into a dense CPU vector. */
  unpack(padded: Float32Array, dense: Float32Array): void {
    for (const p of this.placements) dense.set(padded.subarray(p.offset, p.offset + p.spec.size), p.spec.offset)
  }

  /** Reads the buffer back (padded; see {@link unpack}). */
  read(): Effect.Effect<Float32Array, unknown> {
    return Tensor.read(this.tensor)
  }

  destroy(): void {
    this.tensor.destroy()
  }
}
