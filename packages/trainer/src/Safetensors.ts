/**
 * The safetensors format (8-byte little-endian header size, JSON header, row-major little-endian
 * data): a writer (atomic: temporary file, then rename; header padded to 8 bytes, tensors in order)
 * and a reader of F32, F16, BF16 tensors (read as Float32Array) with checks on coverage and
 * bounds. Errors name the file and tensor.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { TrainerError } from "./Errors.ts"

/** @since 0.1.0 @category models */
export interface NamedTensor {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  readonly data: Float32Array
}

/** The bytes of a safetensors file holding F32 tensors. @since 0.1.0 @category encoding */
export const encode = (tensors: ReadonlyArray<NamedTensor>, metadata?: Readonly<Record<string, string>>): Uint8Array => {
  const header: Record<string, unknown> = {}
  if (metadata) header.__metadata__ = metadata
  let offset = 0
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1)
    if (size !== t.data.length) throw new TrainerError({ file: "<safetensors>", position: t.name, reason: `shape [${t.shape.join(", ")}] does not match ${t.data.length} values` })
    if (t.name in header) throw new TrainerError({ file: "<safetensors>", position: t.name, reason: "duplicate tensor name" })
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + size * 4] }
    offset += size * 4
  }
  let json = JSON.stringify(header)
  const jsonBytes = Buffer.byteLength(json)
  json += " ".repeat((8 - ((8 + jsonBytes) % 8)) % 8)
  const head = Buffer.from(json, "utf8")
  const bytes = new Uint8Array(8 + head.length + offset)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(head.length), true)
  bytes.set(head, 8)
  let p = 8 + head.length
  for (const t of tensors) {
    bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p)
    p += t.data.byteLength
  }
  return bytes
}

/** Writes a file atomically (temporary name in the same directory, then rename). @since 0.1.0 @category writing */
export const writeFileAtomic = (file: string, bytes: Uint8Array | string): void => {
  const tmp = `${file}.tmp-${process.pid}`
  fs.writeFileSync(tmp, bytes)
  fs.renameSync(tmp, file)
}

/** Writes F32 tensors to a safetensors file, atomically. @since 0.1.0 @category writing */
export const write = (file: string, tensors: ReadonlyArray<NamedTensor>, metadata?: Readonly<Record<string, string>>): void =>
  writeFileAtomic(file, encode(tensors, metadata))

const f16ToF32 = (h: number): number => {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * f * 2 ** -24
  if (e === 31) return f ? Number.NaN : s * Infinity
  return s * (1 + f / 1024) * 2 ** (e - 15)
}

/** Parses safetensors bytes; `file` names errors. @since 0.1.0 @category decoding */
export const decode = (bytes: Uint8Array, file: string): { readonly tensors: ReadonlyArray<NamedTensor>; readonly metadata: Readonly<Record<string, string>> } => {
  if (bytes.length < 8) throw new TrainerError({ file, position: "header", reason: "file shorter than the 8-byte header size" })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = Number(view.getBigUint64(0, true))
  if (n > 100_000_000 || 8 + n > bytes.length) throw new TrainerError({ file, position: "header", reason: `header size ${n} exceeds the file` })
  let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }>
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString("utf8"))
  } catch (cause) {
    throw new TrainerError({ file, position: "header", reason: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` })
  }
  const base = 8 + n
  const dataLength = bytes.length - base
  const tensors: Array<NamedTensor> = []
  const spans: Array<[number, number]> = []
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue
    const shape = info.shape
    const offsets = info.data_offsets
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new TrainerError({ file, position: name, reason: "bad shape" })
    if (!Array.isArray(offsets) || offsets.length !== 2) throw new TrainerError({ file, position: name, reason: "bad data_offsets" })
    const [begin, end] = offsets as [number, number]
    const size = (shape as Array<number>).reduce((a, b) => a * b, 1)
    const width = info.dtype === "F32" ? 4 : info.dtype === "F16" || info.dtype === "BF16" ? 2 : 0
    if (width === 0) throw new TrainerError({ file, position: name, reason: `unsupported dtype ${String(info.dtype)} (F32, F16, BF16 are read)` })
    if (!(begin >= 0 && end <= dataLength && end - begin === size * width)) throw new TrainerError({ file, position: name, reason: `data_offsets [${begin}, ${end}] do not match shape and the ${dataLength}-byte buffer` })
    spans.push([begin, end])
    const data = new Float32Array(size)
    const at = bytes.byteOffset + base + begin
    if (width === 4) {
      if (at % 4 === 0) data.set(new Float32Array(bytes.buffer, at, size))
      else for (let i = 0; i < size; i++) data[i] = view.getFloat32(base + begin + 4 * i, true)
    } else if (info.dtype === "F16") {
      for (let i = 0; i < size; i++) data[i] = f16ToF32(view.getUint16(base + begin + 2 * i, true))
    } else {
      const u32 = new Uint32Array(1)
      const f32 = new Float32Array(u32.buffer)
      for (let i = 0; i < size; i++) {
        u32[0] = view.getUint16(base + begin + 2 * i, true) << 16
        data[i] = f32[0]!
      }
    }
    tensors.push({ name, shape: shape as Array<number>, data })
  }
  spans.sort((a, b) => a[0] - b[0])
  let covered = 0
  for (const [b, e] of spans) {
    if (b !== covered) throw new TrainerError({ file, position: "data", reason: `bytes ${covered}..${b} are a hole or an overlap` })
    covered = e
  }
  if (covered !== dataLength) throw new TrainerError({ file, position: "data", reason: `${dataLength - covered} trailing bytes not covered by any tensor` })
  const meta = header.__metadata__
  return { tensors, metadata: (meta && typeof meta === "object" ? meta : {}) as Record<string, string> }
}

/** Reads a safetensors file. @since 0.1.0 @category reading */
export const read = (file: string): ReturnType<typeof decode> => {
  let bytes: Uint8Array
  try {
    bytes = fs.readFileSync(file)
  } catch (cause) {
    throw new TrainerError({ file, reason: `cannot read: ${cause instanceof Error ? cause.message : String(cause)}` })
  }
  return decode(bytes, file)
}
