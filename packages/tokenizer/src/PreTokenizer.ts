/**
 * Pre-tokenizers: how text is cut into pieces before BPE runs inside each piece. A pre-tokenizer is
 * described by the same JSON nodes Hugging Face writes into tokenizer.json (`Sequence`, `Digits`,
 * `Split`, `ByteLevel`) and compiled into one function that reports pieces without allocating them.
 *
 * Presets:
 * - `starcoder`: `Digits(individual)` then the GPT-2 regex with ByteLevel, no prefix space (the
 *   StarCoder recipe exactly).
 * - `cl100k-code`: digits one by one, then the cl100k (GPT-4) regex as a `Split`, then ByteLevel
 *   without its own regex.
 *
 * Digit options: `individual` (every numeric character is a piece), `groups` (runs of up to 3, left
 * to right, as cl100k does), `none` (digits follow the regex alone).
 *
 * Regexes are compiled with Oniguruma's (that is, HF's) meaning of `\s`: Unicode White_Space,
 * which includes U+0085 and excludes U+FEFF (JavaScript's `\s` is the other way round).
 *
 * ```ts
 * const pre = PreTokenizer.compile(PreTokenizer.preset("starcoder"))
 * PreTokenizer.pieces(pre, "x = 42\n")  // ["x", " =", " ", "4", "2", "\n"]
 * ```
 *
 * @since 0.1.0
 */

import * as Scanner from "./internal/Scanner.ts"

/** @since 0.1.0 @category models */
export type DigitsMode = "individual" | "groups" | "none"

/** @since 0.1.0 @category models */
export type Preset = "starcoder" | "cl100k-code"

/** @since 0.1.0 @category models */
export const presets: ReadonlyArray<Preset> = ["starcoder", "cl100k-code"]

/** tokenizer.json pre-tokenizer nodes this package reads and writes. @since 0.1.0 @category models */
export type PreTokenizerJson =
  | { readonly type: "Sequence"; readonly pretokenizers: ReadonlyArray<PreTokenizerJson> }
  | { readonly type: "Digits"; readonly individual_digits: boolean }
  | {
    readonly type: "ByteLevel"
    readonly add_prefix_space: boolean
    readonly trim_offsets: boolean
    readonly use_regex: boolean
  }
  | {
    readonly type: "Split"
    readonly pattern: { readonly Regex: string } | { readonly String: string }
    readonly behavior: "Isolated" | "Removed"
    readonly invert: boolean
  }

/** The GPT-2 pre-tokenization regex (HF ByteLevel with `use_regex`). @since 0.1.0 @category constants */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

const CONTRACTIONS = "'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])"

/**
 * The cl100k (GPT-4) regex in a form that JavaScript and Oniguruma read alike: contractions spelled
 * out case-insensitively, no possessive quantifiers, `\s+$` written as `\s+(?![\s\S])` because `$`
 * means end of line in Oniguruma.
 *
 * @since 0.1.0 @category constants
 */
export const CL100K_PATTERN = cl100k("\\p{N}{1,3}")

function cl100k(numbers: string): string {
  return `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|${numbers}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s+(?![\\s\\S])|\\s*[\\r\\n]|\\s+(?!\\S)|\\s`
}

const byteLevel = (useRegex: boolean): PreTokenizerJson => ({ type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: useRegex })

/**
 * The tokenizer.json pre-tokenizer of a preset with a digits mode (default `individual`).
 *
 * @since 0.1.0 @category constructors
 */
export const preset = (name: Preset, digits: DigitsMode = "individual"): PreTokenizerJson => {
  if (name === "starcoder") {
    switch (digits) {
      case "individual":
        return { type: "Sequence", pretokenizers: [{ type: "Digits", individual_digits: true }, byteLevel(true)] }
      case "groups":
        return {
          type: "Sequence",
          pretokenizers: [{ type: "Split", pattern: { Regex: "\\p{N}{1,3}" }, behavior: "Isolated", invert: false }, byteLevel(true)]
        }
      case "none":
        return byteLevel(true)
    }
  }
  const split = (pattern: string): PreTokenizerJson => ({ type: "Split", pattern: { Regex: pattern }, behavior: "Isolated", invert: false })
  switch (digits) {
    case "individual":
      return { type: "Sequence", pretokenizers: [{ type: "Digits", individual_digits: true }, split(CL100K_PATTERN), byteLevel(false)] }
    case "groups":
      return { type: "Sequence", pretokenizers: [split(CL100K_PATTERN), byteLevel(false)] }
    case "none":
      return { type: "Sequence", pretokenizers: [split(cl100k("\\p{N}+")), byteLevel(false)] }
  }
}

/**
 * Receives each piece as a range of a string (the input itself on the fast path, so nothing is
 * copied).
 *
 * @since 0.1.0 @category models
 */
export type PieceSink = (text: string, start: number, end: number) => void

/** A compiled pre-tokenizer. @since 0.1.0 @category models */
export interface Compiled {
  readonly json: PreTokenizerJson
  /** Is there a ByteLevel step (pieces become byte sequences)? */
  readonly byteLevel: boolean
  /** Report every piece of `text[start, end)` in order. */
  readonly split: (text: string, start: number, end: number, sink: PieceSink) => void
  /**
   * For the preset shapes: the same pieces read from UTF-8 bytes by a hand-written scanner
   * (`bytes[start, end)`, valid UTF-8; pieces as byte ranges). What the encoder uses.
   */
  readonly scanBytes?: Scanner.ByteScanner | undefined
}

/** Receives each piece as a byte range of a UTF-8 buffer. @since 0.1.0 @category models */
export type ByteSink = Scanner.ByteSink

/** Translate an Oniguruma-style pattern to a JavaScript one (`\s` → White_Space). @since 0.1.0 @category utils */
export const toJsPattern = (pattern: string): string => {
  let out = ""
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === "\\" && i + 1 < pattern.length) {
      const n = pattern[i + 1]!
      if (n === "s") out += "\\p{White_Space}"
      else if (n === "S") out += "\\P{White_Space}"
      else out += c + n
      i++
    } else out += c
  }
  return out
}

/** Thrown by {@link compile} for nodes it does not implement; callers turn it into a typed error. */
export class UnsupportedNode extends Error {
  readonly path: string
  constructor(path: string, message: string) {
    super(message)
    this.path = path
  }
}

type Step = (text: string, start: number, end: number, sink: PieceSink) => void

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** A step that splits each range with a global regex, keeping matches and gaps (Isolated) or only one kind (Removed). */
const regexStep = (source: string, behavior: "Isolated" | "Removed", invert: boolean): Step => {
  const re = new RegExp(source, "gu")
  return (text, start, end, sink) => {
    const s = start === 0 && end === text.length ? text : text.slice(start, end)
    re.lastIndex = 0
    let last = 0
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      const a = m.index
      const b = a + m[0].length
      if (b === a) {
        re.lastIndex++
        continue
      }
      if (a > last && (behavior === "Isolated" || invert)) sink(s, last, a)
      if (behavior === "Isolated" || !invert) sink(s, a, b)
      last = b
    }
    if (last < s.length && (behavior === "Isolated" || invert)) sink(s, last, s.length)
  }
}

/** Fast path: a sticky regex that matches every position of the input, so pieces are consecutive matches. */
const coveringStep = (source: string): Step => {
  const re = new RegExp(source, "uy")
  return (text, start, end, sink) => {
    if (end !== text.length) {
      text = text.slice(0, end)
    }
    let pos = start
    while (pos < end) {
      re.lastIndex = pos
      if (!re.test(text)) throw new Error(`pre-tokenizer regex does not cover position ${pos}`)
      const next = re.lastIndex
      sink(text, pos, next)
      pos = next
    }
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * A node with HF's defaults filled in and keys in our order (`use_regex` defaults to true and
 * `invert` to false, as in HF's serde; GPT-2's hub file has no `use_regex`).
 *
 * @since 0.1.0 @category utils
 */
export const normalize = (node: PreTokenizerJson): PreTokenizerJson => {
  switch (node.type) {
    case "Sequence":
      return { type: "Sequence", pretokenizers: (node.pretokenizers ?? []).map(normalize) }
    case "Digits":
      return { type: "Digits", individual_digits: node.individual_digits === true }
    case "ByteLevel":
      return {
        type: "ByteLevel",
        add_prefix_space: node.add_prefix_space !== false,
        trim_offsets: node.trim_offsets !== false,
        use_regex: node.use_regex !== false
      }
    case "Split":
      return { type: "Split", pattern: node.pattern, behavior: node.behavior, invert: node.invert === true }
    default:
      return node
  }
}

/** Known node shapes with a single equivalent covering regex (checked against the generic path in tests). */
const fastPatterns = (): Array<readonly [PreTokenizerJson, string, Scanner.ByteScanner]> => {
  const gpt2Tail = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?![^\\s\\p{N}])|\\s+"
  const cl100kTail = (numbers: string) =>
    `${numbers}|${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s+(?![^\\p{N}])|\\s*[\\r\\n]|\\s+(?![^\\s\\p{N}])|\\s`
  return [
    [preset("starcoder", "individual"), `\\p{N}|${gpt2Tail}`, Scanner.gpt2(1)],
    [preset("starcoder", "groups"), `\\p{N}{1,3}|${gpt2Tail}`, Scanner.gpt2(3)],
    [preset("starcoder", "none"), GPT2_PATTERN, Scanner.gpt2(0)],
    [preset("cl100k-code", "individual"), cl100kTail("\\p{N}"), Scanner.cl100k(1)],
    [preset("cl100k-code", "groups"), CL100K_PATTERN, Scanner.cl100k(3)],
    [preset("cl100k-code", "none"), cl100k("\\p{N}+"), Scanner.cl100k(0)]
  ]
}

/**
 * Compile a pre-tokenizer. Known preset shapes use one covering regex; any other combination of
 * `Sequence`, `Digits`, `Split` (Isolated, or Removed) and `ByteLevel` runs step by step.
 * Throws {@link UnsupportedNode} for anything else.
 *
 * @since 0.1.0 @category constructors
 */
export const compile = (json: PreTokenizerJson | null, options: { readonly generic?: boolean } = {}): Compiled => {
  if (json === null) return { json: json as never, byteLevel: false, split: (text, start, end, sink) => sink(text, start, end) }
  let byteLevelSeen = false
  if (options.generic !== true) {
    const normal = normalize(json)
    for (const [shape, pattern, scanBytes] of fastPatterns()) {
      if (sameJson(shape, normal)) return { json, byteLevel: true, split: coveringStep(toJsPattern(pattern)), scanBytes }
    }
  }
  const steps: Array<Step> = []
  const visit = (node: PreTokenizerJson, path: string): void => {
    switch (node.type) {
      case "Sequence":
        node.pretokenizers.forEach((child, i) => visit(child, `${path}.pretokenizers[${i}]`))
        return
      case "Digits":
        steps.push(regexStep(node.individual_digits ? "\\p{N}" : "\\p{N}+", "Isolated", false))
        return
      case "Split": {
        if (node.behavior !== "Isolated" && node.behavior !== "Removed") {
          throw new UnsupportedNode(`${path}.behavior`, `Split behavior ${String(node.behavior)}`)
        }
        if (node.behavior === "Isolated" && node.invert) throw new UnsupportedNode(`${path}.invert`, "Isolated Split with invert")
        const source = "Regex" in node.pattern ? toJsPattern(node.pattern.Regex) : escapeRegExp(node.pattern.String)
        steps.push(regexStep(source, node.behavior, node.invert))
        return
      }
      case "ByteLevel": {
        byteLevelSeen = true
        if (node.add_prefix_space) {
          steps.push((text, start, end, sink) => {
            if (text.charCodeAt(start) === 0x20) sink(text, start, end)
            else sink(" " + text.slice(start, end), 0, end - start + 1)
          })
        }
        if (node.use_regex) steps.push(regexStep(toJsPattern(GPT2_PATTERN), "Isolated", false))
        return
      }
      default:
        throw new UnsupportedNode(path, `pre-tokenizer ${String((node as { type?: unknown }).type)}`)
    }
  }
  visit(normalize(json), "pre_tokenizer")
  const run = (i: number, text: string, start: number, end: number, sink: PieceSink): void => {
    if (i === steps.length) return sink(text, start, end)
    steps[i]!(text, start, end, (t, a, b) => run(i + 1, t, a, b, sink))
  }
  return { json, byteLevel: byteLevelSeen, split: (text, start, end, sink) => run(0, text, start, end, sink) }
}

/**
 * The pieces of a text as strings (for inspection and tests; the encoder and trainer use
 * {@link Compiled.split} directly).
 *
 * @since 0.1.0 @category utils
 */
export const pieces = (pre: Compiled, text: string): Array<string> => {
  const out: Array<string> = []
  pre.split(text, 0, text.length, (t, a, b) => out.push(t.slice(a, b)))
  return out
}

/**
 * The pieces of a text as the byte scanner of a preset shape reports them, decoded back to strings
 * (for tests: they must equal {@link pieces}); `undefined` for shapes without a scanner.
 *
 * @since 0.1.0 @category utils
 */
export const scannedPieces = (pre: Compiled, text: string): Array<string> | undefined => {
  const scan = pre.scanBytes
  if (scan === undefined) return undefined
  const bytes = new TextEncoder().encode(text)
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  const out: Array<string> = []
  scan(bytes, 0, bytes.length, (b, s, e) => out.push(decoder.decode(b.subarray(s, e))))
  return out
}
