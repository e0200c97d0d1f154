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
