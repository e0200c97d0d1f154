/**
 * Atomic file output: bytes go to a hidden temporary file in the same directory, which is renamed
 * over the final name only once complete and flushed.
 */
import * as fs from "node:fs"
import * as path from "node:path"

let counter = 0

/** The temporary name used while `file` is written (hidden, in the same directory). */
export const temporaryName = (file: string): string =>
  path.join(path.dirname(file), `.tmp-${process.pid}-${counter++}-${path.basename(file)}`)

/** Is this directory entry a leftover temporary file? */
export const isTemporaryName = (name: string): boolean => name.startsWith(".tmp-")

/** An open atomic output: append chunks, then `commit` (rename into place) or `abort`. */
export class AtomicFile {
  private readonly fd: number
  readonly tmp: string
  readonly file: string
  bytes = 0

  constructor(file: string) {
    this.file = file
    fs.mkdirSync(path.dirname(file), { recursive: true })
    this.tmp = temporaryName(file)
    this.fd = fs.openSync(this.tmp, "w")
  }

  write(chunk: Uint8Array): void {
    let off = 0
    while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off, chunk.length - off)
    this.bytes += chunk.length
  }

  commit(): string {
    fs.fsyncSync(this.fd)
    fs.closeSync(this.fd)
    fs.renameSync(this.tmp, this.file)
    return this.file
  }

  abort(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
    fs.rmSync(this.tmp, { force: true })
  }
}

/** Write a whole file atomically. */
export const writeFileAtomic = (file: string, data: Uint8Array | string): string => {
  const out = new AtomicFile(file)
  try {
    out.write(typeof data === "string" ? Buffer.from(data, "utf8") : data)
    return out.commit()
  } catch (e) {
    out.abort()
    throw e
  }
}
