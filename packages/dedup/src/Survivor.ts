/**
 * Which document of a duplicate cluster is kept. `stack-v2` is The Stack v2's rule (bigcode v2
 * `--rank`): permissive license first (`permissive` < `no_license` < `non_permissive`), then more
 * stars, more forks, newer `revision_date`, newer `visit_date`, then the earliest in input order.
 * `first` keeps the earliest document in input order (BigCode v1, NeMo, text-dedup).
 *
 * Ranks are kept in typed arrays (about 33 bytes per document), never the documents themselves.
 *
 * @since 0.1.0
 */
import type { Doc } from "@pretrain/dataflow"
import { growF64, growU8 } from "./internal/hash.ts"

/** @since 0.1.0 @category models */
export type Rule = "stack-v2" | "first"

/** @since 0.1.0 @category models */
export const rules: ReadonlyArray<Rule> = ["stack-v2", "first"]

/**
 * The license class of a document: 0 permissive, 1 no license (or unknown), 2 non-permissive.
 *
 * @since 0.1.0 @category utils
 */
export const licenseClass = (doc: Doc): number => {
  const t = doc.license_type
  return t === "permissive" ? 0 : t === "non_permissive" ? 2 : 1
}

const toNumber = (v: unknown): number => {
  if (typeof v === "number") return Number.isFinite(v) ? v : -Infinity
  if (typeof v === "bigint") return Number(v)
  return -Infinity
}

const toTime = (v: unknown): number => {
  if (v instanceof Date) return v.getTime()
  if (typeof v === "number") return v
  if (typeof v === "bigint") return Number(v)
  if (typeof v === "string") {
    const t = Date.parse(v)
    return Number.isNaN(t) ? -Infinity : t
  }
  return -Infinity
}

/**
 * The rank keys of documents by id, growable. {@link RankKeys.better} compares two ids.
 *
 * @since 0.1.0 @category models
 */
export class RankKeys {
  readonly rule: Rule
  private license = new Uint8Array(1024)
  private stars = new Float64Array(1024)
  private forks = new Float64Array(1024)
  private revision = new Float64Array(1024)
  private visit = new Float64Array(1024)

  constructor(rule: Rule) {
    this.rule = rule
  }

  /** Record the keys of document `id`. */
  set(id: number, doc: Doc): void {
    if (this.rule === "first") return
    if (id >= this.license.length) {
      this.license = growU8(this.license, id + 1)
      this.stars = growF64(this.stars, id + 1)
      this.forks = growF64(this.forks, id + 1)
      this.revision = growF64(this.revision, id + 1)
      this.visit = growF64(this.visit, id + 1)
    }
    this.license[id] = licenseClass(doc)
    this.stars[id] = toNumber(doc.star_events_count)
    this.forks[id] = toNumber(doc.fork_events_count)
    this.revision[id] = toTime(doc.revision_date)
    this.visit[id] = toTime(doc.visit_date)
  }

  /** Record raw keys of document `id` (for keys read back from spill files). */
  setRaw(id: number, license: number, stars: number, forks: number, revision: number, visit: number): void {
    this.set(id, { content: "" })
    this.license[id] = license
    this.stars[id] = stars
    this.forks[id] = forks
    this.revision[id] = revision
    this.visit[id] = visit
  }

  /** Is document `a` a better survivor than document `b`? */
  better(a: number, b: number): boolean {
    if (this.rule === "stack-v2") {
      if (this.license[a] !== this.license[b]) return this.license[a]! < this.license[b]!
      if (this.stars[a] !== this.stars[b]) return this.stars[a]! > this.stars[b]!
      if (this.forks[a] !== this.forks[b]) return this.forks[a]! > this.forks[b]!
      if (this.revision[a] !== this.revision[b]) return this.revision[a]! > this.revision[b]!
      if (this.visit[a] !== this.visit[b]) return this.visit[a]! > this.visit[b]!
    }
    return a < b
  }

  /** The raw keys of `id`: license class, stars, forks, revision time, visit time. */
  raw(id: number): readonly [number, number, number, number, number] {
    if (this.rule === "first") return [1, -Infinity, -Infinity, -Infinity, -Infinity]
    return [this.license[id]!, this.stars[id]!, this.forks[id]!, this.revision[id]!, this.visit[id]!]
  }
}
