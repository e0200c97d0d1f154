import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Config from "../src/Config.ts"
import * as HfFormat from "../src/HfFormat.ts"
import { Model, parameterSpecs } from "../src/Model.ts"
import * as Checkpoint from "../src/Checkpoint.ts"
import * as Safetensors from "../src/Safetensors.ts"

describe("Safetensors", () => {
  it("round-trips tensors and metadata; the header is 8-byte aligned", () => {
    const tensors = [
      { name: "a", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: "b", shape: [1], data: Float32Array.from([-0.5]) },
      { name: "empty", shape: [0], data: new Float32Array(0) }
    ]
    const bytes = Safetensors.encode(tensors, { format: "pt" })
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true))
    expect((8 + n) % 8).toBe(0)
    const back = Safetensors.decode(bytes, "x.safetensors")
    expect(back.metadata).toEqual({ format: "pt" })
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(tensors.map((t) => [t.name, t.shape, Array.from(t.data)]))
  })

  it("reads F16 and BF16", () => {
    const header = JSON.stringify({ h: { dtype: "F16", shape: [2], data_offsets: [0, 4] }, b: { dtype: "BF16", shape: [1], data_offsets: [4, 6] } })
    const bytes = new Uint8Array(8 + header.length + 6)
    const view = new DataView(bytes.buffer)
    view.setBigUint64(0, BigInt(header.length), true)
    bytes.set(Buffer.from(header), 8)
    view.setUint16(8 + header.length, 0x3c00, true) // 1.0
    view.setUint16(8 + header.length + 2, 0xc000, true) // -2.0
    view.setUint16(8 + header.length + 4, 0x4040, true) // 3.0 in bf16
    const t = Safetensors.decode(bytes, "h.safetensors").tensors
    expect(Array.from(t[0]!.data)).toEqual([1, -2])
    expect(Array.from(t[1]!.data)).toEqual([3])
  })

  it("rejects holes, bad offsets and bad headers, naming file and tensor", () => {
    const make = (header: unknown, dataBytes: number) => {
      const h = Buffer.from(JSON.stringify(header))
      const bytes = new Uint8Array(8 + h.length + dataBytes)
      new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true)
      bytes.set(h, 8)
      return bytes
    }
    expect(() => Safetensors.decode(make({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, 8), "f.st")).toThrow(/f.st \(data\).*hole/)
    expect(() => Safetensors.decode(make({ a: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, 4), "f.st")).toThrow(/f.st \(a\): data_offsets/)
    expect(() => Safetensors.decode(make({ a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8), "f.st")).toThrow(/unsupported dtype I64/)
    expect(() => Safetensors.decode(new Uint8Array(4), "f.st")).toThrow(/f.st \(header\)/)
  })
})

describe("HfFormat and Config", () => {
  for (const variant of ["gpt2", "llama"] as const) {
    it(`${variant}: parameter count, HF names and a config.json round trip`, () => {
      const config = Config.make(variant, { nLayer: 2, nHead: 2, dModel: 16, contextLength: 8 }, 30)
      expect(parameterSpecs(config).reduce((a, s) => a + s.size, 0)).toBe(Config.parameterCount(config))
      const model = Model.init(config, 1)
      const hf = HfFormat.toHf(config, (n) => model.parameter(n).data)
      expect(hf.reduce((a, t) => a + t.data.length, 0)).toBe(Config.parameterCount(config))
      const names = hf.map((t) => t.name)
      if (variant === "gpt2") {
        expect(names).toContain("transformer.h.1.attn.c_attn.weight")
        expect(hf.find((t) => t.name === "transformer.h.0.mlp.c_fc.weight")!.shape).toEqual([16, 64])
      } else {
        expect(names).toContain("model.layers.1.self_attn.k_proj.weight")
        expect(hf.find((t) => t.name === "model.layers.0.mlp.gate_proj.weight")!.shape).toEqual([config.dFF, 16])
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hf-"))
      Checkpoint.writeModel(dir, model)
      const json = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"))
      expect(json.model_type).toBe(variant)
      const { pretrain: _, ...hfOnly } = json
      expect(HfFormat.parseConfigJson(hfOnly, "config.json")).toEqual(config)
      const back = Checkpoint.readModel(dir)
      expect(Array.from(back.params.data)).toEqual(Array.from(model.params.data))
      fs.rmSync(dir, { recursive: true, force: true })
    })
  }

  it("rejects bad configurations by field", () => {
    expect(() => Config.validate({ vocabSize: 10, contextLength: 8, nLayer: 1, nHead: 3, dModel: 16, dFF: 64, norm: "layernorm", position: "learned", mlp: "gelu" }, "c.json"))
      .toThrow(/c.json \(nHead\): dModel 16 is not divisible by nHead 3/)
    expect(() => Config.validate({ vocabSize: 10, contextLength: 8, nLayer: 1, nHead: 2, dModel: 16, dFF: 64, norm: "batchnorm", position: "learned", mlp: "gelu" }, "c.json"))
      .toThrow(/c.json \(norm\)/)
    expect(() => Config.named("gpt3-mini", 10)).toThrow(/unknown model size/)
  })
})
