/**
 * Choosing the next token from logits: temperature (0 = greedy), then top-k, then top-p (nucleus)
 * on what top-k kept, renormalised — the order Hugging Face `generate` applies them — drawn with a
 * seeded xoshiro128** generator, so one seed gives one sequence of choices.
 *
 * ```ts
 * const sampler = new Sampler(model.vocabSize, { temperature: 0.8, topK: 50, topP: 0.95, seed: 42 })
 * const next = sampler.sample(logits)
 * ```
 *
 * Per call it allocates nothing: probabilities and candidate ids live in scratch typed arrays that
 * the sampler keeps. Top-k keeps the k largest logits in a bounded min-heap (O(V log k)) and
 * exponentiates only those; top-p alone first drops every token below `(1 - p) / V` of the mass
 * (none of them can be in the nucleus), then sorts the rest. Ties go to the smaller id.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { Random } from "./internal/random.ts"

/** @since 0.1.0 @category models */
export interface SamplerOptions {
  /** Divides the logits; 0 picks the most likely token (greedy). Default 1. */
  readonly temperature?: number | undefined
  /** Keep only the k most likely tokens (0 or undefined: all). */
  readonly topK?: number | undefined
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or undefined: all). */
  readonly topP?: number | undefined
  /** Seed of the random generator (default: a random seed). */
  readonly seed?: number | undefined
}

/**
 * An option out of range: names the option and the value.
 *
 * @since 0.1.0 @category errors
 */
export class SamplerOptionsError extends Data.TaggedError("SamplerOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message() {
    return `sampler option ${this.option}: ${this.reason}`
  }
}

/**
 * Throws {@link SamplerOptionsError} for a negative or non-finite temperature, a negative or
 * fractional top-k, a top-p outside [0, 1] or a seed that is not a safe integer.
 *
 * @since 0.1.0 @category utils
 */
export const validate = (options: SamplerOptions): void => {
  const { seed, temperature, topK, topP } = options
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) {
    throw new SamplerOptionsError({ option: "temperature", reason: `must be a finite number >= 0, got ${temperature}` })
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) {
    throw new SamplerOptionsError({ option: "topK", reason: `must be an integer >= 0, got ${topK}` })
  }
  if (topP !== undefined && !(topP >= 0 && topP <= 1)) {
    throw new SamplerOptionsError({ option: "topP", reason: `must be in [0, 1], got ${topP}` })
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new SamplerOptionsError({ option: "seed", reason: `must be a safe integer, got ${seed}` })
  }
}

/**
 * The seeded generator sampling draws from: xoshiro128** seeded through SplitMix32 from both
 * halves of a safe integer.
 *
 * @since 0.1.0 @category models
 */
export { Random }

/**
 * The index of the largest of the first `size` values (the first one on ties); NaN never wins. 0
 * when all are NaN.
 *
 * @since 0.1.0 @category utils
 */
export const argmax = (values: ArrayLike<number>, size = values.length): number => {
  let best = 0
  let bestValue = -Infinity
  for (let i = 0; i < size; i++) {
    const v = values[i]!
    if (v > bestValue) {
      bestValue = v
      best = i
    }
  }
  return best
}

/** True when candidate `a` ranks above `b`: a higher value, then the smaller id. */
const above = (v: ArrayLike<number>, a: number, b: number): boolean => v[a]! > v[b]! || (v[a] === v[b] && a < b)

/** Restore the min-heap property (worst candidate at the root) below `pos` in `heap[0..size)`. */
const siftDown = (heap: Int32Array, size: number, pos: number, v: ArrayLike<number>): void => {
  const item = heap[pos]!
  for (;;) {
    let child = 2 * pos + 1
    if (child >= size) break
    if (child + 1 < size && above(v, heap[child]!, heap[child + 1]!)) child++
    if (!above(v, item, heap[child]!)) break
    heap[pos] = heap[child]!
    pos = child
  }
  heap[pos] = item
}

const siftUp = (heap: Int32Array, pos: number, v: ArrayLike<number>): void => {
  const item = heap[pos]!
  while (pos > 0) {
    const parent = (pos - 1) >> 1
    if (!above(v, heap[parent]!, item)) break
    heap[pos] = heap[parent]!
    pos = parent
  }
  heap[pos] = item
}

/** Turn the min-heap `heap[0..size)` into descending order, best first (heapsort). */
const sortHeapDescending = (heap: Int32Array, size: number, v: ArrayLike<number>): void => {
  for (let end = size - 1; end > 0; end--) {
    const worst = heap[0]!
    heap[0] = heap[end]!
    heap[end] = worst
    siftDown(heap, end, 0, v)
  }
}

/**
 * Draws token ids from logits. One instance per sequence; reuse it for every token.
 *
 * @since 0.1.0 @category models
 */
export class Sampler {
  readonly temperature: number
  readonly topK: number
  readonly topP: number
  readonly random: Random
  private probs: Float32Array
  private ids: Int32Array

  /** Throws {@link SamplerOptionsError} for options out of range. */
  constructor(vocabSize: number, options: SamplerOptions = {}) {
    validate(options)
    this.temperature = options.temperature ?? 1
    this.topK = options.topK ?? 0
    this.topP = options.topP ?? 1
    this.random = new Random(options.seed ?? Math.floor(Math.random() * 0x20_0000_0000_0000))
    this.probs = new Float32Array(vocabSize)
    this.ids = new Int32Array(vocabSize)
  }

  /** True when every call returns the argmax (temperature 0, or top-k 1). */
  get greedy(): boolean {
    return this.temperature === 0 || this.topK === 1
  }

  /**
   * The next token id. `-Infinity` (a masked token) and NaN are never drawn unless every logit is;
   * the first `+Infinity` is always drawn. Only ids below `size` (default: all) are candidates, for
   * a model whose vocabulary is padded beyond the tokenizer's.
   */
  sample(logits: ArrayLike<number>, size = logits.length): number {
    const n = Math.min(size, logits.length)
    if (this.greedy) return argmax(logits, n)
    if (this.probs.length < n) {
      this.probs = new Float32Array(n)
      this.ids = new Int32Array(n)
    }
    return this.topK > 0 && this.topK < n ? this.sampleTopK(logits, n) : this.sampleAll(logits, n)
  }

  /** Top-k first, on the logits (softmax is monotonic): only the k kept tokens get exponentiated. */
  private sampleTopK(logits: ArrayLike<number>, n: number): number {
    const ids = this.ids
    const k = this.topK
    let size = 0
    for (let i = 0; i < n; i++) {
      const v = logits[i]!
      if (!(v > -Infinity)) continue
      if (v === Infinity) return i
      if (size < k) {
        ids[size] = i
        siftUp(ids, size++, logits)
      } else if (above(logits, i, ids[0]!)) {
        ids[0] = i
        siftDown(ids, size, 0, logits)
      }
    }
    if (size === 0) return argmax(logits, n)
    sortHeapDescending(ids, size, logits)
    const p = this.probs
    const max = logits[ids[0]!]!
    const scale = 1 / this.temperature
    let total = 0
    for (let c = 0; c < size; c++) {
      const id = ids[c]!
      const e = Math.exp((logits[id]! - max) * scale)
      p[id] = e
      total += e
    }
    return this.nucleus(size, total)
  }

  /** Every token's probability; then top-p, if any, on the candidates that can be in the nucleus. */
  private sampleAll(logits: ArrayLike<number>, n: number): number {
    let max = -Infinity
    for (let i = 0; i < n; i++) {
      const v = logits[i]!
      if (v === Infinity) return i
      if (v > max) max = v
    }
    if (max === -Infinity) return argmax(logits, n)
    const p = this.probs
    const scale = 1 / this.temperature
    let total = 0
    for (let i = 0; i < n; i++) {
      const v = logits[i]!
      const e = v <= max ? Math.exp((v - max) * scale) : 0
      p[i] = e
      total += e
    }
    if (this.topP >= 1) {
      let u = this.random.uniform() * total
      let last = 0
      for (let i = 0; i < n; i++) {
        const e = p[i]!
        if (e === 0) continue
        last = i
        u -= e
        if (u < 0) return i
      }
      return last
    }
    // A token of the nucleus has probability above (1 - p) / n: the nucleus's last token carries
    // the largest share of the more than 1 - p mass from it on.
    const floor = (((1 - this.topP) * total) / n) * 0.999
    const ids = this.ids
    let size = 0
    for (let i = 0; i < n; i++) if (p[i]! > 0 && p[i]! >= floor) ids[size++] = i
    for (let c = (size >> 1) - 1; c >= 0; c--) siftDown(ids, size, c, p)
    sortHeapDescending(ids, size, p)
    return this.nucleus(size, total)
  }

  /** Cut `ids[0..size)` (best first, summing to `total`) to the top-p nucleus and draw from it. */
  private nucleus(size: number, total: number): number {
    const p = this.probs
    const ids = this.ids
    if (this.topP < 1) {
      const target = this.topP * total
      let mass = 0
      let kept = 0
      while (kept < size) {
        mass += p[ids[kept++]!]!
        if (mass >= target) break
      }
      size = kept
      total = mass
    }
    return this.draw(ids, size, total)
  }

  /** Draw from `ids[0..size)` in proportion to their probabilities, which sum to `total`. */
  private draw(ids: Int32Array, size: number, total: number): number {
    const p = this.probs
    let u = this.random.uniform() * total
    for (let c = 0; c < size; c++) {
      const id = ids[c]!
      u -= p[id]!
      if (u < 0) return id
    }
    return ids[size - 1]!
  }
}
