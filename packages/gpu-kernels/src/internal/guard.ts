import { Effect } from "effect"
import { DeviceLost, GpuError, type GpuErrorKind, ShapeError } from "../Errors.ts"
import type { GpuContext } from "../Gpu.ts"

const SCOPES: ReadonlyArray<GpuErrorKind> = ["validation", "out-of-memory", "internal"]

const kindOf = (e: GPUError, fallback: GpuErrorKind): GpuErrorKind => {
  const name = e.constructor?.name ?? ""
  return name.includes("Validation") ? "validation" : name.includes("OutOfMemory") ? "out-of-memory" : name.includes("Internal") ? "internal" : fallback
}

/** Fails when the device is lost or destroyed. */
export const checkAlive = (gpu: GpuContext): void => {
  if (gpu.lost !== undefined) throw gpu.lost
  if (gpu.isDestroyed) throw new DeviceLost({ reason: "destroyed", detail: "the device was destroyed (its scope closed)" })
}

/** Resolves when the queue's submitted work is done; rejects with DeviceLost if the device is lost first. */
export const workDone = (gpu: GpuContext): Promise<void> =>
  Promise.race([
    gpu.device.queue.onSubmittedWorkDone(),
    gpu.device.lost.then((info) => {
      throw new DeviceLost({ reason: info.reason, detail: info.message })
    })
  ])

/**
 * Runs `body` inside validation, out-of-memory and internal error scopes and turns whatever they
 * catch, device loss, and thrown typed errors into the Effect's failure channel.
 */
export const guarded = <A>(
  gpu: GpuContext,
  during: string,
  body: () => Promise<A>
): Effect.Effect<A, GpuError | DeviceLost | ShapeError> =>
  Effect.tryPromise({
    try: async () => {
      checkAlive(gpu)
      const device = gpu.device
      for (const s of SCOPES) device.pushErrorScope(s)
      let result: A
      try {
        result = await body()
      } finally {
        const errors: Array<GpuError> = []
        for (let i = SCOPES.length - 1; i >= 0; i--) {
          const e = await device.popErrorScope()
          if (e !== null) errors.push(new GpuError({ kind: kindOf(e, SCOPES[i]!), detail: e.message, during }))
        }
        if (errors.length > 0 && gpu.lost === undefined) throw errors[errors.length - 1]!
      }
      checkAlive(gpu)
      return result
    },
    catch: (e) =>
      e instanceof GpuError || e instanceof DeviceLost || e instanceof ShapeError
        ? e
        : gpu.lost ?? new GpuError({ kind: "internal", detail: String(e), during })
  })
