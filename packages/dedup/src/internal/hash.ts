/**
 * Small 32-bit integer hashing helpers (MurmurHash3's finaliser and a multiply-rotate combiner),
 * used for token, shingle and band-key hashes. Plain functions over numbers: no allocation.
 */

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix of a 32-bit value. */
export const fmix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Mix one more 32-bit value `k` into a running hash `h` (MurmurHash3's body step). */
export const combine = (h: number, k: number): number => {
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** FNV-1a offset basis: the starting value of a token hash. */
export const FNV_OFFSET = 0x811c9dc5 | 0

/** One FNV-1a step over a UTF-16 code unit. */
export const fnvStep = (h: number, code: number): number => Math.imul(h ^ code, 0x01000193)

/** Grow a Uint32Array to at least `n` elements, keeping its contents. */
export const growU32 = (a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> => {
  if (a.length >= n) return a
  const b = new Uint32Array(Math.max(n, a.length * 2))
  b.set(a)
  return b
}

/** Grow an Int32Array to at least `n` elements, keeping its contents. */
export const growI32 = (a: Int32Array<ArrayBuffer>, n: number, fill = 0): Int32Array<ArrayBuffer> => {
  if (a.length >= n) return a
  const b = new Int32Array(Math.max(n, a.length * 2))
  b.set(a)
  if (fill !== 0) b.fill(fill, a.length)
  return b
}

/** Grow a Float64Array to at least `n` elements, keeping its contents. */
export const growF64 = (a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> => {
  if (a.length >= n) return a
  const b = new Float64Array(Math.max(n, a.length * 2))
  b.set(a)
  return b
}

/** Grow a Uint8Array to at least `n` elements, keeping its contents. */
export const growU8 = (a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> => {
  if (a.length >= n) return a
  const b = new Uint8Array(Math.max(n, a.length * 2))
  b.set(a)
  return b
}

/** Sort a Uint32Array in place and remove repeats; returns the number of distinct values at the front. */
export const sortUnique = (a: Uint32Array, n: number): number => {
  if (n === 0) return 0
  const view = a.subarray(0, n)
  view.sort()
  let w = 1
  for (let i = 1; i < n; i++) if (view[i] !== view[w - 1]) view[w++] = view[i]!
  return w
}
