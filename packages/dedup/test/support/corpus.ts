/**
 * A real-code corpus for accuracy tests and benchmarks: JavaScript and TypeScript files from this
 * workspace's node_modules (many packages ship the same file in several builds and versions), plus
 * planted edits (line insertions, deletions, identifier renames) of graded strength.
 */
import * as fs from "node:fs"
import * as path from "node:path"

export const workspace = path.resolve(import.meta.dirname, "../../../..")

export interface CorpusDoc {
  readonly content: string
  readonly repo_name: string
  readonly path: string
  /** For planted edits: the index of the document it was made from. */
  readonly plantedFrom?: number
}

const codeFile = /\.(js|mjs|cjs|ts|mts|cts|jsx|tsx)$/

/** Every code file under `root` (sorted), with its size. */
const listCode = (root: string): Array<{ file: string; size: number }> => {
  const out: Array<{ file: string; size: number }> = []
  const walk = (dir: string) => {
    let entries: Array<fs.Dirent>
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && codeFile.test(e.name)) out.push({ file: p, size: fs.statSync(p).size })
    }
  }
  walk(root)
  return out
}

/** Deterministic pseudo-random numbers in [0, 1). */
export const random = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  return seed / 4294967296
}

/**
 * `count` real files between `minBytes` and `maxBytes`, spread evenly over the sorted list of
 * node_modules code files, so versions and builds of the same package sit side by side.
 */
export const realCode = (count: number, options: { minBytes?: number; maxBytes?: number; root?: string } = {}): Array<CorpusDoc> => {
  const root = options.root ?? path.join(workspace, "node_modules")
  const all = listCode(root).filter((f) => f.size >= (options.minBytes ?? 400) && f.size <= (options.maxBytes ?? 40_000))
  // take runs of neighbouring files (where duplicates live) rather than isolated ones
  const run = 8
  const runs = Math.ceil(count / run)
  const stride = Math.max(run, Math.floor(all.length / runs))
  const docs: Array<CorpusDoc> = []
  for (let start = 0; start < all.length && docs.length < count; start += stride) {
    for (let k = 0; k < run && docs.length < count && start + k < all.length; k++) {
      const { file } = all[start + k]!
      const rel = path.relative(root, file)
      const parts = rel.split(path.sep)
      const pkgParts = parts[0]!.startsWith("@") ? 2 : 1
      docs.push({ content: fs.readFileSync(file, "utf8"), repo_name: parts.slice(0, pkgParts).join("/"), path: parts.slice(pkgParts).join("/") })
    }
  }
  return docs
}

/**
 * Planted near-duplicates: for `count` documents drawn from `docs`, one edited copy each, with a
 * strength drawn in [0.02, 0.4]: insert random lines, delete lines, or rename identifiers.
 */
export const plantEdits = (docs: ReadonlyArray<CorpusDoc>, count: number, seed = 7): Array<CorpusDoc> => {
  const rnd = random(seed)
  const out: Array<CorpusDoc> = []
  for (let i = 0; i < count; i++) {
    const from = Math.floor(rnd() * docs.length)
    const base = docs[from]!
    const lines = base.content.split("\n")
    const strength = 0.02 + rnd() * 0.38
    const kind = i % 3
    let content: string
    if (kind === 0) {
      const edited: Array<string> = []
      for (const line of lines) {
        edited.push(line)
        if (rnd() < strength) edited.push(`  const planted_${Math.floor(rnd() * 1e9)} = compute(${Math.floor(rnd() * 1e6)}, "${i}");`)
      }
      content = edited.join("\n")
    } else if (kind === 1) {
      content = lines.filter(() => rnd() >= strength).join("\n")
    } else {
      const words = base.content.match(/[A-Za-z_][A-Za-z_0-9]{2,}/g) ?? []
      const distinct = [...new Set(words)]
      const renames = new Map<string, string>()
      for (const w of distinct) if (rnd() < strength) renames.set(w, `${w}_r${i}`)
      content = base.content.replace(/[A-Za-z_][A-Za-z_0-9]{2,}/g, (w) => renames.get(w) ?? w)
    }
    out.push({ content, repo_name: `planted/${i}`, path: base.path, plantedFrom: from })
  }
  return out
}
