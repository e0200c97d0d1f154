/**
 * Packed token datasets on disk and a reader over them with random access by sequence index.
 *
 * A dataset directory holds one of
 *
 * - **megatron**: `data.bin` / `data.idx` (the Megatron-LM indexed dataset of the token ids, one
 *   sequence per entry, see {@link Megatron}) and `data-boundaries.bin` / `data-boundaries.idx`
 *   (the same format, int32, holding each sequence's boundaries);
 * - **parquet**: `data-00000.parquet`, ... with columns `input_ids` (list<int32>) and `boundaries`
 *   (list<int32>), readable by any Arrow tool;
 *
 * plus `pack.json` (settings and statistics). Boundaries are cumulative offsets `[0, ..., end]`:
 * segment `k` is `[b[k], b[k+1])`, and tokens from `end` on are padding.
 *
 * ```ts
 * const ds = TokenDataset.open("out/packed")
 * ds.size                       // sequences
 * const { inputIds, boundaries } = ds.get(17)
 * for (const seq of ds) ...     // in order
 * ds.close()
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Parquet } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { TokenDatasetError } from "./Errors.ts"
import * as Megatron from "./Megatron.ts"

/** @since 0.1.0 @category models */
export type Format = "parquet" | "megatron"

/** @since 0.1.0 @category models */
export const formats: ReadonlyArray<Format> = ["parquet", "megatron"]

/** One packed sequence. @since 0.1.0 @category models */
export interface Sequence {
  readonly inputIds: Int32Array
  readonly boundaries: Int32Array
}

/** Token file prefix inside a dataset directory. @since 0.1.0 @category constants */
export const TOKENS_PREFIX = "data"
/** Boundaries file prefix inside a dataset directory. @since 0.1.0 @category constants */
export const BOUNDARIES_PREFIX = "data-boundaries"
/** Settings and statistics file. @since 0.1.0 @category constants */
export const META_FILE = "pack.json"

const parquetPart = /^data-(\d{5})\.parquet$/

/** Does this file name belong to a dataset directory's data? @since 0.1.0 @category utils */
export const ownsFile = (name: string): boolean =>
  name === META_FILE || parquetPart.test(name) ||
  [TOKENS_PREFIX, BOUNDARIES_PREFIX].some((p) => name === `${p}.bin` || name === `${p}.idx`)

/** @since 0.1.0 @category models */
export interface Writer {
  add(tokens: ArrayLike<number>, boundaries: ArrayLike<number>): void
  close(): void
  abort(): void
}

/**
 * A writer of a dataset directory in `format` (token dtype for Megatron).
 *
 * @since 0.1.0 @category writing
 */
export const writer = (dir: string, format: Format, dtype: Megatron.DType, options: { readonly rowsPerFile?: number | undefined } = {}): Writer => {
  if (format === "megatron") {
    const tokens = Megatron.writer(path.join(dir, TOKENS_PREFIX), dtype)
    const bounds = Megatron.writer(path.join(dir, BOUNDARIES_PREFIX), "int32")
    return {
      add: (t, b) => {
        tokens.add(t)
        bounds.add(b)
      },
      close: () => {
        tokens.close()
        bounds.close()
      },
      abort: () => {
        tokens.abort()
        bounds.abort()
      }
    }
  }
  const perFile = Math.max(1, options.rowsPerFile ?? 4096)
  let rows: Array<{ input_ids: Int32Array; boundaries: Int32Array }> = []
  let part = 0
  const flush = (force: boolean) => {
    if (rows.length === 0 && !(force && part === 0)) return
    fs.mkdirSync(dir, { recursive: true })
    Parquet.writeFileSync(path.join(dir, `data-${String(part++).padStart(5, "0")}.parquet`), rows, {
      types: { input_ids: "list<int32>", boundaries: "list<int32>" },
      rowGroupSize: 256
    })
    rows = []
  }
  return {
    add: (t, b) => {
      rows.push({ input_ids: Int32Array.from(t), boundaries: Int32Array.from(b) })
      if (rows.length >= perFile) flush(false)
    },
    close: () => flush(true),
    abort: () => {
      rows = []
    }
  }
}

interface Source {
  readonly size: number
  get(i: number): Sequence
  close(): void
}

const megatronSource = (dir: string): Source => {
  const tokens = Megatron.reader(path.join(dir, TOKENS_PREFIX))
  let bounds: Megatron.Reader
  try {
    bounds = Megatron.reader(path.join(dir, BOUNDARIES_PREFIX))
  } catch (e) {
    tokens.close()
    throw e
  }
  if (bounds.size !== tokens.size) {
    tokens.close()
    bounds.close()
    throw new TokenDatasetError({
      file: Megatron.idxPath(path.join(dir, BOUNDARIES_PREFIX)),
      reason: `${bounds.size} boundary entries for ${tokens.size} sequences`
    })
  }
  return {
    size: tokens.size,
    get: (i) => ({ inputIds: tokens.read(i), boundaries: bounds.read(i) }),
    close: () => {
      tokens.close()
      bounds.close()
    }
  }
}

const toInt32 = (file: string, row: number, column: string, value: unknown): Int32Array => {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Int32Array.from(value as ArrayLike<number>, Number)
  throw new TokenDatasetError({ file, position: `row ${row}, column ${column}`, reason: `expected a list of integers, got ${value === null ? "null" : typeof value}` })
}

const parquetSource = (dir: string, files: ReadonlyArray<string>): Source => {
  // (file, row group) units with their first global row
  const units: Array<{ file: string; group: number; first: number; rows: number }> = []
  let total = 0
  for (const file of files) {
    let info: Parquet.FileInfo
    try {
      info = Parquet.metadataSync(file)
    } catch (e) {
      throw new TokenDatasetError({ file, reason: `cannot read Parquet footer: ${e instanceof Error ? e.message : String(e)}` })
    }
    for (const name of ["input_ids", "boundaries"]) {
      if (!info.columns.some((c) => c.name === name)) throw new TokenDatasetError({ file, position: `column ${name}`, reason: "missing column" })
    }
    info.rowGroups.forEach((g, group) => {
      units.push({ file, group, first: total, rows: g.rows })
      total += g.rows
    })
  }
  let cached: { unit: number; rows: Array<Record<string, unknown>> } | undefined
  return {
    size: total,
    get: (i) => {
      let lo = 0
      let hi = units.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (units[mid]!.first <= i) lo = mid
        else hi = mid - 1
      }
      const u = units[lo]!
      if (cached?.unit !== lo) {
        try {
          cached = { unit: lo, rows: Parquet.readFileSync(u.file, { rowGroups: [u.group], columns: ["input_ids", "boundaries"] }) }
        } catch (e) {
          throw new TokenDatasetError({ file: u.file, position: `row group ${u.group}`, reason: e instanceof Error ? e.message : String(e) })
        }
      }
      const row = cached.rows[i - u.first]!
      return {
        inputIds: toInt32(u.file, i, "input_ids", row.input_ids),
        boundaries: toInt32(u.file, i, "boundaries", row.boundaries)
      }
    },
    close: () => {
      cached = undefined
    }
  }
}

/**
 * A packed dataset opened for reading: `size`, `get(i)` (random access), iteration in order.
 *
 * @since 0.1.0 @category reading
 */
export class TokenDataset implements Iterable<Sequence> {
  readonly dir: string
  readonly format: Format
  private readonly source: Source
  private constructor(dir: string, format: Format, source: Source) {
    this.dir = dir
    this.format = format
    this.source = source
  }

  /**
   * Open a dataset directory (Megatron files when `data.idx` is there, else the Parquet parts);
   * throws {@link TokenDatasetError} naming the file that is missing or malformed.
   */
  static open(dir: string): TokenDataset {
    if (fs.existsSync(Megatron.idxPath(path.join(dir, TOKENS_PREFIX)))) return new TokenDataset(dir, "megatron", megatronSource(dir))
    let names: Array<string>
    try {
      names = fs.readdirSync(dir)
    } catch {
      throw new TokenDatasetError({ file: dir, reason: "no such dataset directory" })
    }
    const parts = names.filter((n) => parquetPart.test(n)).sort().map((n) => path.join(dir, n))
    if (parts.length === 0) throw new TokenDatasetError({ file: dir, reason: `no ${TOKENS_PREFIX}.idx and no data-NNNNN.parquet parts` })
    return new TokenDataset(dir, "parquet", parquetSource(dir, parts))
  }

  /** Number of sequences. */
  get size(): number {
    return this.source.size
  }

  /** Sequence `i` (0-based); throws {@link TokenDatasetError} when out of range. */
  get(i: number): Sequence {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new TokenDatasetError({ file: this.dir, position: `sequence ${i}`, reason: `index out of range [0, ${this.size})` })
    }
    return this.source.get(i)
  }

  *[Symbol.iterator](): Iterator<Sequence> {
    for (let i = 0; i < this.size; i++) yield this.source.get(i)
  }

  /** Settings and statistics from `pack.json`, when present. */
  meta(): Record<string, unknown> | undefined {
    const file = path.join(this.dir, META_FILE)
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined
  }

  close(): void {
    this.source.close()
  }
}

/**
 * Effect form of {@link TokenDataset.open}, closed when the scope ends.
 *
 * @since 0.1.0 @category reading
 */
export const open = (dir: string) =>
  Effect.acquireRelease(
    Effect.try({ try: () => TokenDataset.open(dir), catch: (e) => e instanceof TokenDatasetError ? e : new TokenDatasetError({ file: dir, reason: String(e) }) }),
    (ds) => Effect.sync(() => ds.close())
  )

/**
 * The sequences of a dataset directory as a stream, in order (or `from`..`to`).
 *
 * @since 0.1.0 @category reading
 */
export const stream = (dir: string, range: { readonly from?: number | undefined; readonly to?: number | undefined } = {}): Stream.Stream<Sequence, TokenDatasetError> =>
  Stream.unwrap(Effect.map(open(dir), (ds) => {
    const from = Math.max(0, range.from ?? 0)
    const to = Math.min(ds.size, range.to ?? ds.size)
    return Stream.fromIterable({
      *[Symbol.iterator]() {
        for (let i = from; i < to; i++) yield ds.get(i)
      }
    })
  })).pipe(Stream.scoped) as Stream.Stream<Sequence, TokenDatasetError>
