import { describe, expect, it } from "vitest"
import { jaccard, normalizeDatatrove, Shingler } from "../src/Shingle.ts"

describe("Shingle", () => {
  it("bigcode: tokens are runs of [A-Za-z_0-9], case-sensitive; punctuation and spacing do not matter", () => {
    const s = new Shingler({ mode: "bigcode", n: 2 })
    expect(Array.from(s.hashes("foo(bar, baz_1)"))).toEqual(Array.from(s.hashes("foo  bar\n\tbaz_1")))
    expect(s.hashes("foo bar baz").length).toBe(2)
    expect(Array.from(s.hashes("Foo bar"))).not.toEqual(Array.from(s.hashes("foo bar")))
  })

  it("datatrove: lowercase, no diacritics, numbers as 0, punctuation as spaces", () => {
    expect(normalizeDatatrove("Héllo, World! 3.14 apples\n\n and  1,000 pears")).toBe("hello world 0 apples and 0 pears")
    const s = new Shingler({ mode: "datatrove", n: 2 })
    expect(Array.from(s.hashes("HELLO, wörld 42"))).toEqual(Array.from(s.hashes("hello world 7")))
  })

  it("char: n consecutive code units", () => {
    const s = new Shingler({ mode: "char", n: 3 })
    expect(s.hashes("abcd").length).toBe(2)
    expect(s.hashes("aaaa").length).toBe(1)
    expect(jaccard(s.shingleSet("abcd"), s.shingleSet("bcde"))).toBeCloseTo(1 / 3)
  })

  it("a document shorter than n tokens is one shingle of all its tokens; no token, no shingle", () => {
    const s = new Shingler({ n: 5 })
    expect(s.hashes("a b c").length).toBe(1)
    expect(Array.from(s.hashes("a b c"))).not.toEqual(Array.from(s.hashes("a b d")))
    expect(s.hashes("  ;; {} ").length).toBe(0)
  })

  it("hashes are distinct and sorted; exact Jaccard on them", () => {
    const s = new Shingler({ n: 1 })
    const a = s.shingleSet("x y z x y z")
    expect(a.length).toBe(3)
    for (let i = 1; i < a.length; i++) expect(a[i]! > a[i - 1]!).toBe(true)
    expect(jaccard(a, s.shingleSet("x y w"))).toBeCloseTo(2 / 4)
    expect(jaccard(new Uint32Array(0), new Uint32Array(0))).toBe(0)
  })

  it("rejects unknown modes and bad n", () => {
    expect(() => new Shingler({ n: 0 })).toThrow(/n-gram/)
    expect(() => new Shingler({ mode: "words" as never })).toThrow(/mode/)
  })
})
