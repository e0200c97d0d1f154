/**
 * Listing the files of a directory tree: recursive, synchronous, symbolic links never followed,
 * paths relative to the root and `/`-separated, sorted so that shard assignment is deterministic.
 */
import * as fs from "node:fs"

/** Directory names skipped everywhere by default: version-control metadata. */
export const vcsDirs: ReadonlySet<string> = new Set([".git", ".hg", ".svn", ".bzr", "_darcs", "CVS"])

/** @internal */
export interface WalkOptions {
  /** Skip a directory (and everything under it); `rel` is its path relative to the root. */
  readonly skipDir?: ((name: string, rel: string) => boolean) | undefined
}

/**
 * The regular files under `root` (not following symbolic links), as sorted relative paths.
 * Unreadable subdirectories are skipped; an unreadable root throws.
 */
export const walkFiles = (root: string, options: WalkOptions = {}): Array<string> => {
  const out: Array<string> = []
  const skipDir = options.skipDir
  const visit = (abs: string, rel: string, top: boolean) => {
    let entries: Array<fs.Dirent>
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true })
    } catch (cause) {
      if (top) throw cause
      return
    }
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      const name = entry.name
      const childRel = rel === "" ? name : rel + "/" + name
      if (entry.isFile()) out.push(childRel)
      else if (entry.isDirectory()) {
        if (vcsDirs.has(name) || (skipDir !== undefined && skipDir(name, childRel))) continue
        visit(abs + "/" + name, childRel, false)
      }
    }
  }
  visit(root, "", true)
  return out.sort(compareCodeUnits)
}

/** Plain code-unit order (what `Array.prototype.sort` does with no comparator), locale-independent. */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
