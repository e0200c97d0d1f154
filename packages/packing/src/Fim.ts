/**
 * Fill-in-the-middle (Bavarian et al. 2022, arXiv:2207.14255) at the character level, as
 * bigcode-project/Megatron-LM's `permute()` does it: two cut points drawn uniformly in
 * `[0, length]` and sorted split a text into prefix, middle and suffix (empty parts allowed), and
 * the example is written
 *
 * - PSM: `<fim_prefix>prefix<fim_suffix>suffix<fim_middle>middle`
 * - SPM: `<fim_prefix><fim_suffix>suffix<fim_middle>prefix middle` (variant 2 of the paper)
 *
 * Cuts never fall inside a surrogate pair, so every part is well-formed text. Each part is
 * tokenized on its own. {@link undo} puts the text back together exactly.
 *
 * ```ts
 * const rng = Rng.of(42, "acme/app")
 * const parts = Fim.transform("def f(x):\n    return x\n", rng, 0.5)
 * Example.render(Fim.undo(parts)) // "def f(x):\n    return x\n"
 * ```
 *
 * @since 0.1.0
 */
import { isSpecial, type Part, special } from "./Example.ts"
import type { Rng } from "./internal/rng.ts"
import { END_OF_TEXT, FILE_SEP, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX } from "./Tokens.ts"

/** @since 0.1.0 @category models */
export interface FimOptions {
  /** Probability that a document (or an eligible file chunk) gets FIM (default 0.5). */
  readonly rate?: number | undefined
  /** Share of SPM among FIM examples (default 0.5). */
  readonly spmRate?: number | undefined
}

const prefix = special(FIM_PREFIX)
const middle = special(FIM_MIDDLE)
const suffix = special(FIM_SUFFIX)

/** Move a cut that falls between a high and a low surrogate one code unit left. */
const safe = (text: string, i: number): number => {
  if (i > 0 && i < text.length) {
    const c = text.charCodeAt(i)
    if (c >= 0xdc00 && c <= 0xdfff) {
      const p = text.charCodeAt(i - 1)
      if (p >= 0xd800 && p <= 0xdbff) return i - 1
    }
  }
  return i
}

/**
 * Two sorted cut points in `[0, text.length]`, drawn uniformly, never inside a surrogate pair.
 *
 * @since 0.1.0 @category algorithms
 */
export const cutPoints = (text: string, rng: Rng): readonly [number, number] => {
  const a = safe(text, rng.int(text.length + 1))
  const b = safe(text, rng.int(text.length + 1))
  return a <= b ? [a, b] : [b, a]
}

/**
 * The FIM form of `text`: cut points from `rng`, SPM with probability `spmRate`, else PSM.
 *
 * @since 0.1.0 @category algorithms
 */
export const transform = (text: string, rng: Rng, spmRate = 0.5): Array<Part> => {
  const [i, j] = cutPoints(text, rng)
  const pre = text.slice(0, i)
  const mid = text.slice(i, j)
  const suf = text.slice(j)
  return rng.chance(spmRate)
    ? [prefix, suffix, suf, middle, pre + mid]
    : [prefix, pre, suffix, suf, middle, mid]
}

const ends = (p: Part): boolean => isSpecial(p) && (p.token === FILE_SEP || p.token === END_OF_TEXT || p.token === FIM_PREFIX)

/**
 * Undo FIM: every span from `<fim_prefix>` to the next `<file_sep>`, `<|endoftext|>`,
 * `<fim_prefix>` or the end becomes the original text (prefix + middle + suffix). Other parts are
 * kept. A span that is not well-formed FIM is left as it is.
 *
 * @since 0.1.0 @category algorithms
 */
export const undo = (parts: ReadonlyArray<Part>): Array<Part> => {
  const out: Array<Part> = []
  let i = 0
  while (i < parts.length) {
    const p = parts[i]!
    if (!isSpecial(p) || p.token !== FIM_PREFIX) {
      out.push(p)
      i++
      continue
    }
    let end = i + 1
    while (end < parts.length && !ends(parts[end]!)) end++
    const restored = restore(parts, i + 1, end)
    if (restored === undefined) for (let k = i; k < end; k++) out.push(parts[k]!)
    else out.push(restored)
    i = end
  }
  return out
}

/** Text of parts `[from, to)` up to the next special token; returns the index reached. */
const textUntilSpecial = (parts: ReadonlyArray<Part>, from: number, to: number): [string, number] => {
  let text = ""
  let k = from
  while (k < to && !isSpecial(parts[k]!)) text += parts[k++] as string
  return [text, k]
}

const restore = (parts: ReadonlyArray<Part>, from: number, to: number): string | undefined => {
  const at = (k: number, token: string) => k < to && isSpecial(parts[k]!) && (parts[k] as { token: string }).token === token
  const [pre, k1] = textUntilSpecial(parts, from, to)
  if (!at(k1, FIM_SUFFIX)) return undefined
  const [suf, k2] = textUntilSpecial(parts, k1 + 1, to)
  if (!at(k2, FIM_MIDDLE)) return undefined
  const [mid, k3] = textUntilSpecial(parts, k2 + 1, to)
  if (k3 !== to) return undefined
  // SPM has nothing between <fim_prefix> and <fim_suffix>; its middle part is prefix + middle.
  return pre + mid + suf
}
