/**
 * MinHash-LSH near-deduplication core: shingle, sign, look up the LSH index, optionally check the
 * exact Jaccard similarity of each candidate pair, link duplicates in a union-find.
 *
 * {@link NearDeduper} is plain synchronous TypeScript (typed arrays, no Effect); `Operators.near`
 * is a streaming keep-first filter for a pipeline (per task: a document is dropped when it links
 * to any earlier document); `Dedup.run` gives the two-pass version with survivor ranking, cluster
 * ids and sizes, and the multi-stage mode scales it past memory.
 *
 * ```ts
 * import { NearDedup } from "@pretrain/dedup"
 * const near = new NearDedup.NearDeduper({ threshold: 0.7 })
 * near.add(0, "function add(a, b) { return a + b } // adds two numbers together")
 * near.add(1, "function add(a, b) { return a + b } // adds two numbers together!")   // 0
 * ```
 *
 * @since 0.1.0
 */
import { LshIndex } from "./LshIndex.ts"
import * as LshParams from "./LshParams.ts"
import { MinHasher } from "./MinHash.ts"
import { jaccard, type Mode, modes, Shingler } from "./Shingle.ts"
import { UnionFind } from "./UnionFind.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** Shingle definition (default `bigcode`). */
  readonly shingle?: Mode | undefined
  /** n-gram size (default 5). */
  readonly ngram?: number | undefined
  /** Permutations (default 256). */
  readonly numPerm?: number | undefined
  /** Jaccard threshold (default 0.7): drives the band choice and the optional verification. */
  readonly threshold?: number | undefined
  /** Seed of the permutations (default 42). */
  readonly seed?: number | undefined
  /** Bands (default: by {@link LshParams.optimal}); give with `rows`. */
  readonly bands?: number | undefined
  readonly rows?: number | undefined
  /**
   * Check the exact Jaccard similarity of each candidate pair and link only pairs at or above the
   * threshold (default false). Keeps each document's shingle set (4 bytes per distinct shingle).
   * Since a false candidate then costs a comparison rather than a wrong removal, the default band
   * choice weighs false negatives 0.95 and false positives 0.05 (36 x 7 at 0.7 with 256
   * permutations) instead of 0.5 / 0.5.
   */
  readonly verify?: boolean | undefined
  /** Weights of the band optimisation (default 0.5 / 0.5, or 0.05 / 0.95 with `verify`). */
  readonly weights?: { readonly falsePositive: number; readonly falseNegative: number } | undefined
}

/** The band-choice weights used with verification. @since 0.1.0 @category constants */
export const verifyWeights = { falsePositive: 0.05, falseNegative: 0.95 } as const

/** Options with every default filled in. @since 0.1.0 @category models */
export interface Config {
  readonly shingle: Mode
  readonly ngram: number
  readonly numPerm: number
  readonly threshold: number
  readonly seed: number
  readonly bands: number
  readonly rows: number
  readonly verify: boolean
}

/**
 * Fill in defaults and check the options; throws `RangeError` naming the option.
 *
 * @since 0.1.0 @category constructors
 */
export const config = (options: Options = {}): Config => {
  const shingle = options.shingle ?? "bigcode"
  if (!modes.includes(shingle)) throw new RangeError(`shingle: must be one of ${modes.join(", ")}, got ${String(shingle)}`)
  const ngram = options.ngram ?? 5
  if (!Number.isInteger(ngram) || ngram < 1) throw new RangeError(`ngram: must be a positive integer, got ${ngram}`)
  const numPerm = options.numPerm ?? 256
  if (!Number.isInteger(numPerm) || numPerm < 2 || numPerm > 8192) throw new RangeError(`numPerm: must be an integer in [2, 8192], got ${numPerm}`)
  const threshold = options.threshold ?? 0.7
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold: must be in (0, 1), got ${threshold}`)
  const seed = options.seed ?? 42
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed: must be an integer, got ${seed}`)
  if ((options.bands === undefined) !== (options.rows === undefined)) throw new RangeError("bands: give bands and rows together")
  const verify = options.verify ?? false
  const { bands, rows } = options.bands !== undefined && options.rows !== undefined
    ? { bands: options.bands, rows: options.rows }
    : LshParams.optimal(threshold, numPerm, options.weights ?? (verify ? verifyWeights : undefined))
  if (!Number.isInteger(bands) || !Number.isInteger(rows) || bands < 1 || rows < 1 || bands * rows > numPerm) {
    throw new RangeError(`bands: ${bands} bands x ${rows} rows must be positive integers with bands x rows <= numPerm (${numPerm})`)
  }
  return { shingle, ngram, numPerm, threshold, seed, bands, rows, verify }
}

/**
 * Links near-duplicate documents as they are added; documents are identified by consecutive ids
 * from 0 (the input position). Holds the LSH index, the union-find and, with `verify`, the
 * shingle sets; never the texts.
 *
 * @since 0.1.0 @category models
 */
export class NearDeduper {
  readonly config: Config
  readonly shingler: Shingler
  readonly hasher: MinHasher
  readonly index: LshIndex
  readonly unionFind = new UnionFind()
  /** Shingle sets by id (only with `verify`). */
  private readonly sets: Array<Uint32Array> = []
  private readonly signature: Uint32Array
  private current = 0
  private linked = -1
  private readonly onCandidate: (other: number) => void
  /** Candidate pairs examined, and pairs rejected by the exact check. */
  candidates = 0
  rejected = 0
  /** Documents with no shingle (no token): never linked. */
  empty = 0

  constructor(options: Options | Config = {}) {
    this.config = config(options)
    const c = this.config
    this.shingler = new Shingler({ mode: c.shingle, n: c.ngram })
    this.hasher = new MinHasher({ numPerm: c.numPerm, seed: c.seed })
    this.index = new LshIndex({ bands: c.bands, rows: c.rows, chains: c.verify })
    this.signature = new Uint32Array(c.numPerm)
    this.onCandidate = (other) => {
      const id = this.current
      if (this.unionFind.find(other) === this.unionFind.find(id)) {
        if (this.linked === -1) this.linked = other
        return
      }
      this.candidates++
      if (this.config.verify && jaccard(this.sets[id]!, this.sets[other]!) < this.config.threshold) {
        this.rejected++
        return
      }
      this.unionFind.union(id, other)
      if (this.linked === -1) this.linked = other
    }
  }

  /** The signature of a text (a view, overwritten by the next call). */
  sign(content: string): Uint32Array | undefined {
    const shingles = this.shingler.hashes(content)
    if (shingles.length === 0) return undefined
    return this.hasher.signature(shingles, this.signature)
  }

  /**
   * Add document `id` (ids must be added in increasing order); returns an earlier document it was
   * linked to, or -1 when it links to none.
   */
  add(id: number, content: string): number {
    this.unionFind.add(id)
    const shingles = this.shingler.hashes(content)
    if (shingles.length === 0) {
      this.empty++
      if (this.config.verify) this.sets[id] = shingles.slice()
      return -1
    }
    if (this.config.verify) this.sets[id] = shingles.slice()
    this.hasher.signature(shingles, this.signature)
    this.current = id
    this.linked = -1
    this.index.insert(id, this.signature, this.onCandidate)
    return this.linked
  }
}
