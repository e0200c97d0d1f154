/**
 * Training data for the trainer: a random-access source of packed sequences (a `@pretrain/packing`
 * token dataset directory, or tokens in memory cut into windows), a held-out split, and a seeded
 * epoch-by-epoch shuffled order addressed by one counter (the data position saved in checkpoints).
 *
 * @since 0.1.0
 */
import { Settings, TokenDataset } from "@pretrain/packing"
import type { Tokenizer } from "@pretrain/tokenizer"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Batch from "./Batch.ts"
import type { PackedSequence } from "./Batch.ts"
import { TrainerError } from "./Errors.ts"
import { Random } from "./internal/random.ts"
import type { Batch as BatchT } from "./Model.ts"

/** @since 0.1.0 @category models */
export interface Source {
  /** What errors name: a dataset directory, `<tokens>`. */
  readonly name?: string | undefined
  readonly size: number
  get(i: number): PackedSequence
}

/** A sub-range `[from, to)` of a source. @since 0.1.0 @category constructors */
export const range = (source: Source, from: number, to: number): Source => ({
  name: source.name,
  size: to - from,
  get: (i) => source.get(from + i)
})

/**
 * Tokens in memory as sequences of `seqLen + 1` tokens (windows overlapping by one token, so
 * every token but the last is a target once), each one document.
 *
 * @since 0.1.0 @category constructors
 */
export const fromTokens = (tokens: ArrayLike<number>, seqLen: number): Source => {
  const size = Math.floor((tokens.length - 1) / seqLen)
  if (size < 1) throw new TrainerError({ file: "<tokens>", reason: `${tokens.length} tokens are fewer than one sequence of ${seqLen + 1}` })
  const ids = Int32Array.from(tokens as ArrayLike<number>)
  return {
    name: "<tokens>",
    size,
    get: (i) => ({ inputIds: ids.subarray(i * seqLen, i * seqLen + seqLen + 1), boundaries: [0, seqLen + 1] })
  }
}

/** A packed token dataset directory (Megatron `.bin/.idx` or Parquet, as written by `pretrain pack`). @since 0.1.0 @category constructors */
export const openDataset = (dir: string): Source & { readonly close: () => void } => {
  const ds = TokenDataset.TokenDataset.open(dir)
  return { name: dir, size: ds.size, get: (i) => ds.get(i), close: () => ds.close() }
}

/**
 * Checks that `tokenizer` (read from `file`) is the one a packed dataset was made with: `pack.json`
 * (written by `pretrain pack`) records the tokenizer's digest, and ids from another tokenizer would
 * train the model on the wrong tokens without any error. Directories without `pack.json` (datasets
 * written by other tools) are not checked.
 *
 * @since 0.1.0 @category constructors
 */
export const checkTokenizer = (dir: string, tokenizer: Tokenizer, file: string): void => {
  const meta = path.join(dir, "pack.json")
  if (!fs.existsSync(meta)) return
  let recorded: { readonly file?: unknown; readonly sha256?: unknown } | undefined
  try {
    recorded = (JSON.parse(fs.readFileSync(meta, "utf8")) as { settings?: { tokenizer?: { file?: unknown; sha256?: unknown } } }).settings?.tokenizer
  } catch (e) {
    throw new TrainerError({ file: meta, reason: `not JSON: ${(e as Error).message}` })
  }
  if (typeof recorded?.sha256 !== "string") return
  const digest = Settings.tokenizerDigest(tokenizer)
  if (digest !== recorded.sha256) {
    throw new TrainerError({
      file,
      reason: `not the tokenizer ${dir} was packed with (pack.json: ${typeof recorded.file === "string" ? recorded.file : "a tokenizer"}, ` +
        `sha256 ${recorded.sha256.slice(0, 12)}; this one ${digest.slice(0, 12)}): its ids would mean other tokens`
    })
  }
}

/**
 * Splits off the last `fraction` of a source (at least one sequence, none when the source has
 * fewer than 10) as held-out data.
 *
 * @since 0.1.0 @category constructors
 */
export const split = (source: Source, fraction: number): { readonly train: Source; readonly heldOut: Source | undefined } => {
  if (fraction <= 0 || source.size < 10) return { train: source, heldOut: undefined }
  const n = Math.max(1, Math.ceil(source.size * fraction))
  return { train: range(source, 0, source.size - n), heldOut: range(source, source.size - n, source.size) }
}

/**
 * The shuffled order: sequence number `k` of the run is `perm_e[k mod size]` with
 * `e = floor(k / size)` and `perm_e` a permutation seeded by (seed, e).
 *
 * @since 0.1.0 @category models
 */
export class Order {
  private epoch = -1
  private perm: Int32Array
  readonly size: number
  readonly seed: number
  constructor(size: number, seed: number) {
    this.size = size
    this.seed = seed
    this.perm = new Int32Array(size)
  }

  /** The dataset index of the run's `k`-th sequence. */
  index(k: number): number {
    const e = Math.floor(k / this.size)
    if (e !== this.epoch) {
      this.epoch = e
      const rng = new Random((this.seed * 1000003 + e * 7919) >>> 0)
      for (let i = 0; i < this.size; i++) this.perm[i] = i
      for (let i = this.size - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        const t = this.perm[i]!
        this.perm[i] = this.perm[j]!
        this.perm[j] = t
      }
    }
    return this.perm[k - e * this.size]!
  }
}

/** Fills `batch` with the run's sequences `[k, k + B)`. @since 0.1.0 @category constructors */
export const fillBatch = (batch: BatchT, source: Source, order: Order, k: number): void => {
  for (let b = 0; b < batch.B; b++) Batch.fillRow(batch, b, source.get(order.index(k + b)))
}
