/**
 * Copies of plain data whose typed arrays live in `SharedArrayBuffer`s: sent to worker threads,
 * such data is shared, not copied, so several workers read one copy of a tokenizer's tables (less
 * memory, and one copy in the CPU's shared cache instead of one per worker). Only for data that
 * nobody writes afterwards.
 */
type Typed = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float64Array

const isTyped = (u: unknown): u is Typed => ArrayBuffer.isView(u) && !(u instanceof DataView)

/** `value` with every typed array inside plain objects (not arrays of strings) moved to shared memory. */
export const shareTypedArrays = <T>(value: T): T => {
  if (isTyped(value)) {
    const Ctor = value.constructor as new (buffer: SharedArrayBuffer) => Typed
    const copy = new Ctor(new SharedArrayBuffer(value.byteLength))
    copy.set(value as never)
    return copy as T
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = shareTypedArrays(v)
  return out as T
}
