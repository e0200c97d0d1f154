import { describe, expect, it } from "vitest"
import { MinHash } from "../src/index.ts"
import { random, randomInts, run, useGpu } from "./support.ts"

const P61 = MinHash.MERSENNE_61

/** The definition, in BigInt. */
const permuteBig = (a: bigint, b: bigint, x: number): number => Number(((a * BigInt(x >>> 0) + b) % P61) & 0xffffffffn)

/** Deterministic 61-bit parameters, with edge values first. */
const makeParams = (numPerm: number, seed: number): { a: Array<bigint>; b: Array<bigint> } => {
  const edgesA = [1n, 2n, P61 - 1n, P61 - 2n, (1n << 32n) - 1n, 1n << 32n, (1n << 60n) + 12345n]
  const edgesB = [0n, P61 - 1n, P61 - 1n, 1n, (1n << 32n) - 1n, 0n, P61 - 7n]
  const r = randomInts(numPerm * 4, seed, 1 << 16)
  const a: Array<bigint> = []
  const b: Array<bigint> = []
  for (let i = 0; i < numPerm; i++) {
    const word = (k: number) => BigInt(r[4 * i + k]!)
    const ra = ((word(0) << 45n) | (word(1) << 29n) | (word(2) << 13n) | (word(3) & 0x1fffn)) % (P61 - 1n) + 1n
    const rb = ((word(3) << 45n) | (word(2) << 29n) | (word(1) << 13n) | (word(0) & 0x1fffn)) % P61
    a.push(i < edgesA.length ? edgesA[i]! : ra)
    b.push(i < edgesB.length ? edgesB[i]! : rb)
  }
  return { a, b }
}

/** Documents as CSR: an empty one, a single shingle, and sizes around the 64-hash staging chunk. */
const makeDocs = (seed: number) => {
  const sizes = [0, 1, 63, 64, 65, 200, 3]
  const offsets = new Uint32Array(sizes.length + 1)
  sizes.forEach((n, i) => (offsets[i + 1] = offsets[i]! + n))
  const hashes = randomInts(offsets[sizes.length]!, seed, 2 ** 32)
  hashes[0] = 0
  hashes[1] = 0xffffffff
  return { hashes, offsets }
}

describe("MinHash CPU reference", () => {
  it("computes ((a*x + b) mod (2^61-1)) & 0xFFFFFFFF exactly, including edge values", () => {
    const { a, b } = makeParams(64, 1)
    const packed = MinHash.packParams(a, b)
    const xs = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, ...randomInts(64, 2, 2 ** 32)]
    for (let j = 0; j < a.length; j++) {
      for (const x of xs) {
        expect(MinHash.permute(packed[4 * j]!, packed[4 * j + 1]!, packed[4 * j + 2]!, packed[4 * j + 3]!, x)).toBe(permuteBig(a[j]!, b[j]!, x))
      }
    }
  })

  it("rejects parameters outside [1, p) x [0, p)", () => {
    expect(() => MinHash.packParams([0n], [0n])).toThrow(/need 1 <= a < p/)
    expect(() => MinHash.packParams([1n], [P61])).toThrow(/need 1 <= a < p/)
  })

  it("gives MAX_HASH for a document without shingles", () => {
    const sig = MinHash.signaturesCpu(MinHash.packParams([5n], [7n]), new Uint32Array(0), new Uint32Array([0, 0]))
    expect(Array.from(sig)).toEqual([MinHash.MAX_HASH])
  })
})

describe("MinHash GPU", () => {
  const gpuIt = useGpu()

  for (const numPerm of [1, 100, 256]) {
    gpuIt(`signatures are bit-identical to the CPU reference: ${numPerm} permutations`, async (gpu) => {
      const { a, b } = makeParams(numPerm, numPerm)
      const params = MinHash.packParams(a, b)
      const { hashes, offsets } = makeDocs(numPerm + 1)
      const expected = MinHash.signaturesCpu(params, hashes, offsets)
      const actual = await run(MinHash.signaturesGpu(gpu, params, hashes, offsets))
      expect(actual).toEqual(expected)
      // spot-check the reference itself against the BigInt definition
      const d = 5
      for (let j = 0; j < numPerm; j += 17) {
        let min = MinHash.MAX_HASH
        for (let s = offsets[d]!; s < offsets[d + 1]!; s++) min = Math.min(min, permuteBig(a[j]!, b[j]!, hashes[s]!))
        expect(expected[d * numPerm + j]).toBe(min)
      }
    })
  }

  gpuIt("more than 65535 documents (the dispatch grid's third dimension)", async (gpu) => {
    const docs = 65_600
    const offsets = new Uint32Array(docs + 1)
    for (let d = 0; d < docs; d++) offsets[d + 1] = offsets[d]! + (d % 3 === 0 ? 1 : 0)
    const hashes = randomInts(offsets[docs]!, 5, 2 ** 32)
    const params = MinHash.packParams([123456789n], [987654321n])
    const actual = await run(MinHash.signaturesGpu(gpu, params, hashes, offsets))
    expect(actual).toEqual(MinHash.signaturesCpu(params, hashes, offsets))
  })

  gpuIt("signatures are bit-identical to @pretrain/dedup's MinHasher (its source, same seed and shingles)", async (gpu) => {
    // A relative import of the sibling package's source, without a dependency on it; loaded at run
    // time so this package's typecheck does not depend on another package's files.
    const dedupSrc = new URL("../../dedup/src/", import.meta.url)
    interface DedupMinHash {
      permutations(numPerm: number, seed: number): { readonly a: ReadonlyArray<bigint>; readonly b: ReadonlyArray<bigint> }
      MinHasher: new (o: { numPerm: number; seed: number }) => { signature(h: ArrayLike<number>): Uint32Array }
    }
    interface DedupShingle {
      Shingler: new (o?: { mode?: string; n?: number }) => { hashes(text: string): Uint32Array }
    }
    const dedup = (await import(new URL("MinHash.ts", dedupSrc).href)) as DedupMinHash
    const shingle = (await import(new URL("Shingle.ts", dedupSrc).href)) as DedupShingle
    const numPerm = 128
    const seed = 42
    const hasher = new dedup.MinHasher({ numPerm, seed })
    const { a, b } = dedup.permutations(numPerm, seed)
    const shingler = new shingle.Shingler({ mode: "bigcode", n: 5 })
    const words = ["const", "let", "x", "y", "return", "function", "if", "else", "for", "i", "value", "map", "reduce"]
    const r = random(4000, 9, 0, words.length)
    const texts = ["", "a", "just four words here"]
    for (let d = 0, k = 0; d < 12; d++) {
      const n = 5 + d * 30
      texts.push(Array.from({ length: n }, () => words[Math.floor(r[k++ % r.length]!)]).join(d % 2 ? " " : "(); "))
    }
    const sets = texts.map((t) => shingler.hashes(t))
    const offsets = new Uint32Array(sets.length + 1)
    sets.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length))
    const hashes = new Uint32Array(offsets[sets.length]!)
    sets.forEach((s, i) => hashes.set(s, offsets[i]!))
    const gpuSigs = await run(MinHash.signaturesGpu(gpu, MinHash.packParams(a, b), hashes, offsets))
    sets.forEach((s, i) => {
      expect(gpuSigs.subarray(i * numPerm, (i + 1) * numPerm)).toEqual(hasher.signature(s))
    })
  })
})
