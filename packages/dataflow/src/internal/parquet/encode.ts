/**
 * Column chunk encoder: turns one column of a row group (a slice of row objects) into Parquet
 * pages. Flat columns are OPTIONAL leaves (definition level 0/1); list columns use the standard
 * 3-level LIST layout (`optional group name (LIST) { repeated group list { optional element } }`).
 *
 * Pages are data page v1 (what pyarrow and DuckDB write by default, read by every reader), split at
 * row boundaries near `pageSize` bytes. Levels use the RLE / bit-packed hybrid. Strings use a
 * dictionary when a sample says the column repeats values (repo names, languages, licenses) and
 * PLAIN otherwise (file contents, paths), so high-cardinality content is never hashed into a map.
 * Strings are UTF-8 encoded straight into one reused scratch buffer: no per-value allocation.
 */
import { Buffer } from "node:buffer"
import type { ColumnChunk, CompressionCodec, Encoding, PageHeader, Statistics } from "hyparquet"
import { ByteWriter } from "hyparquet-writer"
import { writePageHeader } from "hyparquet-writer/src/datapage.js"
import type { Compress } from "./compression.ts"
import { type ColumnType, listElement } from "./types.ts"

/** Where encoded bytes go: an append-only file with its current absolute offset. */
export interface Output {
  readonly offset: number
  append(bytes: Uint8Array): void
}

/** A growable byte buffer reused for every page of a writer. */
export class Scratch {
  buf: Buffer = Buffer.allocUnsafe(1 << 20)
  len = 0

  ensure(extra: number): void {
    const need = this.len + extra
    if (need <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.len)
    this.buf = next
  }

  u8(value: number): void {
    this.ensure(1)
    this.buf[this.len++] = value
  }

  u32(value: number): void {
    this.ensure(4)
    this.buf.writeUInt32LE(value, this.len)
    this.len += 4
  }

  varint(value: number): void {
    this.ensure(5)
    while (value > 0x7f) {
      this.buf[this.len++] = (value & 0x7f) | 0x80
      value >>>= 7
    }
    this.buf[this.len++] = value
  }
}

/** Settings shared by every column of a writer. */
export interface EncodeContext {
  readonly codec: CompressionCodec
  readonly compress: Compress
  /** Target uncompressed bytes of values per data page. */
  readonly pageSize: number
  readonly scratch: Scratch
}

// ---------------------------------------------------------------------------------------------
// RLE / bit-packed hybrid

const bitWidthOf = (max: number): number => max <= 0 ? 0 : 32 - Math.clz32(max)

/** Bit-pack `groups` groups of 8 values starting at `from` (values past `end` are 0). */
const bitPack = (s: Scratch, values: ArrayLike<number>, from: number, end: number, groups: number, width: number) => {
  s.varint((groups << 1) | 1)
  s.ensure(groups * width)
  const buf = s.buf
  let pos = s.len
  const stop = from + groups * 8
  if (width === 1) {
    for (let i = from; i < stop; i += 8) {
      let byte = 0
      for (let k = 0; k < 8; k++) if (i + k < end && values[i + k]) byte |= 1 << k
      buf[pos++] = byte
    }
  } else {
    let acc = 0
    let bits = 0
    for (let i = from; i < stop; i++) {
      const v = i < end ? values[i]! : 0
      acc += v * 2 ** bits
      bits += width
      while (bits >= 8) {
        const byte = acc % 256
        buf[pos++] = byte
        acc = (acc - byte) / 256
        bits -= 8
      }
    }
  }
  s.len = pos
}

/** The RLE / bit-packed hybrid encoding of `values[start, end)` (no length prefix). */
export const rleHybrid = (s: Scratch, values: ArrayLike<number>, start: number, end: number, width: number): void => {
  const valueBytes = (width + 7) >> 3
  let i = start
  let bpStart = start
  let bpGroups = 0
  while (i < end) {
    const v = values[i]!
    let run = 1
    while (i + run < end && values[i + run] === v) run++
    if (run >= 8) {
      if (bpGroups > 0) {
        bitPack(s, values, bpStart, end, bpGroups, width)
        bpGroups = 0
      }
      s.varint(run * 2)
      for (let b = 0, x = v; b < valueBytes; b++, x = Math.floor(x / 256)) s.u8(x % 256)
      i += run
    } else {
      if (bpGroups === 0) bpStart = i
      bpGroups++
      i += 8
      if (bpGroups === 63) {
        bitPack(s, values, bpStart, end, bpGroups, width)
        bpGroups = 0
      }
    }
  }
  if (bpGroups > 0) bitPack(s, values, bpStart, end, bpGroups, width)
}

/** Levels of a v1 data page: 4-byte length, then the hybrid encoding. */
const writeLevels = (s: Scratch, levels: Uint8Array, start: number, end: number, width: number) => {
  s.ensure(4)
  const at = s.len
  s.len += 4
  rleHybrid(s, levels, start, end, width)
  s.buf.writeUInt32LE(s.len - at - 4, at)
}

// ---------------------------------------------------------------------------------------------
// Values

/**
 * UTF-8 byte order (= code point order) of two strings. JavaScript's `<` compares UTF-16 code units,
 * which puts supplementary characters (surrogate pairs) below U+E000..U+FFFF.
 */
export const compareUtf8 = (a: string, b: string): number => {
  if (a === b) return 0
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x - y
      return codePointKey(a, i) - codePointKey(b, i)
    }
  }
  return a.length - b.length
}

/** Order key of the UTF-16 unit at `i`: surrogate pairs above the BMP, lone surrogates as U+FFFD. */
const codePointKey = (s: string, i: number): number => {
  const c = s.charCodeAt(i)
  if (c < 0xd800 || c >= 0xe000) return c
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1)
    return next >= 0xdc00 && next <= 0xdfff ? 0x10000 + c : 0xfffd
  }
  const prev = s.charCodeAt(i - 1)
  return prev >= 0xd800 && prev <= 0xdbff ? 0x10000 + c : 0xfffd
}

const jsonReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>)
  }
  return value
}

/**
 * The JSON text written for a value in a `json` column: `bigint` as a number when it is safe, else
 * as a decimal string; typed arrays as arrays; `Date` as its ISO string; non-finite numbers as null.
 */
export const toJsonText = (value: unknown): string => JSON.stringify(value, jsonReplacer) ?? "null"

/** One leaf column of a row group, flattened into levels and non-null values. */
interface Leaf {
  /** Number of level entries. */
  levels: number
  defs: Uint8Array
  reps: Uint8Array | undefined
  maxDef: number
  /** Non-null values, in one of these (by physical type). */
  strs: Array<string> | undefined
  bins: Array<Uint8Array> | undefined
  i64: BigInt64Array | undefined
  i32: Int32Array | undefined
  f64: Float64Array | undefined
  bools: Uint8Array | undefined
  count: number
  /** Level index of every page start after the first (always a row start). */
  breaks: Array<number>
  nulls: number
}

const newLeaf = (levels: number, maxDef: number, lists: boolean): Leaf => ({
  levels,
  defs: new Uint8Array(levels),
  reps: lists ? new Uint8Array(levels) : undefined,
  maxDef,
  strs: undefined,
  bins: undefined,
  i64: undefined,
  i32: undefined,
  f64: undefined,
  bools: undefined,
  count: 0,
  breaks: [],
  nulls: 0
})

const describeValue = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "array" : v instanceof Date ? "Date" : typeof v

const mismatch = (name: string, type: ColumnType, v: unknown): never => {
  throw new TypeError(`column ${name} (${type}) cannot hold a value of type ${describeValue(v)}`)
}

const toInt64 = (name: string, type: ColumnType, v: unknown): bigint => {
  if (typeof v === "bigint") return v
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v)
  return mismatch(name, type, v)
}

const toDouble = (name: string, type: ColumnType, v: unknown): number => {
  if (typeof v === "number") return v
  if (typeof v === "bigint") return Number(v)
  return mismatch(name, type, v)
}

/**
 * Fill a flat leaf from column `name` of `rows[start, start + leaf.levels)`: a page starts before the
 * row at which `pageSize` bytes of values have gathered. `put` takes each non-null value and returns
 * its bytes, or -1 to leave it null (its definition level stays 0).
 */
const fillFlat = (
  leaf: Leaf,
  rows: ReadonlyArray<Record<string, unknown>>,
  start: number,
  name: string,
  pageSize: number,
  put: (v: unknown) => number
): void => {
  const n = leaf.levels
  const defs = leaf.defs
  let acc = 0
  for (let i = 0; i < n; i++) {
    if (acc >= pageSize) {
      leaf.breaks.push(i)
      acc = 0
    }
    const v = rows[start + i]![name]
    if (v === null || v === undefined) continue
    const bytes = put(v)
    if (bytes < 0) continue
    defs[i] = 1
    acc += bytes
  }
}

/**
 * Flattens column `name` (of `type`) of `rows[start, end)` into one leaf, with a page break before the
 * row at which `pageSize` bytes of values have gathered.
 */
type LeafBuilder = (
  rows: ReadonlyArray<Record<string, unknown>>,
  start: number,
  end: number,
  name: string,
  type: ColumnType,
  pageSize: number
) => Leaf

/** Flatten a scalar column. */
const flatLeaf: LeafBuilder = (rows, start, end, name, type, pageSize) => {
  const n = end - start
  const leaf = newLeaf(n, 1, false)
  let count = 0
  switch (type) {
    case "string":
    case "json": {
      const strs: Array<string> = []
      const json = type === "json"
      fillFlat(leaf, rows, start, name, pageSize, (v) => {
        const s = json ? toJsonText(v) : typeof v === "string" ? v : mismatch(name, type, v)
        strs.push(s)
        return s.length + 4
      })
      count = strs.length
      leaf.strs = strs
      break
    }
    case "binary": {
      const bins: Array<Uint8Array> = []
      fillFlat(leaf, rows, start, name, pageSize, (v) => {
        if (!(v instanceof Uint8Array)) mismatch(name, type, v)
        bins.push(v as Uint8Array)
        return (v as Uint8Array).length + 4
      })
      count = bins.length
      leaf.bins = bins
      break
    }
    case "int64":
    case "timestamp": {
      const out = new BigInt64Array(n)
      const ts = type === "timestamp"
      fillFlat(leaf, rows, start, name, pageSize, (v) => {
        if (ts) {
          if (!(v instanceof Date)) mismatch(name, type, v)
          const t = (v as Date).getTime()
          if (Number.isNaN(t)) return -1
          out[count++] = BigInt(t)
        } else {
          out[count++] = toInt64(name, type, v)
        }
        return 8
      })
      leaf.i64 = out
      break
    }
    case "double": {
      const out = new Float64Array(n)
      fillFlat(leaf, rows, start, name, pageSize, (v) => {
        out[count++] = toDouble(name, type, v)
        return 8
      })
      leaf.f64 = out
      break
    }
    case "boolean": {
      const out = new Uint8Array(n)
      // booleans are never split into pages by size
      fillFlat(leaf, rows, start, name, Infinity, (v) => {
        if (typeof v !== "boolean") mismatch(name, type, v)
        out[count++] = v ? 1 : 0
        return 0
      })
      leaf.bools = out
      break
    }
    default:
      throw new TypeError(`column ${name}: ${type} is not a scalar type`)
  }
  leaf.count = count
  leaf.nulls = n - count
  return leaf
}

/** Flatten a list column into repetition/definition levels (max def 3: list, element). */
const listLeaf: LeafBuilder = (rows, start, end, name, type, pageSize) => {
  const element = listElement(type)!
  // first pass: count level entries
  let levels = 0
  for (let i = start; i < end; i++) {
    const v = rows[i]![name]
    if (v === null || v === undefined) levels++
    else if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      const len = (v as ArrayLike<unknown>).length
      levels += len === 0 ? 1 : len
    } else mismatch(name, type, v)
  }
  const leaf = newLeaf(levels, 3, true)
  const defs = leaf.defs
  const reps = leaf.reps!
  const strs: Array<string> | undefined = element === "string" ? [] : undefined
  const i64 = element === "int64" ? new BigInt64Array(levels) : undefined
  const i32 = element === "int32" ? new Int32Array(levels) : undefined
  const f64 = element === "double" ? new Float64Array(levels) : undefined
  const bools = element === "boolean" ? new Uint8Array(levels) : undefined
  const width = element === "string" ? 0 : element === "boolean" ? 1 : element === "int32" ? 4 : 8
  let l = 0
  let count = 0
  let acc = 0
  for (let i = start; i < end; i++) {
    if (acc >= pageSize && l > 0) {
      leaf.breaks.push(l)
      acc = 0
    }
    const v = rows[i]![name] as ArrayLike<unknown> | null | undefined
    if (v === null || v === undefined) {
      defs[l++] = 0
      continue
    }
    const len = v.length
    if (len === 0) {
      defs[l++] = 1
      continue
    }
    for (let j = 0; j < len; j++) {
      const x = v[j]
      reps[l] = j === 0 ? 0 : 1
      if (x === null || x === undefined) {
        defs[l++] = 2
        continue
      }
      defs[l++] = 3
      switch (element) {
        case "string":
          if (typeof x !== "string") mismatch(name, type, x)
          strs!.push(x as string)
          acc += (x as string).length + 4
          break
        case "int64":
          i64![count] = toInt64(name, type, x)
          break
        case "int32":
          if (typeof x !== "number" || !Number.isInteger(x) || x < -0x80000000 || x > 0x7fffffff) mismatch(name, type, x)
          i32![count] = x as number
          break
        case "double":
          f64![count] = toDouble(name, type, x)
          break
        case "boolean":
          if (typeof x !== "boolean") mismatch(name, type, x)
          bools![count] = x ? 1 : 0
          break
      }
      count++
      acc += width
    }
  }
  leaf.strs = strs
  leaf.i64 = i64
  leaf.i32 = i32
  leaf.f64 = f64
  leaf.bools = bools
  leaf.count = element === "string" ? strs!.length : count
  leaf.nulls = levels - leaf.count
  return leaf
}

// ---------------------------------------------------------------------------------------------
// Statistics

const stringStats = (values: ReadonlyArray<string>, n: number): [string, string] | undefined => {
  if (n === 0) return undefined
  let min = values[0]!
  let max = min
  for (let i = 1; i < n; i++) {
    const v = values[i]!
    if (compareUtf8(v, min) < 0) min = v
    else if (compareUtf8(v, max) > 0) max = v
  }
  return [min, max]
}

/** Smallest and largest of `a[0, n)` (n > 0). */
const minMax = <T extends number | bigint>(a: ArrayLike<T>, n: number): [T, T] => {
  let min = a[0]!
  let max = min
  for (let i = 1; i < n; i++) {
    const v = a[i]!
    if (v < min) min = v
    else if (v > max) max = v
  }
  return [min, max]
}

const statistics = (leaf: Leaf, type: ColumnType, dictionary: ReadonlyArray<string> | undefined): Statistics => {
  const stats: Statistics = { null_count: BigInt(leaf.nulls) }
  const n = leaf.count
  if (n === 0) return stats
  const element = listElement(type) ?? type
  if (element === "string") {
    const mm = dictionary ? stringStats(dictionary, dictionary.length) : stringStats(leaf.strs!, n)
    if (mm) [stats.min_value, stats.max_value] = mm
  } else if (element === "int64" || element === "timestamp") {
    [stats.min_value, stats.max_value] = minMax(leaf.i64!, n)
  } else if (element === "int32") {
    [stats.min_value, stats.max_value] = minMax(leaf.i32!, n)
  } else if (element === "double") {
    const a = leaf.f64!
    let min = Infinity
    let max = -Infinity
    let seen = false
    for (let i = 0; i < n; i++) {
      const v = a[i]!
      if (v !== v) continue
      seen = true
      if (v < min) min = v
      if (v > max) max = v
    }
    if (seen) {
      stats.min_value = min === 0 ? -0 : min
      stats.max_value = max === 0 ? 0 : max
    }
  } else if (element === "boolean") {
    const a = leaf.bools!
    let any0 = false
    let any1 = false
    for (let i = 0; i < n; i++) {
      if (a[i]) any1 = true
      else any0 = true
    }
    stats.min_value = !any0
    stats.max_value = any1
  }
  return stats
}

// ---------------------------------------------------------------------------------------------
// Dictionary

/** Largest dictionary (UTF-16 units of distinct values) a column chunk may have. */
const maxDictionaryChars = 1 << 20

interface Dictionary {
  readonly values: Array<string>
  readonly indexes: Int32Array
}

/**
 * Build a dictionary for a string leaf when it pays: a sample of 64 values must repeat (at most
 * half distinct), and the full dictionary must stay small and at most half the values distinct.
 */
const buildDictionary = (strs: ReadonlyArray<string>, n: number): Dictionary | undefined => {
  if (n < 2) return undefined
  const sample = Math.min(n, 64)
  const seen = new Set<string>()
  for (let k = 0; k < sample; k++) seen.add(strs[Math.floor((k * n) / sample)]!)
  if (seen.size * 2 > sample) return undefined
  const map = new Map<string, number>()
  const values: Array<string> = []
  const indexes = new Int32Array(n)
  let chars = 0
  for (let i = 0; i < n; i++) {
    const s = strs[i]!
    let index = map.get(s)
    if (index === undefined) {
      index = values.length
      chars += s.length
      if (chars > maxDictionaryChars || index * 2 > n) return undefined
      map.set(s, index)
      values.push(s)
    }
    indexes[i] = index
  }
  return { values, indexes }
}

// ---------------------------------------------------------------------------------------------
// Pages

const writeStrings = (s: Scratch, strs: ReadonlyArray<string>, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const v = strs[i]!
    s.ensure(4 + v.length * 3)
    const n = s.buf.write(v, s.len + 4)
    s.buf.writeUInt32LE(n, s.len)
    s.len += 4 + n
  }
}

const writeBinaries = (s: Scratch, bins: ReadonlyArray<Uint8Array>, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const v = bins[i]!
    s.ensure(4 + v.length)
    s.buf.writeUInt32LE(v.length, s.len)
    s.buf.set(v, s.len + 4)
    s.len += 4 + v.length
  }
}

const writeTyped = (s: Scratch, array: BigInt64Array | Int32Array | Float64Array, from: number, to: number) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset + from * array.BYTES_PER_ELEMENT, (to - from) * array.BYTES_PER_ELEMENT)
  s.ensure(bytes.length)
  s.buf.set(bytes, s.len)
  s.len += bytes.length
}

const writeBooleans = (s: Scratch, bools: Uint8Array, from: number, to: number) => {
  const n = to - from
  s.ensure((n + 7) >> 3)
  const buf = s.buf
  let pos = s.len
  for (let i = 0; i < n; i += 8) {
    let byte = 0
    for (let k = 0; k < 8 && i + k < n; k++) if (bools[from + i + k]) byte |= 1 << k
    buf[pos++] = byte
  }
  s.len = pos
}

const headerBytes = (header: PageHeader): Uint8Array => {
  const w = new ByteWriter(64)
  // hyparquet-writer is typed against its own copy of hyparquet: same shapes, other declarations
  writePageHeader(w, header as unknown as Parameters<typeof writePageHeader>[1])
  return w.getBytes()
}

/**
 * Compress a page's bytes and append its header and compressed bytes to `out`; returns the page's
 * compressed and uncompressed sizes, header included.
 */
const appendPage = (
  out: Output,
  ctx: EncodeContext,
  raw: Uint8Array,
  type: PageHeader["type"],
  header: Pick<PageHeader, "dictionary_page_header"> | Pick<PageHeader, "data_page_header">
): [compressed: number, uncompressed: number] => {
  const packed = ctx.compress(raw)
  const bytes = headerBytes({
    type,
    uncompressed_page_size: raw.length,
    compressed_page_size: packed.length,
    ...header
  })
  out.append(bytes)
  out.append(packed)
  return [bytes.length + packed.length, bytes.length + raw.length]
}

const physicalType = (type: ColumnType) => {
  const element = listElement(type) ?? type
  switch (element) {
    case "string":
    case "json":
    case "binary":
      return "BYTE_ARRAY" as const
    case "int64":
    case "timestamp":
      return "INT64" as const
    case "int32":
      return "INT32" as const
    case "double":
      return "DOUBLE" as const
    case "boolean":
      return "BOOLEAN" as const
  }
  throw new TypeError(`unknown column type ${type}`)
}

/**
 * Encode one column of `rows[start, end)` as a column chunk, append its pages to `out` and return
 * its metadata.
 */
export const writeColumnChunk = (
  out: Output,
  ctx: EncodeContext,
  name: string,
  type: ColumnType,
  rows: ReadonlyArray<Record<string, unknown>>,
  start: number,
  end: number
): ColumnChunk => {
  const isList = listElement(type) !== undefined
  const leaf = isList ? listLeaf(rows, start, end, name, type, ctx.pageSize) : flatLeaf(rows, start, end, name, type, ctx.pageSize)
  const s = ctx.scratch
  const chunkStart = out.offset
  let compressedTotal = 0
  let uncompressedTotal = 0
  const dictionary = leaf.strs !== undefined && type !== "json" ? buildDictionary(leaf.strs, leaf.count) : undefined
  let dictionaryOffset: bigint | undefined
  if (dictionary) {
    dictionaryOffset = BigInt(out.offset)
    s.len = 0
    writeStrings(s, dictionary.values, 0, dictionary.values.length)
    const [compressed, uncompressed] = appendPage(out, ctx, s.buf.subarray(0, s.len), "DICTIONARY_PAGE", {
      dictionary_page_header: { num_values: dictionary.values.length, encoding: "PLAIN" }
    })
    compressedTotal += compressed
    uncompressedTotal += uncompressed
  }
  const dataOffset = BigInt(out.offset)
  const defWidth = bitWidthOf(leaf.maxDef)
  const indexWidth = dictionary ? Math.max(1, bitWidthOf(dictionary.values.length - 1)) : 0
  const encoding: Encoding = dictionary ? "RLE_DICTIONARY" : "PLAIN"
  let valueAt = 0
  const pages = leaf.breaks.length + 1
  for (let p = 0; p < pages; p++) {
    const l0 = p === 0 ? 0 : leaf.breaks[p - 1]!
    const l1 = p === pages - 1 ? leaf.levels : leaf.breaks[p]!
    // values of this page: the entries with the maximum definition level
    let valueEnd = valueAt
    const defs = leaf.defs
    for (let l = l0; l < l1; l++) if (defs[l] === leaf.maxDef) valueEnd++
    s.len = 0
    if (leaf.reps) writeLevels(s, leaf.reps, l0, l1, 1)
    writeLevels(s, defs, l0, l1, defWidth)
    if (dictionary) {
      s.u8(indexWidth)
      rleHybrid(s, dictionary.indexes, valueAt, valueEnd, indexWidth)
    } else if (leaf.strs) writeStrings(s, leaf.strs, valueAt, valueEnd)
    else if (leaf.bins) writeBinaries(s, leaf.bins, valueAt, valueEnd)
    else if (leaf.i64) writeTyped(s, leaf.i64, valueAt, valueEnd)
    else if (leaf.i32) writeTyped(s, leaf.i32, valueAt, valueEnd)
    else if (leaf.f64) writeTyped(s, leaf.f64, valueAt, valueEnd)
    else if (leaf.bools) writeBooleans(s, leaf.bools, valueAt, valueEnd)
    valueAt = valueEnd
    const [compressed, uncompressed] = appendPage(out, ctx, s.buf.subarray(0, s.len), "DATA_PAGE", {
      data_page_header: {
        num_values: l1 - l0,
        encoding,
        definition_level_encoding: "RLE",
        repetition_level_encoding: "RLE"
      }
    })
    compressedTotal += compressed
    uncompressedTotal += uncompressed
  }
  const element = listElement(type) ?? type
  const withStats = element !== "json" && element !== "binary"
  const meta: ColumnChunk["meta_data"] = {
    type: physicalType(type),
    encodings: dictionary ? ["PLAIN", "RLE", "RLE_DICTIONARY"] : ["PLAIN", "RLE"],
    path_in_schema: isList ? [name, "list", "element"] : [name],
    codec: ctx.codec,
    num_values: BigInt(leaf.levels),
    total_uncompressed_size: BigInt(uncompressedTotal),
    total_compressed_size: BigInt(compressedTotal),
    data_page_offset: dataOffset,
    statistics: withStats ? statistics(leaf, type, dictionary?.values) : { null_count: BigInt(leaf.nulls) }
  }
  if (dictionaryOffset !== undefined) meta.dictionary_page_offset = dictionaryOffset
  return { file_offset: BigInt(chunkStart), meta_data: meta }
}
