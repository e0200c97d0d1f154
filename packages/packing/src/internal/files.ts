/** Small file helpers shared by the pipeline stages. */
import * as fs from "node:fs"
import * as path from "node:path"

/** A temporary name the dataflow executor recognises (and cleans up) for `file`. */
export const temporary = (file: string): string => path.join(path.dirname(file), `.tmp-${process.pid}-0-${path.basename(file)}`)

/** Write a file atomically (temporary name, then rename). */
export const writeAtomic = (file: string, data: string | Uint8Array): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = temporary(file)
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}

/** `n` zero-padded to `width` digits. */
export const pad = (n: number, width = 5): string => String(n).padStart(width, "0")
