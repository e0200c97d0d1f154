import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { TokenDatasetError } from "../src/Errors.ts"
import * as Megatron from "../src/Megatron.ts"
import { pythonRead, tempDir } from "./support.ts"

const sequences = (n: number, max: number, seed: number): Array<Array<number>> => {
  let s = seed
  const rand = (k: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 8) % k
  }
  return Array.from({ length: n }, () => Array.from({ length: rand(50) }, () => rand(max)))
}

describe("Megatron indexed dataset", () => {
  it("picks uint16 below 65,500 ids and int32 above", () => {
    expect(Megatron.dtypeFor(49_152)).toBe("uint16")
    expect(Megatron.dtypeFor(65_500)).toBe("int32")
  })

  for (const [dtype, max] of [["uint16", 65_000], ["int32", 200_000]] as const) {
    it(`${dtype}: the independent python3 + numpy reader gets the same tokens`, () => {
      const dir = tempDir()
      const prefix = path.join(dir, "ds")
      const seqs = sequences(300, max, dtype.length)
      const w = Megatron.writer(prefix, dtype)
      for (const s of seqs) w.add(s)
      expect(w.close()).toEqual({ sequences: 300, tokens: seqs.reduce((n, s) => n + s.length, 0) })
      const bytes = fs.readFileSync(`${prefix}.idx`)
      expect(bytes.subarray(0, 9).toString("latin1")).toBe("MMIDIDX\x00\x00")
      expect(fs.statSync(`${prefix}.bin`).size).toBe(seqs.reduce((n, s) => n + s.length, 0) * (dtype === "uint16" ? 2 : 4))
      const py = pythonRead(prefix)
      if (py !== undefined) {
        expect(py.dtype).toBe(dtype)
        expect(py.sequences).toEqual(seqs)
        expect(py.document_indices).toEqual(Array.from({ length: 301 }, (_, i) => i))
      }
      const r = Megatron.reader(prefix)
      expect(r.size).toBe(300)
      for (const i of [0, 17, 299]) expect(Array.from(r.read(i))).toEqual(seqs[i])
      r.close()
    })
  }

  it("merges shards by concatenation", () => {
    const dir = tempDir()
    const a = sequences(20, 1000, 1)
    const b = sequences(30, 1000, 2)
    for (const [name, seqs] of [["a", a], ["b", b]] as const) {
      const w = Megatron.writer(path.join(dir, name), "uint16")
      for (const s of seqs) w.add(s)
      w.close()
    }
    Megatron.merge([path.join(dir, "a"), path.join(dir, "b")], path.join(dir, "m"))
    const py = pythonRead(path.join(dir, "m"))
    if (py !== undefined) expect(py.sequences).toEqual([...a, ...b])
    const r = Megatron.reader(path.join(dir, "m"))
    expect(Array.from({ length: r.size }, (_, i) => Array.from(r.read(i)))).toEqual([...a, ...b])
    r.close()
  })

  it("a truncated or foreign file fails with TokenDatasetError naming file and position", () => {
    const dir = tempDir()
    const prefix = path.join(dir, "ds")
    const w = Megatron.writer(prefix, "uint16")
    for (const s of sequences(10, 100, 3)) w.add(s)
    w.close()
    const idx = fs.readFileSync(`${prefix}.idx`)
    fs.writeFileSync(`${prefix}.idx`, idx.subarray(0, idx.length - 5))
    expect(() => Megatron.reader(prefix)).toThrow(TokenDatasetError)
    expect(() => Megatron.reader(prefix)).toThrow(/ds\.idx \(byte \d+\): truncated/)
    fs.writeFileSync(`${prefix}.idx`, Buffer.concat([Buffer.from("NOTMMIDX!"), idx.subarray(9)]))
    expect(() => Megatron.reader(prefix)).toThrow(/ds\.idx \(byte 0\): not a Megatron index/)
    fs.writeFileSync(`${prefix}.idx`, idx)
    fs.truncateSync(`${prefix}.bin`, 4)
    expect(() => Megatron.reader(prefix)).toThrow(/ds\.bin \(sequence 9\): truncated/)
  })
})
