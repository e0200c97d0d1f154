/**
 * The special tokens this package writes (StarCoder and StarCoder2 vocabularies; see
 * bigcode-project/bigcode-tokenizer and the StarCoder2 paper, Table 5).
 *
 * @since 0.1.0
 */

/** Document separator. @since 0.1.0 @category constants */
export const END_OF_TEXT = "<|endoftext|>"
/** @since 0.1.0 @category constants */
export const FIM_PREFIX = "<fim_prefix>"
/** @since 0.1.0 @category constants */
export const FIM_MIDDLE = "<fim_middle>"
/** @since 0.1.0 @category constants */
export const FIM_SUFFIX = "<fim_suffix>"
/** @since 0.1.0 @category constants */
export const FIM_PAD = "<fim_pad>"
/** StarCoder2 repository name. @since 0.1.0 @category constants */
export const REPO_NAME = "<repo_name>"
/** StarCoder2 file separator. @since 0.1.0 @category constants */
export const FILE_SEP = "<file_sep>"
/** StarCoder1 metadata: repository name. @since 0.1.0 @category constants */
export const REPONAME = "<reponame>"
/** StarCoder1 metadata: file name. @since 0.1.0 @category constants */
export const FILENAME = "<filename>"
/** StarCoder1 metadata: star bucket. @since 0.1.0 @category constants */
export const GH_STARS = "<gh_stars>"

/** The three FIM sentinels. @since 0.1.0 @category constants */
export const FIM: ReadonlyArray<string> = [FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX]
