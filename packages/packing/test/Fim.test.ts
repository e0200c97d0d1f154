import { describe, expect, it } from "vitest"
import { isSpecial, render, special } from "../src/Example.ts"
import * as Fim from "../src/Fim.ts"
import { Rng } from "../src/internal/rng.ts"

const texts = ["", "a", "def f(x):\n    return x\n", "😀😀 naïve ✓ 日本語\n", "x".repeat(1000), "<fim_middle> literal sentinel text\n"]

describe("Fim", () => {
  it("cut points are sorted, in [0, length], and never split a surrogate pair", () => {
    const rng = Rng.of(1, "cuts")
    for (let k = 0; k < 2000; k++) {
      const text = "😀a😀b😀"
      const [i, j] = Fim.cutPoints(text, rng)
      expect(i).toBeLessThanOrEqual(j)
      expect(i).toBeGreaterThanOrEqual(0)
      expect(j).toBeLessThanOrEqual(text.length)
      for (const c of [i, j]) expect(/[\ud800-\udbff]$/.test(text.slice(0, c))).toBe(false) // no lone high surrogate at a cut
    }
  })

  it("undo restores every text exactly, PSM and SPM", () => {
    const rng = Rng.of(2, "round-trip")
    let spm = 0
    for (let k = 0; k < 3000; k++) {
      const text = texts[k % texts.length]!
      const parts = Fim.transform(text, rng, 0.5)
      if (isSpecial(parts[1]!) && parts[1].token === "<fim_suffix>") spm++
      expect(render(Fim.undo(parts))).toBe(text)
    }
    // SPM share is the spm rate (0.5): 3000 draws, 5 standard deviations
    expect(Math.abs(spm / 3000 - 0.5)).toBeLessThan(0.046)
  })

  it("writes PSM as prefix, suffix, middle and SPM as suffix then prefix + middle", () => {
    const text = "0123456789"
    const psm = Fim.transform(text, Rng.of(3, "psm"), 0)
    expect(psm.map((p) => typeof p === "string" ? "T" : p.token)).toEqual(["<fim_prefix>", "T", "<fim_suffix>", "T", "<fim_middle>", "T"])
    const [pre, suf, mid] = [psm[1] as string, psm[3] as string, psm[5] as string]
    expect(pre + mid + suf).toBe(text)
    const spm = Fim.transform(text, Rng.of(3, "psm"), 1)
    expect(spm.map((p) => typeof p === "string" ? "T" : p.token)).toEqual(["<fim_prefix>", "<fim_suffix>", "T", "<fim_middle>", "T"])
    expect(spm[2]).toBe(suf) // same cuts from the same seed
    expect(spm[4]).toBe(pre + mid)
  })

  it("undo leaves non-FIM parts and malformed spans alone", () => {
    const parts = [special("<file_sep>"), "a", special("<fim_prefix>"), "b", special("<file_sep>"), "c", special("<|endoftext|>")]
    expect(render(Fim.undo(parts))).toBe(render(parts))
  })

  it("is reproducible from the seed", () => {
    const a = Fim.transform(texts[2]!, Rng.of(9, "k"), 0.5)
    const b = Fim.transform(texts[2]!, Rng.of(9, "k"), 0.5)
    expect(render(a)).toBe(render(b))
  })
})
