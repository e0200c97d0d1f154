/**
 * Resolve an input argument (a file, a directory, a glob, or a list of them) into a sorted list of
 * files with one of the given extensions. Sorting makes shard assignment deterministic.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { InputNotFound } from "../Errors.ts"

const hasGlob = (p: string) => /[*?[\]{}]/.test(p)

const matches = (file: string, extensions: ReadonlyArray<string>) =>
  extensions.length === 0 || extensions.some((ext) => file.endsWith(ext))

/**
 * Files under a directory (recursive, hidden entries skipped) with one of the extensions. In an
 * output directory of a pipeline stage (one holding `.pretrain`), the `rejects` folder is not input.
 */
const walk = (dir: string, extensions: ReadonlyArray<string>, out: Array<string>) => {
  const entries = fs.readdirSync(dir, { withFileTypes: true })
  const isStageOutput = entries.some((e) => e.name === ".pretrain" && e.isDirectory())
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue
    if (isStageOutput && entry.name === "rejects") continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, extensions, out)
    else if (entry.isFile() && matches(entry.name, extensions)) out.push(full)
  }
}

/** Synchronous form, for code outside Effect. Throws {@link InputNotFound}. */
export const resolveInputsSync = (
  input: string | ReadonlyArray<string>,
  extensions: ReadonlyArray<string>
): Array<string> => {
  const inputs = typeof input === "string" ? [input] : input
  const files: Array<string> = []
  for (const item of inputs) {
    const before = files.length
    if (hasGlob(item)) {
      for (const f of fs.globSync(item)) {
        const stat = fs.statSync(f, { throwIfNoEntry: false })
        if (stat?.isFile() && matches(f, extensions)) files.push(path.resolve(f))
      }
    } else {
      const stat = fs.statSync(item, { throwIfNoEntry: false })
      if (stat === undefined) throw new InputNotFound({ path: item })
      if (stat.isDirectory()) walk(path.resolve(item), extensions, files)
      else files.push(path.resolve(item))
    }
    if (files.length === before) throw new InputNotFound({ path: item })
  }
  return [...new Set(files)].sort()
}

/** Resolve inputs to sorted absolute file paths; fails with {@link InputNotFound} when nothing matches. */
export const resolveInputs = (
  input: string | ReadonlyArray<string>,
  extensions: ReadonlyArray<string>
): Effect.Effect<Array<string>, InputNotFound> =>
  Effect.try({
    try: () => resolveInputsSync(input, extensions),
    catch: (e) => e instanceof InputNotFound ? e : new InputNotFound({ path: String(input) })
  })
