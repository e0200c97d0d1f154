/** Growable typed-array buffers: amortised doubling, no per-item allocation. */

export class U32Buffer {
  data: Uint32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(16, capacity))
  }
  reserve(extra: number): void {
    const need = this.length + extra
    if (need <= this.data.length) return
    let cap = this.data.length * 2
    while (cap < need) cap *= 2
    const next = new Uint32Array(cap)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1)
    this.data[this.length++] = v
  }
  append(values: ArrayLike<number> & { readonly length: number }): void {
    this.reserve(values.length)
    this.data.set(values as Uint32Array, this.length)
    this.length += values.length
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length)
  }
}

export class I32Buffer {
  data: Int32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity))
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length)
  }
}
