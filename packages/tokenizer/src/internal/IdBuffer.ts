/** A growable `Uint32Array` of token ids. */
export class IdBuffer {
  data: Uint32Array<ArrayBuffer>
  length = 0
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity)
  }
  /** Make room for `n` more ids. */
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return
    let cap = this.data.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Uint32Array(cap)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
  /** A copy of the ids, then empty the buffer. */
  take(): Uint32Array<ArrayBuffer> {
    const out = this.data.slice(0, this.length)
    this.length = 0
    return out
  }
}
