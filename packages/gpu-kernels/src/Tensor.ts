/**
 * Tensors: GPU storage buffers with a shape and a dtype (`f32`, `i32`, `u32`), row-major.
 * Created zero-filled or from a typed array; read back with {@link read} (an Effect). A
 * {@link view} is a tensor over a range of another tensor's buffer (parameters, gradients and
 * optimizer moments of a whole model in one buffer each).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { DeviceLost, GpuError } from "./Errors.ts"
import { ShapeError } from "./Errors.ts"
import type { GpuContext } from "./Gpu.ts"
import { BufferUsage, MapMode } from "./internal/flags.ts"
import { guarded } from "./internal/guard.ts"

/** Element types. @since 0.1.0 @category models */
export type DType = "f32" | "i32" | "u32"

/** The typed array of a dtype. @since 0.1.0 @category models */
export type ArrayOf<D extends DType> = D extends "f32" ? Float32Array : D extends "i32" ? Int32Array : Uint32Array

/** Any typed array a tensor can be made from. @since 0.1.0 @category models */
export type Data = Float32Array | Int32Array | Uint32Array

const dtypeOf = (data: Data): DType => (data instanceof Float32Array ? "f32" : data instanceof Int32Array ? "i32" : "u32")

/** Number of elements of a shape. @since 0.1.0 @category utils */
export const numel = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

/**
 * A GPU buffer with a shape and dtype. The buffer is `STORAGE | COPY_SRC | COPY_DST`, its byte size
 * rounded up to a multiple of 4 (at least 4).
 *
 * @since 0.1.0 @category models
 */
export class Tensor<D extends DType = DType> {
  readonly gpu: GpuContext
  readonly buffer: GPUBuffer
  readonly shape: ReadonlyArray<number>
  readonly dtype: D
  /** Number of elements. */
  readonly size: number
  /** Byte offset of the first element in {@link buffer} (0 unless a {@link view}). */
  readonly byteOffset: number
  /** Whether this is a view into a buffer it does not own. */
  readonly isView: boolean

  constructor(gpu: GpuContext, buffer: GPUBuffer, shape: ReadonlyArray<number>, dtype: D, byteOffset = 0, isView = false) {
    this.gpu = gpu
    this.buffer = buffer
    this.shape = shape
    this.dtype = dtype
    this.size = numel(shape)
    this.byteOffset = byteOffset
    this.isView = isView
  }

  /** The binding of this tensor's range (at least 4 bytes). */
  get binding(): GPUBufferBinding {
    return { buffer: this.buffer, offset: this.byteOffset, size: Math.max(4, this.byteLength) }
  }

  /** Size in bytes of the elements (4 per element). */
  get byteLength(): number {
    return this.size * 4
  }

  /** Frees the buffer (idempotent); a view leaves its parent's buffer alone. */
  destroy(): void {
    if (!this.isView) this.buffer.destroy()
  }

  toString(): string {
    return `Tensor<${this.dtype}>[${this.shape.join(", ")}]`
  }
}

const allocate = (gpu: GpuContext, shape: ReadonlyArray<number>, mapped: boolean, label: string): GPUBuffer => {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError({ op: "Tensor", detail: `invalid shape [${shape.join(", ")}]` })
  }
  const bytes = Math.max(4, numel(shape) * 4)
  if (bytes > gpu.limits.maxStorageBufferBindingSize) {
    throw new ShapeError({
      op: "Tensor",
      detail: `[${shape.join(", ")}] needs ${bytes} bytes, over the device's maxStorageBufferBindingSize ${gpu.limits.maxStorageBufferBindingSize}`
    })
  }
  return gpu.device.createBuffer({
    label,
    size: bytes,
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    mappedAtCreation: mapped
  })
}

/**
 * A zero-filled tensor. Throws {@link ShapeError} for a bad shape or one over the device limits.
 *
 * @since 0.1.0 @category constructors
 */
export const zeros = <D extends DType = "f32">(gpu: GpuContext, shape: ReadonlyArray<number>, dtype?: D, label = "tensor"): Tensor<D> =>
  new Tensor(gpu, allocate(gpu, shape, false, label), [...shape], (dtype ?? "f32") as D)

/**
 * A tensor holding a copy of `data` (shape defaults to `[data.length]`).
 *
 * @since 0.1.0 @category constructors
 */
export const fromArray = <A extends Data>(
  gpu: GpuContext,
  data: A,
  shape: ReadonlyArray<number> = [data.length],
  label = "tensor"
): Tensor<A extends Float32Array ? "f32" : A extends Int32Array ? "i32" : "u32"> => {
  if (numel(shape) !== data.length) {
    throw new ShapeError({ op: "Tensor.fromArray", detail: `shape [${shape.join(", ")}] does not hold ${data.length} elements` })
  }
  const buffer = allocate(gpu, shape, true, label)
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  buffer.unmap()
  return new Tensor(gpu, buffer, [...shape], dtypeOf(data)) as never
}

/**
 * Elements a view's offset must be a multiple of: the device's storage-buffer offset alignment
 * (256 bytes on most devices) over 4 bytes per element.
 *
 * @since 0.1.0 @category utils
 */
export const viewAlignment = (gpu: GpuContext): number => gpu.limits.minStorageBufferOffsetAlignment / 4

/**
 * A tensor over `numel(shape)` elements of `parent`'s buffer from element `offset` on, with the
 * parent's dtype (or `dtype`, also 4 bytes per element). Writes through the view change the parent.
 * Throws {@link ShapeError} when the range is outside the parent or the offset is not a multiple of
 * {@link viewAlignment} (a WebGPU binding rule).
 *
 * @since 0.1.0 @category constructors
 */
export const view = <D extends DType>(parent: Tensor<D>, offset: number, shape: ReadonlyArray<number>): Tensor<D> => {
  const size = numel(shape)
  const align = viewAlignment(parent.gpu)
  if (!Number.isInteger(offset) || offset < 0 || shape.some((d) => !Number.isInteger(d) || d < 0) || offset + size > parent.size) {
    throw new ShapeError({ op: "Tensor.view", detail: `[${shape.join(", ")}] at element ${offset} is outside ${parent}` })
  }
  if (offset % align !== 0) {
    throw new ShapeError({ op: "Tensor.view", detail: `offset ${offset} of a view into ${parent} is not a multiple of ${align} elements` })
  }
  return new Tensor(parent.gpu, parent.buffer, [...shape], parent.dtype, parent.byteOffset + offset * 4, true)
}

/**
 * Overwrites a tensor's contents from the CPU (queued; ordered before later submissions).
 *
 * @since 0.1.0 @category utils
 */
export const write = (tensor: Tensor, data: Data): void => {
  if (data.length !== tensor.size || dtypeOf(data) !== tensor.dtype) {
    throw new ShapeError({ op: "Tensor.write", detail: `${data.length} ${dtypeOf(data)} values into ${tensor}` })
  }
  tensor.gpu.device.queue.writeBuffer(tensor.buffer, tensor.byteOffset, data.buffer, data.byteOffset, data.byteLength)
}

const arrayOf = (dtype: DType, bytes: ArrayBuffer): Data =>
  dtype === "f32" ? new Float32Array(bytes) : dtype === "i32" ? new Int32Array(bytes) : new Uint32Array(bytes)

/**
 * Reads a tensor back to the CPU (waits for the queued work that writes it).
 *
 * @since 0.1.0 @category utils
 */
export const read = <D extends DType>(tensor: Tensor<D>): Effect.Effect<ArrayOf<D>, GpuError | DeviceLost | ShapeError> => {
  const gpu = tensor.gpu
  return guarded(gpu, `read ${tensor}`, async () => {
    const bytes = tensor.byteLength
    const staging = gpu.device.createBuffer({ label: "readback", size: Math.max(4, bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST })
    try {
      if (bytes > 0) {
        const encoder = gpu.device.createCommandEncoder()
        encoder.copyBufferToBuffer(tensor.buffer, tensor.byteOffset, staging, 0, bytes)
        gpu.device.queue.submit([encoder.finish()])
      }
      await staging.mapAsync(MapMode.READ)
      const copy = staging.getMappedRange(0, Math.max(4, bytes)).slice(0, bytes)
      staging.unmap()
      return arrayOf(tensor.dtype, copy) as ArrayOf<D>
    } finally {
      staging.destroy()
    }
  })
}
