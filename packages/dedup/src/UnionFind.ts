/**
 * Union-find (disjoint sets) over document ids in one growable Int32Array, with path halving. The
 * root of a set is always its smallest id, so the result never depends on the order of unions:
 * the cluster id of a document is the first document of its cluster, in input order.
 *
 * ```ts
 * import { UnionFind } from "@pretrain/dedup"
 * const uf = new UnionFind.UnionFind()
 * uf.union(3, 7); uf.union(7, 5)
 * uf.find(7)   // 3
 * ```
 *
 * @since 0.1.0
 */
import { growI32 } from "./internal/hash.ts"

/** @since 0.1.0 @category models */
export class UnionFind {
  private parent: Int32Array<ArrayBuffer>
  /** One more than the largest id seen. */
  size = 0

  constructor(capacity = 1024) {
    this.parent = new Int32Array(Math.max(1, capacity)).fill(-1)
  }

  private ensure(id: number): void {
    if (id >= this.parent.length) this.parent = growI32(this.parent, id + 1, -1)
    if (id >= this.size) this.size = id + 1
  }

  /** Make sure `id` exists (as a singleton when new). */
  add(id: number): void {
    this.ensure(id)
  }

  /** The root (smallest id) of `id`'s set. */
  find(id: number): number {
    if (id >= this.parent.length) return id
    const parent = this.parent
    let x = id
    for (;;) {
      const p = parent[x]!
      if (p < 0) return x
      const gp = parent[p]!
      if (gp < 0) return p
      parent[x] = gp
      x = gp
    }
  }

  /** Merge the sets of `a` and `b`; returns the root of the merged set. */
  union(a: number, b: number): number {
    this.ensure(a > b ? a : b)
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return ra
    if (ra < rb) {
      this.parent[rb] = ra
      return ra
    }
    this.parent[ra] = rb
    return rb
  }

  /** Are `a` and `b` in the same set? */
  connected(a: number, b: number): boolean {
    return this.find(a) === this.find(b)
  }

  /**
   * Every id's root, as an array of length `n` (default: {@link size}), fully compressed.
   */
  roots(n = this.size): Int32Array {
    const out = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      // roots are smaller than their members, so a forward pass resolves each id in O(1)
      const p = i < this.parent.length ? this.parent[i]! : -1
      out[i] = p < 0 ? i : out[p]!
    }
    return out
  }
}
