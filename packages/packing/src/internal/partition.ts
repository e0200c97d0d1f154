/**
 * The partition files of the pack pipeline: files routed by repository hash, stored as binary
 * records so the later stage reads them back without parsing JSON.
 *
 * Record: `u32 repo bytes, u32 path bytes, u32 content bytes, f64 stars (NaN: none)`, then the
 * three UTF-8 strings. Little-endian.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { Doc, Sink } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { TokenDatasetError } from "../Errors.ts"
import { pad, temporary } from "./files.ts"
import { fnv1a } from "./rng.ts"

/** A file as stored in a partition. */
export interface Row {
  readonly repo: string
  readonly path: string
  readonly content: string
  readonly stars: number | undefined
}

const HEADER = 20

/** Input columns read (Parquet projection; `content` always). */
export const columns = ["repo_name", "path", "star_events_count", "max_stars_repo_name", "max_stars_repo_path", "max_stars_count"]

const str = (v: unknown): string => typeof v === "string" ? v : v === null || v === undefined ? "" : String(v)
const num = (v: unknown): number | undefined => typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined

/** The fields packing uses, from a Doc (The Stack v2 names, or v1's `max_stars_*`). */
export const toRow = (doc: Doc): Row => ({
  repo: str(doc.repo_name ?? doc.max_stars_repo_name),
  path: str(doc.path ?? doc.max_stars_repo_path),
  content: doc.content,
  stars: num(doc.star_events_count) ?? num(doc.max_stars_count)
})

/** Grouping key: the repository, or (no repository) the file itself. */
export const groupKey = (row: Row): string => row.repo.length > 0 ? row.repo : `\u0000${row.path}\u0000${fnv1a(row.content)}`

const pattern = /^p-(\d{5})-t(\d{5})\.bin$/

/** `p-PPPPP-tTTTTT.bin`. */
export const fileName = (partition: number, task: number): string => `p-${pad(partition)}-t${pad(task)}.bin`

/** The files of one partition in `dir`, in task order. */
export const filesOf = (dir: string, partition: number): Array<string> => {
  const prefix = `p-${pad(partition)}-`
  try {
    return fs.readdirSync(dir).filter((n) => n.startsWith(prefix) && pattern.test(n)).sort().map((n) => path.join(dir, n))
  } catch {
    return []
  }
}

/** Buffered writer of one partition file. */
class RecordWriter {
  private buffer = Buffer.allocUnsafe(1 << 20)
  private used = 0
  private readonly fd: number
  readonly file: string
  constructor(file: string) {
    this.file = file
    this.fd = fs.openSync(temporary(file), "w")
  }
  add(row: Row): void {
    const r = Buffer.byteLength(row.repo)
    const p = Buffer.byteLength(row.path)
    const c = Buffer.byteLength(row.content)
    const need = HEADER + r + p + c
    if (this.used + need > this.buffer.length) {
      this.flush()
      if (need > this.buffer.length) this.buffer = Buffer.allocUnsafe(need)
    }
    const b = this.buffer
    let o = this.used
    b.writeUInt32LE(r, o)
    b.writeUInt32LE(p, o + 4)
    b.writeUInt32LE(c, o + 8)
    b.writeDoubleLE(row.stars ?? NaN, o + 12)
    o += HEADER
    o += b.write(row.repo, o, "utf8")
    o += b.write(row.path, o, "utf8")
    o += b.write(row.content, o, "utf8")
    this.used = o
  }
  flush(): void {
    if (this.used > 0) fs.writeSync(this.fd, this.buffer, 0, this.used)
    this.used = 0
  }
  close(): void {
    this.flush()
    fs.closeSync(this.fd)
    fs.renameSync(temporary(this.file), this.file)
  }
  abort(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // closed
    }
    fs.rmSync(temporary(this.file), { force: true })
  }
}

/** Sink writing each task's rows to one file per partition (atomically, at the end of the task). */
export const sink = (dir: string, partitions: number, keyOf: (row: Row) => string): Sink.Sink<Row> => ({
  name: "pack-partitions",
  dir,
  ownsFile: (name) => pattern.test(name),
  ownsTaskFile: (name, rank) => Number(pattern.exec(name)?.[2] ?? -1) === rank,
  write: (rows, shard) =>
    Effect.suspend(() => {
      fs.mkdirSync(dir, { recursive: true })
      const writers = Array.from({ length: partitions }, (_, p) => new RecordWriter(path.join(dir, fileName(p, shard.rank))))
      return Stream.runForEach(rows, (row) => Effect.sync(() => writers[fnv1a(keyOf(row)) % partitions]!.add(row))).pipe(
        Effect.map(() => writers.map((w) => (w.close(), w.file))),
        Effect.onError(() => Effect.sync(() => writers.forEach((w) => w.abort())))
      )
    })
})

/** Call `f` for every record of a partition file, reading it in blocks; throws {@link TokenDatasetError}. */
export const forEachRow = (file: string, f: (row: Row) => void): void => {
  const fd = fs.openSync(file, "r")
  try {
    let buf = Buffer.allocUnsafe(16 << 20)
    let start = 0
    let end = 0
    let offset = 0 // file offset of buf[start]
    for (;;) {
      // parse complete records
      while (end - start >= HEADER) {
        const r = buf.readUInt32LE(start)
        const p = buf.readUInt32LE(start + 4)
        const c = buf.readUInt32LE(start + 8)
        const size = HEADER + r + p + c
        if (end - start < size) break
        const stars = buf.readDoubleLE(start + 12)
        let o = start + HEADER
        const repo = buf.toString("utf8", o, o += r)
        const filePath = buf.toString("utf8", o, o += p)
        const content = buf.toString("utf8", o, o += c)
        f({ repo, path: filePath, content, stars: Number.isNaN(stars) ? undefined : stars })
        start += size
        offset += size
      }
      // keep the partial record at the front; grow for a record larger than the buffer
      const rest = end - start
      if (rest >= HEADER) {
        const size = HEADER + buf.readUInt32LE(start) + buf.readUInt32LE(start + 4) + buf.readUInt32LE(start + 8)
        if (size > buf.length) {
          const bigger = Buffer.allocUnsafe(size)
          buf.copy(bigger, 0, start, end)
          buf = bigger
          start = 0
          end = rest
        }
      }
      if (start > 0) {
        buf.copy(buf, 0, start, end)
        start = 0
        end = rest
      }
      const got = fs.readSync(fd, buf, end, buf.length - end, null)
      if (got === 0) {
        if (end > 0) throw new TokenDatasetError({ file, position: `byte ${offset}`, reason: `truncated record (${end} bytes left over)` })
        return
      }
      end += got
    }
  } finally {
    fs.closeSync(fd)
  }
}
