/**
 * Piece counts without a string per piece: keys are UTF-16 code units stored back to back in one
 * `Uint16Array`, found through an open-addressing table of FNV-1a hashes. Counting a piece of a text
 * allocates nothing; a table can be shipped between threads as a few typed arrays.
 */

/** The arrays of a table, trimmed to its size, for transfer between threads. */
export interface PieceTableData {
  readonly size: number
  readonly chars: Uint16Array<ArrayBuffer>
  readonly start: Int32Array<ArrayBuffer>
  readonly len: Int32Array<ArrayBuffer>
  readonly hash: Int32Array<ArrayBuffer>
  readonly count: Float64Array<ArrayBuffer>
}

const hashRange = (text: string, a: number, b: number): number => {
  let h = 0x811c9dc5
  for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h | 0
}

export class PieceTable {
  size = 0
  chars: Uint16Array<ArrayBuffer>
  charFill = 0
  start: Int32Array<ArrayBuffer>
  len: Int32Array<ArrayBuffer>
  hash: Int32Array<ArrayBuffer>
  count: Float64Array<ArrayBuffer>
  private slots: Int32Array<ArrayBuffer>
  private mask: number

  constructor(capacity = 1 << 12) {
    let cap = 16
    while (cap < capacity * 2) cap *= 2
    this.slots = new Int32Array(cap).fill(-1)
    this.mask = cap - 1
    this.chars = new Uint16Array(capacity * 8)
    this.start = new Int32Array(capacity)
    this.len = new Int32Array(capacity)
    this.hash = new Int32Array(capacity)
    this.count = new Float64Array(capacity)
  }

  /** Add `c` occurrences of the piece `text[a, b)`. */
  addRange(text: string, a: number, b: number, c: number): void {
    const h = hashRange(text, a, b)
    const n = b - a
    const chars = this.chars
    let s = h & this.mask
    for (;;) {
      const e = this.slots[s]!
      if (e < 0) break
      if (this.hash[e] === h && this.len[e] === n) {
        const st = this.start[e]!
        let j = 0
        while (j < n && chars[st + j] === text.charCodeAt(a + j)) j++
        if (j === n) {
          this.count[e] += c
          return
        }
      }
      s = (s + 1) & this.mask
    }
    const e = this.insert(s, h, n, c)
    const dst = this.chars
    const st = this.start[e]!
    for (let j = 0; j < n; j++) dst[st + j] = text.charCodeAt(a + j)
  }

  /** Add `c` occurrences of the piece `units[s, s + n)` whose hash is `h`. */
  addUnits(units: Uint16Array, from: number, n: number, h: number, c: number): void {
    const chars = this.chars
    let s = h & this.mask
    for (;;) {
      const e = this.slots[s]!
      if (e < 0) break
      if (this.hash[e] === h && this.len[e] === n) {
        const st = this.start[e]!
        let j = 0
        while (j < n && chars[st + j] === units[from + j]) j++
        if (j === n) {
          this.count[e] += c
          return
        }
      }
      s = (s + 1) & this.mask
    }
    const e = this.insert(s, h, n, c)
    this.chars.set(units.subarray(from, from + n), this.start[e]!)
  }

  /** Count of a piece, or `undefined`. */
  get(piece: string): number | undefined {
    const h = hashRange(piece, 0, piece.length)
    let s = h & this.mask
    for (;;) {
      const e = this.slots[s]!
      if (e < 0) return undefined
      if (this.hash[e] === h && this.len[e] === piece.length && this.key(e) === piece) return this.count[e]
      s = (s + 1) & this.mask
    }
  }

  /** The piece of entry `e`. */
  key(e: number): string {
    const st = this.start[e]!
    const n = this.len[e]!
    let out = ""
    for (let i = 0; i < n; i += 4096) out += String.fromCharCode(...this.chars.subarray(st + i, st + Math.min(n, i + 4096)))
    return out
  }

  /** Keep only the entries with a count above `threshold`; returns [pieces removed, occurrences removed]. */
  prune(threshold: number): [number, number] {
    const old = { size: this.size, chars: this.chars, start: this.start, len: this.len, hash: this.hash, count: this.count }
    let kept = 0
    let keptChars = 0
    for (let e = 0; e < old.size; e++) {
      if (old.count[e]! > threshold) {
        kept++
        keptChars += old.len[e]!
      }
    }
    const fresh = new PieceTable(Math.max(16, kept))
    if (fresh.chars.length < keptChars) fresh.chars = new Uint16Array(keptChars)
    let pieces = 0
    let occurrences = 0
    for (let e = 0; e < old.size; e++) {
      if (old.count[e]! > threshold) fresh.addUnits(old.chars, old.start[e]!, old.len[e]!, old.hash[e]!, old.count[e]!)
      else {
        pieces++
        occurrences += old.count[e]!
      }
    }
    Object.assign(this, fresh)
    return [pieces, occurrences]
  }

  /** Drop every entry, keeping the arrays (for a table refilled batch after batch). */
  reset(): void {
    this.slots.fill(-1)
    this.size = 0
    this.charFill = 0
  }

  /** Drop every entry and give the memory back. */
  clear(): void {
    Object.assign(this, new PieceTable(16))
  }

  /** Copies of the arrays, trimmed. */
  data(): PieceTableData {
    return {
      size: this.size,
      chars: this.chars.slice(0, this.charFill),
      start: this.start.slice(0, this.size),
      len: this.len.slice(0, this.size),
      hash: this.hash.slice(0, this.size),
      count: this.count.slice(0, this.size)
    }
  }

  /** Add every entry of another table's data. */
  addData(d: PieceTableData): void {
    for (let e = 0; e < d.size; e++) this.addUnits(d.chars, d.start[e]!, d.len[e]!, d.hash[e]!, d.count[e]!)
  }

  private insert(slot: number, h: number, n: number, c: number): number {
    const e = this.size++
    if (e === this.start.length) {
      const cap = e * 2
      const grow = <T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, make: (n: number) => T): T => {
        const b = make(cap)
        b.set(a as never)
        return b
      }
      this.start = grow(this.start, (k) => new Int32Array(k))
      this.len = grow(this.len, (k) => new Int32Array(k))
      this.hash = grow(this.hash, (k) => new Int32Array(k))
      this.count = grow(this.count, (k) => new Float64Array(k))
    }
    if (this.charFill + n > this.chars.length) {
      const chars = new Uint16Array(Math.max(this.chars.length * 2, this.charFill + n))
      chars.set(this.chars.subarray(0, this.charFill))
      this.chars = chars
    }
    this.start[e] = this.charFill
    this.len[e] = n
    this.hash[e] = h
    this.count[e] = c
    this.charFill += n
    this.slots[slot] = e
    if (this.size * 2 > this.slots.length) this.rehash()
    return e
  }

  private rehash(): void {
    const cap = this.slots.length * 2
    const slots = new Int32Array(cap).fill(-1)
    const mask = cap - 1
    for (let e = 0; e < this.size; e++) {
      let s = this.hash[e]! & mask
      while (slots[s]! >= 0) s = (s + 1) & mask
      slots[s] = e
    }
    this.slots = slots
    this.mask = mask
  }
}
