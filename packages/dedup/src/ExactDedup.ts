/**
 * Exact deduplication: documents with the same content hash (SHA-1 of the UTF-8 content, or of the
 * content with every run of whitespace collapsed to one space and the ends trimmed) form a cluster.
 *
 * {@link ExactDeduper} is the plain synchronous core (one hash map from 20-byte digests to the
 * first document id), importable without Effect; `Operators.exact` is a streaming keep-first
 * filter for a pipeline (per task); `Dedup.run` gives the two-pass version with survivor ranking
 * and cluster output.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { UnionFind } from "./UnionFind.ts"

/** @since 0.1.0 @category models */
export interface Options {
  /** Hash the content with whitespace runs collapsed and the ends trimmed (default false). */
  readonly normalizeWhitespace?: boolean | undefined
}

/**
 * The content key: base64 SHA-1 of the (optionally whitespace-normalised) content.
 *
 * @since 0.1.0 @category utils
 */
export const contentKey = (content: string, normalizeWhitespace = false): string =>
  createHash("sha1").update(normalizeWhitespace ? content.replace(/\s+/g, " ").trim() : content, "utf8").digest("base64")

/**
 * Assigns documents to exact-duplicate clusters as they come.
 *
 * @since 0.1.0 @category models
 */
export class ExactDeduper {
  readonly normalizeWhitespace: boolean
  private readonly first = new Map<string, number>()
  readonly unionFind = new UnionFind()

  constructor(options: Options = {}) {
    this.normalizeWhitespace = options.normalizeWhitespace ?? false
  }

  /** Add document `id`; returns the id of an earlier document with the same content, or -1. */
  add(id: number, content: string): number {
    const key = contentKey(content, this.normalizeWhitespace)
    this.unionFind.add(id)
    const seen = this.first.get(key)
    if (seen === undefined) {
      this.first.set(key, id)
      return -1
    }
    this.unionFind.union(seen, id)
    return seen
  }

  /** Distinct contents seen. */
  get distinct(): number {
    return this.first.size
  }
}
