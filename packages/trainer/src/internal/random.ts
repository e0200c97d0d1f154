/**
 * xoshiro128** (Blackman and Vigna: 32-bit state words, period 2^128 - 1) seeded through SplitMix32,
 * with uniform and normal draws; bit-reproducible. Weight initialisation, data order, LoRA and
 * sampling all draw from it.
 */
export class Random {
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private spare: number | undefined

  constructor(seed: number) {
    this.reseed(seed)
  }

  /** Restart the sequence of `seed` (a safe integer: both 32-bit halves seed the state). */
  reseed(seed: number): void {
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x9e3779b1)
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s0 = next()
    this.s1 = next()
    this.s2 = next()
    this.s3 = next()
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
    this.spare = undefined
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0
    const t = (this.s1 << 9) >>> 0
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    const u = 1 - this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** The generator's state (for checkpoints). */
  state(): ReadonlyArray<number> {
    return [this.s0, this.s1, this.s2, this.s3]
  }

  /** Restores a state from {@link state}. */
  restore(state: ReadonlyArray<number>): void {
    ;[this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as [number, number, number, number]
    this.spare = undefined
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0
