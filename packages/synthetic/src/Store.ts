/**
 * The output directory of a run: `outputs.jsonl` (kept records) and `rejects.jsonl` (dropped ones,
 * with their reason), both append-only. Each record is written with one `write` and made durable
 * with `fsync` before the next request's result is written, so a killed run loses at most the
 * record being written; on opening, a torn last line (no newline) is cut off. Every record has the
 * request `id`; opening a store lists the ids already done, kept or rejected, so a rerun skips them.
 *
 * ```ts
 * const store = Store.open("out/")
 * store.done.has(id)          // already produced in an earlier run
 * store.append("outputs", { id, content, provenance })
 * store.close()
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { StoreError } from "./Errors.ts"

/** @since 0.1.0 @category models */
export type Sink = "outputs" | "rejects"

/** A persisted record: the request id plus anything. @since 0.1.0 @category models */
export interface StoredRecord {
  readonly id: string
  readonly [key: string]: unknown
}

/** Cuts a torn last line off and returns the complete records. */
const load = (file: string): Array<StoredRecord> => {
  if (!fs.existsSync(file)) return []
  const text = fs.readFileSync(file, "utf8")
  const end = text.lastIndexOf("\n") + 1
  if (end < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, end)))
  const records: Array<StoredRecord> = []
  const lines = text.slice(0, end).split("\n")
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue
    let record: unknown
    try {
      record = JSON.parse(lines[i]!)
    } catch (e) {
      throw new StoreError({ file, line: i + 1, reason: `not JSON: ${(e as Error).message}` })
    }
    if (typeof record !== "object" || record === null || typeof (record as { id?: unknown }).id !== "string") {
      throw new StoreError({ file, line: i + 1, reason: "record has no string id" })
    }
    records.push(record as StoredRecord)
  }
  return records
}

/**
 * An open output directory.
 *
 * @since 0.1.0 @category models
 */
export class Store {
  readonly dir: string
  /** Ids of every record written, by this run or earlier ones. */
  readonly done: Set<string>
  /** Records kept by earlier runs, in order (near-dedup is seeded with them). */
  readonly previous: ReadonlyArray<StoredRecord>
  private readonly fds: Record<Sink, number>

  private constructor(dir: string, done: Set<string>, previous: ReadonlyArray<StoredRecord>, fds: Record<Sink, number>) {
    this.dir = dir
    this.done = done
    this.previous = previous
    this.fds = fds
  }

  /** Opens (creating) a directory; throws {@link StoreError}. */
  static open(dir: string): Store {
    try {
      fs.mkdirSync(dir, { recursive: true })
    } catch (e) {
      throw new StoreError({ file: dir, reason: `cannot create: ${(e as Error).message}` })
    }
    const outputs = load(path.join(dir, "outputs.jsonl"))
    const rejects = load(path.join(dir, "rejects.jsonl"))
    const done = new Set<string>()
    for (const r of outputs) done.add(r.id)
    for (const r of rejects) done.add(r.id)
    const open = (name: string) => {
      try {
        return fs.openSync(path.join(dir, name), "a")
      } catch (e) {
        throw new StoreError({ file: path.join(dir, name), reason: `cannot open: ${(e as Error).message}` })
      }
    }
    return new Store(dir, done, outputs, { outputs: open("outputs.jsonl"), rejects: open("rejects.jsonl") })
  }

  /** Appends one record durably (write + fsync). */
  append(sink: Sink, record: StoredRecord): void {
    const fd = this.fds[sink]
    try {
      fs.writeSync(fd, `${JSON.stringify(record)}\n`)
      fs.fsyncSync(fd)
    } catch (e) {
      throw new StoreError({ file: path.join(this.dir, `${sink}.jsonl`), reason: `cannot append: ${(e as Error).message}` })
    }
    this.done.add(record.id)
  }

  close(): void {
    fs.closeSync(this.fds.outputs)
    fs.closeSync(this.fds.rejects)
  }
}
