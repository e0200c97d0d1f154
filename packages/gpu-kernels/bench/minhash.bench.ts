/**
 * MinHash signatures, documents per second: the GPU kernel (end to end: upload, kernel, read-back)
 * against the CPU paths in the same run: this package's plain TypeScript reference and, when its
 * source is present in the monorepo, @pretrain/dedup's MinHasher (WebAssembly, one thread).
 * 256 permutations; documents of 300 to 700 shingles. Sizes grow with BENCH_SCALE.
 */
import { Effect } from "effect"
import { MinHash } from "../src/index.ts"
import { acquire, fmt, SCALE, table, timeCpu } from "./support.ts"

const numPerm = 256
const docs = Math.round(400 * SCALE)
const offsets = new Uint32Array(docs + 1)
for (let d = 0; d < docs; d++) offsets[d + 1] = offsets[d]! + 300 + ((d * 7919) % 401)
const hashes = new Uint32Array(offsets[docs]!)
let s = 12345
for (let i = 0; i < hashes.length; i++) hashes[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0
const shingles = hashes.length

// parameters: @pretrain/dedup's when its source is here, else deterministic ones
interface Dedup {
  permutations(n: number, seed: number): { a: ReadonlyArray<bigint>; b: ReadonlyArray<bigint> }
  MinHasher: new (o: { numPerm: number; seed: number }) => { signature(h: ArrayLike<number>, out?: Uint32Array): Uint32Array }
}
let dedup: Dedup | undefined
try {
  dedup = (await import(new URL("../../dedup/src/MinHash.ts", import.meta.url).href)) as Dedup
} catch {
  dedup = undefined
}
const { a, b } = dedup?.permutations(numPerm, 42) ?? {
  a: Array.from({ length: numPerm }, (_, i) => BigInt(i) * 0x9e3779b97f4a7n + 1n),
  b: Array.from({ length: numPerm }, (_, i) => BigInt(i) * 0x7f4a7c15n)
}
const params = MinHash.packParams(a, b)

const rows: Array<[string, number]> = []
let reference: Uint32Array = new Uint32Array(0)
const cpuRef = timeCpu(() => (reference = MinHash.signaturesCpu(params, hashes, offsets)), 1)
rows.push(["CPU reference (TypeScript, 1 thread)", cpuRef])
if (dedup !== undefined) {
  const hasher = new dedup.MinHasher({ numPerm, seed: 42 })
  const out = new Uint32Array(numPerm)
  const t = timeCpu(() => {
    for (let d = 0; d < docs; d++) hasher.signature(hashes.subarray(offsets[d]!, offsets[d + 1]!), out)
  }, 1)
  rows.push(["@pretrain/dedup MinHasher (wasm, 1 thread)", t])
}

const env = await acquire()
if (env !== undefined) {
  const { gpu, close } = env
  const once = () => Effect.runPromise(MinHash.signaturesGpu(gpu, params, hashes, offsets))
  const expected = await once()
  let best = Infinity
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now()
    await once()
    best = Math.min(best, (performance.now() - t0) / 1000)
  }
  const same = expected.length === reference.length && expected.every((v, i) => v === reference[i])
  rows.push([`GPU end to end (${gpu.adapterName.slice(0, 40)})`, best])
  console.log(`GPU signatures bit-identical to the CPU reference: ${same}`)
  close()
}
console.log(`${docs} documents, ${shingles} shingles, ${numPerm} permutations`)
const wasm = rows.find(([name]) => name.includes("dedup"))?.[1]
table(
  ["path", "docs/s", "Mperm·shingle/s", "vs TS reference", "vs dedup wasm"],
  rows.map(([name, t]) => [
    name,
    fmt(docs / t, 0),
    fmt((shingles * numPerm) / t / 1e6, 1),
    fmt(cpuRef / t, 2) + "x",
    wasm === undefined ? "-" : fmt(wasm / t, 2) + "x"
  ])
)
