/**
 * What a packed dataset was made with, recorded in `pack.json` (and in `<out>/work/settings.json`
 * while a run is under way) so that a rerun can tell whether the output on disk is still the output
 * it would write: a fingerprint of the tokenizer (SHA-256 over its canonical content, so a
 * retrained tokenizer saved under the same file name is told apart, and a re-saved or reformatted
 * copy of the same tokenizer is not) and every option that changes the tokens written.
 *
 * ```ts
 * const wanted = Settings.of(params, Tokenizer.fromFileSync(params.tokenizer))
 * const differences = Settings.diff(recorded, wanted)   // [] when the output can be reused
 * ```
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import * as path from "node:path"
import type { Tokenizer } from "@pretrain/tokenizer"
import * as Packer from "./Packer.ts"

/** The tokenizer a dataset was packed with. @since 0.1.0 @category models */
export interface TokenizerRecord {
  /** The file it was read from (informational: moving the file changes nothing). */
  readonly file: string
  /** {@link tokenizerDigest}: SHA-256 (hex) of the tokenizer's canonical content. */
  readonly sha256: string
  readonly vocabSize: number
}

/**
 * The options that change the packed tokens and are recorded as a run gives them (both in
 * {@link Options} and in {@link Request}).
 *
 * @since 0.1.0 @category models
 */
export interface GivenOptions {
  readonly format: string
  readonly layout: string
  readonly packing: string
  readonly seqLen: number
  readonly seed: number
  readonly fimRate: number
  readonly fimSpmRate: number
  readonly fimRepoRate: number
  readonly metadataRate: number
  readonly partitions: number
  readonly pad: string
}

/** Every option that changes the packed tokens, with defaults filled in. @since 0.1.0 @category models */
export interface Options extends GivenOptions {
  /** The input path(s), absolute. */
  readonly input: string
  readonly inputFormat: string
  readonly windowTokens: number
}

/** @since 0.1.0 @category models */
export interface Settings {
  /** SHA-256 (hex) over the tokenizer digest and the options: equal fingerprints, equal outputs. */
  readonly fingerprint: string
  readonly tokenizer: TokenizerRecord
  readonly options: Options
}

/** One setting that differs between the output on disk and a run. @since 0.1.0 @category models */
export interface Difference {
  readonly setting: string
  readonly recorded: string
  readonly requested: string
}

/** JSON with object keys sorted at every level (arrays keep their order). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v
    const sorted: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
    return sorted
  })

/**
 * SHA-256 (hex) of what decides a tokenizer's ids: the tokenizer.json document with sorted keys and
 * added tokens sorted by id, its vocabulary as the token of each id and its merges as id pairs (so
 * the file's whitespace, key order and merge spelling, `"a b"` or `["a", "b"]`, do not matter).
 *
 * @since 0.1.0 @category fingerprints
 */
export const tokenizerDigest = (tokenizer: Tokenizer): string => {
  const json = tokenizer.json
  const { merges: _merges, vocab: _vocab, ...model } = json.model
  const added = [...(json.added_tokens ?? [])].sort((a, b) => a.id - b.id)
  const hash = createHash("sha256")
  hash.update(canonical({ ...json, added_tokens: added, model }))
  hash.update("\0vocab\0")
  hash.update(JSON.stringify(tokenizer.model.tokens))
  hash.update("\0merges\0")
  const merges = tokenizer.model.merges
  const bytes = new Uint8Array(merges.length * 8)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < merges.length; i++) {
    view.setInt32(8 * i, merges[i]![0], true)
    view.setInt32(8 * i + 4, merges[i]![1], true)
  }
  hash.update(bytes)
  return hash.digest("hex")
}

/** What {@link of} needs: a run's options with defaults filled in (see `Pack.resolve`). @since 0.1.0 @category models */
export interface Request extends GivenOptions {
  readonly input: string | ReadonlyArray<string>
  readonly inputFormat?: string | undefined
  readonly tokenizer: string
  readonly windowTokens?: number | undefined
}

/**
 * The {@link GivenOptions} that {@link of} copies as given, in the order `pack.json` records them and
 * {@link diff} lists them (`pad` comes after `windowTokens`).
 */
const copied = ["format", "layout", "packing", "seqLen", "seed", "fimRate", "fimSpmRate", "fimRepoRate", "metadataRate", "partitions"] as const

const copyGiven = (options: Request): Pick<GivenOptions, typeof copied[number]> => {
  const out: Record<string, unknown> = {}
  for (const key of copied) out[key] = options[key]
  return out as Pick<GivenOptions, typeof copied[number]>
}

/**
 * The settings of a run with `options` and `tokenizer` (read from `options.tokenizer`).
 *
 * @since 0.1.0 @category constructors
 */
export const of = (options: Request, tokenizer: Tokenizer, digest = tokenizerDigest(tokenizer)): Settings => {
  const opts: Options = {
    input: typeof options.input === "string" ? path.resolve(options.input) : options.input.map((i) => path.resolve(i)).join(", "),
    inputFormat: options.inputFormat ?? "auto",
    ...copyGiven(options),
    windowTokens: Math.max(options.seqLen, options.windowTokens ?? Packer.defaultWindowTokens),
    pad: options.pad
  }
  return {
    fingerprint: createHash("sha256").update(canonical({ tokenizer: digest, options: opts })).digest("hex"),
    tokenizer: { file: path.resolve(options.tokenizer), sha256: digest, vocabSize: tokenizer.vocabSize },
    options: opts
  }
}

const isSettings = (u: unknown): u is Settings =>
  typeof u === "object" && u !== null &&
  typeof (u as Settings).fingerprint === "string" &&
  typeof (u as Settings).tokenizer?.sha256 === "string" &&
  typeof (u as Settings).options === "object" && (u as Settings).options !== null

const short = (sha: string) => `sha256 ${sha.slice(0, 12)}`

/**
 * The settings that differ between `recorded` (from `pack.json` or `work/settings.json`; anything
 * that is not a settings record, such as a file from before settings were recorded, differs) and
 * `wanted`; empty when the recorded output is what a run with `wanted` would write.
 *
 * @since 0.1.0 @category comparing
 */
export const diff = (recorded: unknown, wanted: Settings): ReadonlyArray<Difference> => {
  if (!isSettings(recorded)) return [{ setting: "settings", recorded: "none recorded", requested: wanted.fingerprint.slice(0, 12) }]
  if (recorded.fingerprint === wanted.fingerprint) return []
  const out: Array<Difference> = []
  if (recorded.tokenizer.sha256 !== wanted.tokenizer.sha256) {
    out.push({
      setting: "tokenizer",
      recorded: `${short(recorded.tokenizer.sha256)} (${recorded.tokenizer.file})`,
      requested: `${short(wanted.tokenizer.sha256)} (${wanted.tokenizer.file})`
    })
  }
  const keys = new Set([...Object.keys(recorded.options), ...Object.keys(wanted.options)])
  const was = recorded.options as unknown as Record<string, unknown>
  const now = wanted.options as unknown as Record<string, unknown>
  for (const k of keys) {
    if (was[k] !== now[k]) out.push({ setting: k, recorded: String(was[k] ?? "unset"), requested: String(now[k] ?? "unset") })
  }
  // equal tokenizer and options with another fingerprint: recorded by another fingerprint scheme
  if (out.length === 0) out.push({ setting: "fingerprint", recorded: recorded.fingerprint.slice(0, 12), requested: wanted.fingerprint.slice(0, 12) })
  return out
}
