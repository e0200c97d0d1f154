import { describe, expect, it } from "vitest"
import { PreTokenizer } from "../src/index.ts"
import { heldOut } from "./helpers.ts"

const pieces = (preset: PreTokenizer.Preset, digits: PreTokenizer.DigitsMode, text: string) =>
  PreTokenizer.pieces(PreTokenizer.compile(PreTokenizer.preset(preset, digits)), text)

describe("PreTokenizer", () => {
  it("starcoder: digits one by one, then the GPT-2 regex", () => {
    expect(pieces("starcoder", "individual", "Call 123 please")).toEqual(["Call", " ", "1", "2", "3", " please"])
    expect(pieces("starcoder", "individual", "if x:\n    return 10\n")).toEqual(["if", " x", ":", "\n   ", " return", " ", "1", "0", "\n"])
    expect(pieces("starcoder", "groups", "x=1234567")).toEqual(["x", "=", "123", "456", "7"])
    expect(pieces("starcoder", "none", "x = 1234")).toEqual(["x", " =", " 1234"])
  })

  it("splits every Unicode numeric character (Rust's is_numeric), not only 0-9", () => {
    expect(pieces("starcoder", "individual", "x²٣")).toEqual(["x", "²", "٣"])
  })

  it("cl100k-code: the GPT-4 regex with digits one by one", () => {
    expect(pieces("cl100k-code", "individual", "foo(1);\n\n  bar")).toEqual(["foo", "(", "1", ");\n\n", " ", " bar"])
    expect(pieces("cl100k-code", "groups", "x=1234567")).toEqual(["x", "=", "123", "456", "7"])
    expect(pieces("cl100k-code", "individual", "it's IT'S")).toEqual(["it", "'s", " IT", "'S"])
  })

  it("uses HF's whitespace class: U+0085 is space, U+FEFF is not", () => {
    expect(pieces("starcoder", "individual", "a\u0085b")).toEqual(["a", "\u0085", "b"])
    expect(pieces("starcoder", "individual", "\ufeffa")).toEqual(["\ufeff", "a"])
  })

  it("the one-regex fast path splits exactly as the step-by-step HF pipeline, on real code", () => {
    const texts = [...heldOut(2).map((h) => h.text), "a  1  b\n\n  \t x12345.6 '  \u0085\ufeff x  \n 7", "   12", "x \n 1 \n"]
    for (const preset of PreTokenizer.presets) {
      for (const digits of ["individual", "groups", "none"] as const) {
        const json = PreTokenizer.preset(preset, digits)
        const fast = PreTokenizer.compile(json)
        const generic = PreTokenizer.compile(json, { generic: true })
        for (const t of texts) expect(PreTokenizer.pieces(fast, t)).toEqual(PreTokenizer.pieces(generic, t))
      }
    }
  })

  it("pieces cover the text exactly", () => {
    for (const h of heldOut(1)) expect(pieces("cl100k-code", "individual", h.text).join("")).toBe(h.text)
  })

  it("writes the StarCoder pre-tokenizer JSON", () => {
    expect(PreTokenizer.preset("starcoder")).toEqual({
      type: "Sequence",
      pretokenizers: [
        { type: "Digits", individual_digits: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }
      ]
    })
  })

  it("refuses pre-tokenizers it does not implement", () => {
    expect(() => PreTokenizer.compile({ type: "Whitespace" } as never)).toThrow(PreTokenizer.UnsupportedNode)
  })
})
