/**
 * How files are laid out as training text.
 *
 * - **StarCoder2** (paper §5.1, reference `curation.md` §8.2): the files of one repository form one
 *   example, in a seeded random order. With probability `metadataRate` (0.5):
 *   `<repo_name>name<file_sep>path\ncontent<file_sep>path\ncontent...<|endoftext|>`, otherwise
 *   `<file_sep>content<file_sep>content...<|endoftext|>`. Repository-context FIM: a repository is
 *   eligible with probability `fimRepoRate` (0.5); each file chunk (the text after its
 *   `<file_sep>`) of an eligible repository gets FIM with probability `fim.rate` (0.5); the
 *   `<repo_name>name` part never does.
 * - **StarCoder1** (bigcode-dataset `preprocessing/add_content_with_meta.py`): one example per file,
 *   `<reponame>repo<filename>path<gh_stars>bucket\ncontent<|endoftext|>`, each metadata item kept
 *   independently with probability `metadataRate` (0.2), the newline only when any is kept. FIM per
 *   document with probability `fim.rate`, over the content (metadata stays in front).
 *
 * Every random draw comes from a generator seeded by `seed` and the repository (and, for
 * StarCoder1, the file path), so the result does not depend on the order, task or worker that
 * formats a repository; turning FIM on or off does not change the order or the metadata draws.
 *
 * @since 0.1.0
 */
import { type Part, special } from "./Example.ts"
import * as Fim from "./Fim.ts"
import { Rng } from "./internal/rng.ts"
import { END_OF_TEXT, FILE_SEP, FILENAME, FIM, GH_STARS, REPO_NAME, REPONAME } from "./Tokens.ts"

/** @since 0.1.0 @category models */
export type Layout = "starcoder2" | "starcoder1"

/** @since 0.1.0 @category models */
export const layouts: ReadonlyArray<Layout> = ["starcoder2", "starcoder1"]

/** One source file. @since 0.1.0 @category models */
export interface FileRecord {
  readonly repo: string
  readonly path: string
  readonly content: string
  /** Repository stars (StarCoder1's `<gh_stars>` bucket); null or missing counts as 0. */
  readonly stars?: number | null | undefined
}

/** @since 0.1.0 @category models */
export interface LayoutOptions {
  readonly seed?: number | undefined
  /** Metadata probability: 0.5 for StarCoder2 (all or nothing), 0.2 per item for StarCoder1. */
  readonly metadataRate?: number | undefined
  readonly fim?: Fim.FimOptions | undefined
  /** StarCoder2: probability that a repository is eligible for FIM (default 0.5). */
  readonly fimRepoRate?: number | undefined
}

/** What a formatted example holds, for statistics. @since 0.1.0 @category models */
export interface Formatted {
  readonly parts: Array<Part>
  /** File chunks (StarCoder2) or documents (StarCoder1) that got FIM. */
  readonly fimChunks: number
  readonly withMetadata: boolean
}

const eot = special(END_OF_TEXT)
const fileSep = special(FILE_SEP)
const repoName = special(REPO_NAME)

/**
 * The special tokens a layout (with or without FIM) needs from the tokenizer.
 *
 * @since 0.1.0 @category utils
 */
export const requiredTokens = (layout: Layout, options: LayoutOptions = {}): ReadonlyArray<string> => {
  const fimOn = (options.fim?.rate ?? 0.5) > 0 && (layout === "starcoder1" || (options.fimRepoRate ?? 0.5) > 0)
  const base = layout === "starcoder2"
    ? [END_OF_TEXT, FILE_SEP, ...((options.metadataRate ?? 0.5) > 0 ? [REPO_NAME] : [])]
    : [END_OF_TEXT, ...((options.metadataRate ?? 0.2) > 0 ? [REPONAME, FILENAME, GH_STARS] : [])]
  return fimOn ? [...base, ...FIM] : base
}

/**
 * StarCoder2 example of one repository. The files are put in (path, content) order and then
 * shuffled by the seed, so the example does not depend on the order they arrive in. `key`
 * seeds the random draws (default: the repository name; give files without a repository a key
 * of their own).
 *
 * @since 0.1.0 @category layouts
 */
export const repository = (repo: string, files: ReadonlyArray<FileRecord>, options: LayoutOptions = {}, key = repo): Formatted => {
  const seed = options.seed ?? 0
  const order = Array.from({ length: files.length }, (_, i) => i).sort((a, b) => compareFiles(files[a]!, files[b]!) || a - b)
  Rng.of(seed, "order", key).shuffle(order)
  const withMetadata = Rng.of(seed, "metadata", key).chance(options.metadataRate ?? 0.5)
  const fimRng = Rng.of(seed, "fim", key)
  const rate = options.fim?.rate ?? 0.5
  const spm = options.fim?.spmRate ?? 0.5
  const eligible = rate > 0 && fimRng.chance(options.fimRepoRate ?? 0.5)
  const parts: Array<Part> = []
  if (withMetadata && repo.length > 0) parts.push(repoName, repo)
  let fimChunks = 0
  for (const i of order) {
    const f = files[i]!
    const chunk = withMetadata ? `${f.path}\n${f.content}` : f.content
    parts.push(fileSep)
    if (eligible && fimRng.chance(rate)) {
      fimChunks++
      for (const p of Fim.transform(chunk, fimRng, spm)) parts.push(p)
    } else parts.push(chunk)
  }
  parts.push(eot)
  return { parts, fimChunks, withMetadata }
}

const compareFiles = (a: FileRecord, b: FileRecord): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : a.content < b.content ? -1 : a.content > b.content ? 1 : 0

/**
 * StarCoder1's star bucket: `0` (null or 0), `1-10`, `10-100`, `100-1000`, `1000+`. The exact
 * boundary comparisons of bigcode-dataset are not verified; here 10 is in `1-10`, 100 in
 * `10-100` and 1000 in `100-1000`.
 *
 * @since 0.1.0 @category utils
 */
export const starBucket = (stars: number | null | undefined): string => {
  const s = stars ?? 0
  if (s <= 0) return "0"
  if (s <= 10) return "1-10"
  if (s <= 100) return "10-100"
  if (s <= 1000) return "100-1000"
  return "1000+"
}

/**
 * StarCoder1 example of one file. `key` distinguishes files with the same repository and path
 * (default: none).
 *
 * @since 0.1.0 @category layouts
 */
export const file = (record: FileRecord, options: LayoutOptions = {}, key = ""): Formatted => {
  const seed = options.seed ?? 0
  const p = options.metadataRate ?? 0.2
  const meta = Rng.of(seed, "metadata", record.repo, record.path, key)
  const parts: Array<Part> = []
  let header = ""
  const addRepo = meta.chance(p)
  const addPath = meta.chance(p)
  const addStars = meta.chance(p)
  if (addRepo) parts.push(special(REPONAME), record.repo)
  if (addPath) parts.push(special(FILENAME), record.path)
  if (addStars) parts.push(special(GH_STARS), starBucket(record.stars))
  const withMetadata = addRepo || addPath || addStars
  if (withMetadata) header = "\n"
  const rate = options.fim?.rate ?? 0.5
  const fimRng = Rng.of(seed, "fim", record.repo, record.path, key)
  let fimChunks = 0
  if (rate > 0 && fimRng.chance(rate)) {
    fimChunks = 1
    if (header.length > 0) appendText(parts, header)
    for (const q of Fim.transform(record.content, fimRng, options.fim?.spmRate ?? 0.5)) parts.push(q)
  } else appendText(parts, header + record.content)
  parts.push(eot)
  return { parts, fimChunks, withMetadata }
}

/** Append text, joining it to a preceding text part (so metadata values and the newline stay one piece). */
const appendText = (parts: Array<Part>, text: string): void => {
  const last = parts.length - 1
  if (last >= 0 && typeof parts[last] === "string") parts[last] = (parts[last] as string) + text
  else parts.push(text)
}
