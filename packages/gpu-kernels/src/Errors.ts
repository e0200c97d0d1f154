/**
 * Typed errors of the GPU layer: no adapter, errors caught by WebGPU error scopes, device loss, and
 * kernel arguments with the wrong shape or dtype.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** What to install when no adapter is found (shown in messages and test skips). @since 0.1.0 */
export const INSTALL_HINT =
  "install a Vulkan driver (Debian 12: run packages/gpu-kernels/scripts/install-lavapipe.sh as root, " +
  "which installs mesa-vulkan-drivers and libvulkan1 from bookworm-backports) or run on a machine with a GPU"

/**
 * No WebGPU implementation or no adapter: `navigator.gpu` absent and the `webgpu` package not
 * loadable, or `requestAdapter()` returned null. Callers fall back to the CPU references.
 *
 * @since 0.1.0
 */
export class GpuUnavailable extends Data.TaggedError("GpuUnavailable")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return `no WebGPU adapter (${this.reason}): ${INSTALL_HINT}`
  }
}

/** The kind of a WebGPU error scope. @since 0.1.0 */
export type GpuErrorKind = "validation" | "out-of-memory" | "internal"

/**
 * An error reported by a WebGPU error scope around pipeline creation or a submission.
 *
 * @since 0.1.0
 */
export class GpuError extends Data.TaggedError("GpuError")<{
  readonly kind: GpuErrorKind
  readonly detail: string
  /** What was being done: a kernel name or "read", "upload". */
  readonly during: string
}> {
  override get message() {
    return `WebGPU ${this.kind} error during ${this.during}: ${this.detail}`
  }
}

/**
 * The device was lost (driver reset, out of memory, or destroyed while work was pending).
 *
 * @since 0.1.0
 */
export class DeviceLost extends Data.TaggedError("DeviceLost")<{
  readonly reason: string
  readonly detail: string
}> {
  override get message() {
    return `WebGPU device lost (${this.reason}): ${this.detail}`
  }
}

/**
 * A kernel was given tensors whose shapes or dtypes do not fit together.
 *
 * @since 0.1.0
 */
export class ShapeError extends Data.TaggedError("ShapeError")<{
  readonly op: string
  readonly detail: string
}> {
  override get message() {
    return `${this.op}: ${this.detail}`
  }
}
