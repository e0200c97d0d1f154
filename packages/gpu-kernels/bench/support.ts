/** Shared benchmark helpers: timing, deterministic data, a table printer. */
import { Effect } from "effect"
import { Batch, Gpu } from "../src/index.ts"

/** Deterministic values in [-1, 1). */
export const data = (n: number, seed: number): Float32Array => {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2147483648 - 1
  }
  return out
}

/** Seconds per call of a synchronous function: the best of `reps` after one warm-up. */
export const timeCpu = (f: () => unknown, reps = 3): number => {
  f()
  let best = Infinity
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    f()
    best = Math.min(best, (performance.now() - t0) / 1000)
  }
  return best
}

/**
 * Seconds per repetition of what `record` adds to a batch: one warm-up submission (compiles the
 * pipelines), then `reps` repetitions recorded into one submission, timed end to end (best of 3).
 */
export const timeGpu = async (gpu: Gpu.GpuContext, record: (batch: Batch.CommandBatch) => void, reps: number): Promise<number> => {
  await Effect.runPromise(Batch.run(gpu, record))
  let best = Infinity
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now()
    await Effect.runPromise(Batch.run(gpu, (b) => {
      for (let r = 0; r < reps; r++) record(b)
    }))
    best = Math.min(best, (performance.now() - t0) / 1000 / reps)
  }
  return best
}

/** Acquires the GPU or prints why not and returns undefined. */
export const acquire = async (): Promise<{ gpu: Gpu.GpuContext; close: () => void } | undefined> => {
  try {
    return await Gpu.request()
  } catch (e) {
    console.log(`no WebGPU adapter: ${e instanceof Error ? e.message : String(e)}; GPU figures skipped`)
    return undefined
  }
}

/** Prints rows as an aligned table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): void => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (r: ReadonlyArray<string>) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(line(header))
  for (const r of rows) console.log(line(r))
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : "-")

/** Scale factor for sizes, from BENCH_SCALE (default 1). */
export const SCALE = Number(process.env.BENCH_SCALE ?? "1")
