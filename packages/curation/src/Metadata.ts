/**
 * StarCoder1 metadata formatting (bigcode-dataset `preprocessing/add_content_with_meta.py`,
 * reference §8.1): with probability 0.2 each, independently, prefix the content with
 * `<reponame>{repo}`, `<filename>{path}` and `<gh_stars>{bucket}`, in that order, then `\n` when
 * anything was emitted. Star buckets: `0` (null or 0), `1-10`, `10-100`, `100-1000`, `1000+`
 * (the boundary comparisons are unverified in the reference; here a bucket holds counts below its
 * upper bound: 10 → `10-100`).
 *
 * The draws are seeded by `seed` and the document (repository, path, content), so the output is
 * the same for a seed whatever the sharding or worker count.
 *
 * ```ts
 * Metadata.format({ content: "x = 1\n", max_stars_repo_name: "a/b", max_stars_repo_path: "x.py", max_stars_count: 42 },
 *   { ...Metadata.defaults, repoNameProbability: 1, fileNameProbability: 1, starsProbability: 1 })
 * // "<reponame>a/b<filename>x.py<gh_stars>10-100\nx = 1\n"
 * ```
 *
 * @since 0.1.0
 */
import { type Doc, Operator } from "@pretrain/dataflow"
import { Stream } from "effect"
import { dual } from "effect/Function"
import { fnv1a, random } from "./internal/hash.ts"
import type { FileLike } from "./Rule.ts"

/** @since 0.1.0 @category models */
export interface Config {
  readonly repoNameProbability: number
  readonly fileNameProbability: number
  readonly starsProbability: number
  readonly seed: number
}

/** StarCoder1: 0.2 each. @since 0.1.0 @category constants */
export const defaults: Config = { repoNameProbability: 0.2, fileNameProbability: 0.2, starsProbability: 0.2, seed: 0 }

/** The tokens. @since 0.1.0 @category constants */
export const tokens = { repoName: "<reponame>", fileName: "<filename>", stars: "<gh_stars>" } as const

/**
 * StarCoder1's star bucket of a count (`null` / 0 → `"0"`).
 *
 * @since 0.1.0 @category utils
 */
export const starsBucket = (stars: number | bigint | null | undefined): string => {
  const n = stars === null || stars === undefined ? 0 : Number(stars)
  if (!(n > 0)) return "0"
  if (n < 10) return "1-10"
  if (n < 100) return "10-100"
  if (n < 1000) return "100-1000"
  return "1000+"
}

const first = (doc: FileLike, keys: ReadonlyArray<string>): unknown => {
  for (const k of keys) if (doc[k] !== undefined && doc[k] !== null) return doc[k]
  return undefined
}

/** Repository, path and stars of a Doc: The Stack v1 columns first, then v2's. */
const fields = (doc: FileLike) => ({
  repo: String(first(doc, ["max_stars_repo_name", "repo_name"]) ?? ""),
  path: String(first(doc, ["max_stars_repo_path", "path"]) ?? ""),
  stars: first(doc, ["max_stars_count", "star_events_count"]) as number | bigint | null | undefined
})

/**
 * The content with its metadata prefix (possibly none).
 *
 * @since 0.1.0 @category formatting
 */
export const format = (doc: FileLike, config: Config = defaults): string => {
  const { path, repo, stars } = fields(doc)
  const next = random(fnv1a(doc.content, fnv1a(path, fnv1a(repo, (config.seed ^ 0x9747b28c) >>> 0))))
  let prefix = ""
  if (next() < config.repoNameProbability) prefix += tokens.repoName + repo
  if (next() < config.fileNameProbability) prefix += tokens.fileName + path
  if (next() < config.starsProbability) prefix += tokens.stars + starsBucket(stars)
  return prefix === "" ? doc.content : `${prefix}\n${doc.content}`
}

/** Name of the operator in stage stats. @since 0.1.0 @category constants */
export const operatorName = "metadata-format"

/**
 * Rewrite every Doc's `content` with its metadata prefix. Data-last
 * (`docs.pipe(Metadata.formatDocs(config))`) and data-first (`Metadata.formatDocs(docs, config)`).
 *
 * @since 0.1.0 @category operators
 */
export const formatDocs: {
  (config?: Config): <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config?: Config): Stream.Stream<A, E, R>
} = dual((args) => Stream.isStream(args[0]), <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config: Config = defaults) =>
  Operator.map(docs, operatorName, (doc: A): A => ({ ...doc, content: format(doc, config) })))
