/**
 * Binary search over sorted records in a typed array: `count` records of `stride` numbers each,
 * sorted by their first number. Plain loop over numbers: no allocation.
 */

/** The first record whose first number is >= `key`; `count` when there is none. */
export const lowerBound = (records: Uint32Array | Float64Array, stride: number, count: number, key: number): number => {
  let lo = 0
  let hi = count
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (records[stride * mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}
