import { describe, expect, it } from "vitest"
import { PreTokenizer } from "../src/index.ts"
import { heldOut } from "./helpers.ts"

const pieces = (preset: PreTokenizer.Preset, digits: PreTokenizer.DigitsMode, text: string) =>
  PreTokenizer.pieces(PreTokenizer.compile(PreTokenizer.preset(preset, digits)), text)

/** Lone surrogates replaced by U+FFFD (String.prototype.toWellFormed). */
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu, "\uFFFD")

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

  it("the byte scanners split exactly as the regexes, on real code, edge cases and random strings", () => {
    // Every Unicode category the patterns distinguish: letters of many scripts (Lu, Ll, Lt, Lm, Lo,
    // astral), marks (Mn, Mc: not letters), numerics (Nd, Nl, No, astral), White_Space (ASCII,
    // U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), look-alikes
    // that are not White_Space (U+FEFF, U+180E, U+200B, U+001C), symbols, CR/LF, quotes, lone surrogates.
    const alphabet = [
      "a", "Z", "s", "t", "d", "m", "l", "v", "e", "r", "S", "T", "L", "V", "E", "R", "'", "\u2019", " ", "  ", "\t", "\n", "\r", "\r\n",
      "\v", "\f", "\u001c", "\u0085", "\u00a0", "\u1680", "\u2003", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
      "\ufeff", "\u180e", "\u200b", "0", "7", "\u00b2", "\u00bd", "\u0663", "\u2165", "\u3007", "\ud835\udfd8", "\ud800\udd07",
      "\u00e9", "\u0301", "\u0903", "\u01c5", "\u02b0", "\u4e2d", "\u05d0", "\u0416", "\ud835\udc00", "\ud840\udc00",
      "(", ")", ";", "{", "}", ".", "_", "-", "$", "\u20ac", "\ud83d\ude00", "\u00a9", "\ud800", "\udc00", "\u0000", "\u007f"
    ]
    let seed = 12345
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return (seed >>> 8) % n
    }
    const random = Array.from({ length: 3000 }, () => Array.from({ length: 1 + rand(24) }, () => alphabet[rand(alphabet.length)]!).join(""))
    const edge = [
      "", " ", "  ", "\n", " \n", "a  ", "a  1", "a \t1", "x  \n  1", "it's IT'S 'll 'LL 'Ve 've 're 'Re 'd 'D 'm 'M 'x '", "'",
      "foo(1);\n\n  bar", "a\r\n\r\n  b", "   12", "x \n 1 \n", "\u00a0\u00a0x", "\u3000\u3000\n", "\u2028a", "caf\u00e9 cafe\u0301",
      "\ud835\udc00\ud835\udc01 \ud835\udfd8\ud835\udfd9", "x\ud800y \udc00 \ud83d\ude00\ud83d\ude00", "1234567 \u00b2\u00b3 \u0663\u0664", "  \t  ", "a\u0085b",
      "\ufeffa", "$$ .. ;;\n\n\n", " ;\r\n", "\t\tx"
    ]
    const texts = [...heldOut(3).map((h) => h.text), ...edge, ...random]
    for (const preset of PreTokenizer.presets) {
      for (const digits of ["individual", "groups", "none"] as const) {
        const json = PreTokenizer.preset(preset, digits)
        const fast = PreTokenizer.compile(json)
        const generic = PreTokenizer.compile(json, { generic: true })
        expect(fast.scanBytes).toBeDefined()
        for (const t of texts) {
          // Bytes cannot hold a lone surrogate: the encoder writes U+FFFD, which is in the same (no) class.
          const expected = PreTokenizer.pieces(generic, t).map(wellFormed)
          expect(PreTokenizer.scannedPieces(fast, t), `${preset}/${digits} ${JSON.stringify(t.slice(0, 60))}`).toEqual(expected)
        }
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
