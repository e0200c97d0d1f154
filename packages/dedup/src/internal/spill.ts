/**
 * The binary files of the multi-stage mode, each self-checking: a 4-byte magic, a version, a small
 * header of u32 values, a 16-byte checksum (SHA-256, truncated) over header and body, then the body
 * (records of u32 or f64 values, little-endian). A truncated or altered file fails with
 * `CorruptFile` naming the file and where.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { CorruptFile } from "../Errors.ts"

const VERSION = 1
const PREFIX = 12

const checksum = (header: Uint8Array, body: Uint8Array): Buffer => createHash("sha256").update(header).update(body).digest().subarray(0, 16)

/** Encode a file: magic (4 ASCII characters), header values (u32), body bytes. */
export const encode = (magic: string, header: ReadonlyArray<number>, body: Uint8Array): Uint8Array => {
  const head = Buffer.alloc(PREFIX + 4 * header.length)
  head.write(magic, 0, "latin1")
  head.writeUInt32LE(VERSION, 4)
  head.writeUInt32LE(header.length, 8)
  header.forEach((v, i) => head.writeUInt32LE(v >>> 0, PREFIX + 4 * i))
  return Buffer.concat([head, checksum(head, body), body])
}

/** A decoded file: its header values and its body (aligned copy). */
export interface Decoded {
  readonly header: ReadonlyArray<number>
  readonly body: Uint8Array<ArrayBuffer>
}

/** Read and check a file written by {@link encode}; throws `CorruptFile`. */
export const decode = (file: string, magic: string): Decoded => {
  const bytes = fs.readFileSync(file)
  const fail = (position: string, reason: string) => new CorruptFile({ file, position, reason })
  if (bytes.length < PREFIX) throw fail("byte 0", `truncated: ${bytes.length} bytes`)
  if (bytes.toString("latin1", 0, 4) !== magic) throw fail("byte 0", `not a ${magic} file`)
  if (bytes.readUInt32LE(4) !== VERSION) throw fail("byte 4", `unknown version ${bytes.readUInt32LE(4)}`)
  const n = bytes.readUInt32LE(8)
  const bodyAt = PREFIX + 4 * n + 16
  if (bytes.length < bodyAt) throw fail(`byte ${bytes.length}`, "truncated header")
  const head = bytes.subarray(0, PREFIX + 4 * n)
  const body = new Uint8Array(bytes.length - bodyAt)
  body.set(bytes.subarray(bodyAt))
  if (!checksum(head, body).equals(bytes.subarray(PREFIX + 4 * n, bodyAt))) throw fail(`byte ${PREFIX + 4 * n}`, "checksum mismatch (truncated or altered)")
  const header: Array<number> = []
  for (let i = 0; i < n; i++) header.push(head.readUInt32LE(PREFIX + 4 * i))
  return { header, body }
}

/** u32 view of a body, checking that its length is a whole number of `width`-value records. */
export const u32Records = (file: string, body: Uint8Array<ArrayBuffer>, width: number, count: number): Uint32Array<ArrayBuffer> => {
  if (body.byteLength !== 4 * width * count) {
    throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: `expected ${count} records of ${4 * width} bytes, found ${body.byteLength} bytes` })
  }
  return new Uint32Array(body.buffer, body.byteOffset, width * count)
}

/** Zero-padded number. */
export const pad = (n: number, width: number): string => String(n).padStart(width, "0")
