/**
 * Special-token presets. Special tokens take the first ids, in the order given, and are split out of
 * the text before pre-tokenization (they are never learned from or merged).
 *
 * @since 0.1.0
 */

/** @since 0.1.0 @category models */
export type SpecialPreset = "starcoder" | "starcoder2"

/** @since 0.1.0 @category models */
export const specialPresets: ReadonlyArray<SpecialPreset> = ["starcoder", "starcoder2"]

/**
 * The 19 StarCoder(Base) special tokens, ids 0-18 (bigcode-project/bigcode-tokenizer
 * `starcoder/train_bpe_tokenizer.py`).
 *
 * @since 0.1.0 @category constants
 */
export const STARCODER: ReadonlyArray<string> = [
  "<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<fim_pad>", "<filename>", "<gh_stars>",
  "<issue_start>", "<issue_comment>", "<issue_closed>", "<jupyter_start>", "<jupyter_text>", "<jupyter_code>",
  "<jupyter_output>", "<empty_output>", "<commit_before>", "<commit_msg>", "<commit_after>", "<reponame>"
]

/**
 * StarCoder2's sentinel tokens (paper, Table 5, and the-stack-v2 PR rendering), followed by the
 * PII placeholders the hub's `special_tokens_map.json` lists: 38 tokens. The id order of the hub
 * file is not verified; this is the order documented there.
 *
 * @since 0.1.0 @category constants
 */
export const STARCODER2: ReadonlyArray<string> = [
  "<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<fim_pad>", "<repo_name>", "<file_sep>",
  "<issue_start>", "<issue_comment>", "<issue_closed>", "<jupyter_start>", "<jupyter_text>", "<jupyter_code>",
  "<jupyter_output>", "<jupyter_script>", "<empty_output>", "<code_to_intermediate>", "<intermediate_to_code>",
  "<pr>", "<pr_status>", "<pr_is_merged>", "<pr_base>", "<pr_file>", "<pr_base_code>", "<pr_diff>",
  "<pr_diff_hunk>", "<pr_comment>", "<pr_event_id>", "<pr_review>", "<pr_review_state>", "<pr_review_comment>",
  "<pr_in_reply_to_review_id>", "<pr_in_reply_to_comment_id>", "<pr_diff_hunk_comment_line>",
  "<NAME>", "<EMAIL>", "<KEY>", "<PASSWORD>"
]

/**
 * The tokens of a preset, or the list itself.
 *
 * @since 0.1.0 @category utils
 */
export const resolve = (special: SpecialPreset | ReadonlyArray<string>): ReadonlyArray<string> =>
  typeof special === "string" ? (special === "starcoder" ? STARCODER : STARCODER2) : special

/**
 * A regex that finds any of `tokens`, leftmost first and longest first at one position (HF's
 * leftmost-longest matching), or `undefined` for no tokens.
 *
 * @since 0.1.0 @category utils
 */
export const matcher = (tokens: ReadonlyArray<string>): RegExp | undefined => {
  if (tokens.length === 0) return undefined
  const sorted = [...new Set(tokens)].sort((a, b) => b.length - a.length)
  return new RegExp(sorted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
}

/**
 * Finds added tokens in UTF-8 bytes with the same leftmost-longest rule as {@link matcher}, for
 * text that is already UTF-8 (a batch packed for a worker thread, an Arrow string column). Tokens
 * that are not well-formed UTF-16 (a lone surrogate: no tokenizer.json that HF reads holds one)
 * are left out.
 *
 * @since 0.1.0 @category models
 */
export class ByteMatcher {
  /** Length in bytes of the last match {@link find} reported, and which token it was. */
  matchLength = 0
  matchToken = ""
  /** Token indices by their first byte, longest first. */
  private readonly byFirst: Array<Int32Array | undefined> = new Array(256)
  /** The distinct first bytes of the tokens, and where each occurs next during a {@link find}. */
  private readonly firstBytes: Array<number> = []
  private nextAt = new Int32Array(0)
  private readonly keys: Array<Uint8Array>
  private readonly tokens: Array<string>

  constructor(tokens: ReadonlyArray<string>) {
    const encoder = new TextEncoder()
    const wellFormed = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/
    this.tokens = [...new Set(tokens)].filter((t) => t.length > 0 && wellFormed.test(t))
    this.keys = this.tokens.map((t) => encoder.encode(t))
    const groups = new Map<number, Array<number>>()
    this.keys.forEach((key, i) => groups.set(key[0]!, [...(groups.get(key[0]!) ?? []), i]))
    for (const [b, list] of groups) {
      this.byFirst[b] = Int32Array.from(list.sort((x, y) => this.keys[y]!.length - this.keys[x]!.length))
      this.firstBytes.push(b)
    }
    this.nextAt = new Int32Array(this.firstBytes.length)
  }

  /** Whether any token can match. */
  get matchable(): boolean {
    return this.keys.length > 0
  }

  /** Position of the first token in `bytes[from, end)`, or −1; sets {@link matchLength} and {@link matchToken}. */
  find(bytes: Uint8Array, from: number, end: number): number {
    // Candidates are found by their first bytes with the native `indexOf` (added tokens usually
    // share one or two first bytes, such as `<`), then compared.
    const firsts = this.firstBytes
    const next = this.nextAt
    const view = end === bytes.length ? bytes : bytes.subarray(0, end)
    next.fill(-1)
    for (let p = from; p < end;) {
      let at = end
      for (let k = 0; k < firsts.length; k++) {
        // The next occurrence of each first byte, kept while it lies ahead.
        if (next[k]! < p) {
          const q = view.indexOf(firsts[k]!, p)
          next[k] = q < 0 ? end : q
        }
        if (next[k]! < at) at = next[k]!
      }
      if (at >= end) return -1
      const list = this.byFirst[bytes[at]!]!
      for (let k = 0; k < list.length; k++) {
        const key = this.keys[list[k]!]!
        const n = key.length
        if (at + n > end) continue
        let j = 1
        while (j < n && bytes[at + j] === key[j]) j++
        if (j === n) {
          this.matchLength = n
          this.matchToken = this.tokens[list[k]!]!
          return at
        }
      }
      p = at + 1
    }
    return -1
  }
}

/**
 * A {@link ByteMatcher} for `tokens`, or `undefined` for none.
 *
 * @since 0.1.0 @category utils
 */
export const byteMatcher = (tokens: ReadonlyArray<string>): ByteMatcher | undefined => {
  const m = new ByteMatcher(tokens)
  return m.matchable ? m : undefined
}
