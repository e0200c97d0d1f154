/**
 * Small deterministic hashing and random numbers: FNV-1a over strings and a SplitMix32-style
 * generator, so seeded choices depend only on the seed and the document, never on sharding.
 */

/** 32-bit FNV-1a of a string's UTF-16 code units, continuing from `seed`. */
export const fnv1a = (text: string, seed = 0x811c9dc5): number => {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A seeded generator of uniform numbers in [0, 1). */
export const random = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    z = (z ^ (z >>> 16)) >>> 0
    return z / 4294967296
  }
}
