/**
 * PII detection and redaction for code: emails, public IPv4 / IPv6 addresses, secrets (AWS,
 * GitHub, GitLab, Slack, Stripe, npm and Google API keys, JWTs, PEM private-key blocks, passwords and
 * high-entropy strings in assignments) and person names where code names an author, with bigcode's false-positive guards (reference §5.1–5.3):
 * private addresses and the 14 well-known public DNS servers are kept, `x.x.x.x` version strings are
 * not addresses unless `dns` or `server` occurs within 100 characters, UUIDs, templated, sequential
 * and id-like strings and checksums next to `sha`/`md5`/`hash`/`byte` are not secrets, nor are
 * generic high-entropy strings in files that mention `sha`/`hash` on more than 2% of their lines;
 * and ours (package README): example addresses in documentation comments, SVG path numbers,
 * reverse-DNS names, fixture and placeholder emails, packed strings, URL credentials, masked values.
 *
 * Two replacement policies: `placeholder` (StarCoder2 / StarPII: `<EMAIL>`, `<IP_ADDRESS>`,
 * `<KEY>`, `<PASSWORD>`, `<NAME>`) and `random` (realistic values: `xxxxx@example.com` addresses, IPs
 * from bigcode's replacement lists, keys with the same shape and prefix but random characters,
 * made-up names). Within one file the same secret always gets the same replacement; random choices
 * are seeded by the file's content and `seed`, so output does not depend on sharding or worker
 * count. Names are found only in authorship contexts (`Copyright (c) 2020 Jane Doe`, `@author`,
 * `"author":`, `Maintainer:`); StarPII's NER finds them anywhere. Names and emails of attribution
 * notices (copyright and author lines, package.json credits, AUTHORS and license files) are marked;
 * `attribution: "keep"` leaves them in place, as permissive licenses require of copies, where the
 * default (StarCoder2) redacts them too.
 *
 * ```ts
 * import { Pii } from "@pretrain/curation"
 * Pii.redact('const key = "AKIAIOSFODNN7EXAMPLE" // ops@corvid-labs.io').content
 * // 'const key = "<KEY>" // <EMAIL>'
 * ```
 *
 * @since 0.1.0
 */
import { type Doc, Operator, Stats } from "@pretrain/dataflow"
import { Effect, Stream } from "effect"
import { dual } from "effect/Function"
import { fnv1a, random } from "./internal/hash.ts"
import { isAttribution } from "./internal/attribution.ts"
import { emails, ipAddresses, names } from "./internal/contacts.ts"
import { randomReplacement } from "./internal/replacements.ts"
import { prescan } from "./internal/prescan.ts"
import { detectors, guardReason, lineAround, matches, mentionsHashes } from "./internal/secrets.ts"

/**
 * What was found: `email`, `ip_address`, or a secret kind (`aws_access_key`, `aws_secret_key`,
 * `github_token`, `gitlab_token`, `slack_token`, `stripe_key`, `npm_token`, `google_api_key`, `jwt`,
 * `private_key`, `password`, `secret`, `name`).
 *
 * @since 0.1.0 @category models
 */
export type Kind =
  | "email" | "ip_address" | "aws_access_key" | "aws_secret_key" | "github_token" | "gitlab_token" | "slack_token"
  | "stripe_key" | "npm_token" | "google_api_key" | "jwt" | "private_key" | "password" | "secret" | "name"

/** Every kind. @since 0.1.0 @category constants */
export const kinds: ReadonlyArray<Kind> = [
  "email", "ip_address", "aws_access_key", "aws_secret_key", "github_token", "gitlab_token", "slack_token", "stripe_key",
  "npm_token", "google_api_key", "jwt", "private_key", "password", "secret", "name"
]

/** One detection: `[start, end)` in UTF-16 code units. @since 0.1.0 @category models */
export interface Span {
  readonly kind: Kind
  readonly start: number
  readonly end: number
  readonly value: string
  /**
   * Part of an attribution notice: a name or email on a copyright / `@author` / license line, in a
   * package.json `author` / `contributors` / `maintainers` value, or in an AUTHORS file.
   */
  readonly attribution: boolean
}

/** @since 0.1.0 @category models */
export interface Config {
  readonly kinds: ReadonlyArray<Kind>
  readonly policy: "placeholder" | "random"
  readonly seed: number
  /** bigcode's file-level guard: generic secrets are ignored when more lines than this mention sha/hash. */
  readonly hashLineFraction: number
  /**
   * Names and emails of attribution notices ({@link Span.attribution}): `redact` them like any other
   * (StarCoder2: StarPII redacted every name and email it found) or `keep` them, as permissive
   * licenses require of copies of the code.
   */
  readonly attribution: "redact" | "keep"
}

/** StarCoder2: placeholders, every kind, attribution notices redacted too. @since 0.1.0 @category constants */
export const defaults: Config = { kinds, policy: "placeholder", seed: 0, hashLineFraction: 0.02, attribution: "redact" }

/** The placeholder each kind is replaced by under the `placeholder` policy. @since 0.1.0 @category constants */
export const placeholder = (kind: Kind): string =>
  kind === "email"
    ? "<EMAIL>"
    : kind === "ip_address"
    ? "<IP_ADDRESS>"
    : kind === "password"
    ? "<PASSWORD>"
    : kind === "name"
    ? "<NAME>"
    : "<KEY>"

/**
 * Find every PII span (sorted, non-overlapping; on overlap the earlier, then longer span wins).
 * `path` (the file's path in its repository) marks every name and email of an AUTHORS /
 * CONTRIBUTORS file as attribution.
 *
 * @since 0.1.0 @category detection
 */
export const detect = (content: string, config: Config = defaults, path?: string): Array<Span> => {
  const want = new Set(config.kinds)
  const spans: Array<Span> = []
  if (want.has("email")) {
    emails(content, (f) => spans.push({ kind: "email", ...f, attribution: isAttribution(content, f.start, f.end, path) }))
  }
  const scan = prescan(content)
  // Names are found only in authorship contexts: every one is attribution.
  if (want.has("name") && scan.nameContext) names(content, (f) => spans.push({ kind: "name", ...f, attribution: true }))
  if (want.has("ip_address")) ipAddresses(content, (f) => spans.push({ kind: "ip_address", ...f, attribution: false }))
  let hashFile: boolean | undefined
  for (let k = 0; k < detectors.length; k++) {
    const d = detectors[k]!
    if (scan.armed[k] === 0 || !want.has(d.kind as Kind)) continue
    matches(k, content, scan.starts[k]!, (m) => {
      const group = typeof d.group === "number"
        ? (d.group !== 0 && m[d.group] !== undefined ? d.group : 0)
        : (d.group.find((g) => m[g] !== undefined) ?? 0)
      const value = m[group]!
      const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(value)
      if (d.guarded) {
        hashFile ??= mentionsHashes(content, config.hashLineFraction)
        const keyName = m[0].slice(0, m[0].length - value.length).replace(/["'\s:=>]+$/, "")
        if (guardReason(value, d.kind, lineAround(content, start, start + value.length), keyName, hashFile) !== undefined) return
      }
      spans.push({ kind: d.kind as Kind, start, end: start + value.length, value, attribution: false })
    })
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const out: Array<Span> = []
  let last = -1
  for (const s of spans) {
    if (s.start >= last) {
      out.push(s)
      last = s.end
    }
  }
  return out
}

/** A redacted text and what was replaced, per kind. @since 0.1.0 @category models */
export interface Redaction {
  readonly content: string
  /** The replaced spans. */
  readonly spans: ReadonlyArray<Span>
  readonly counts: Partial<Record<Kind, number>>
  /** Attribution spans left in place (`attribution: "keep"`). */
  readonly kept: number
}

/**
 * Detect and replace. The same value always gets the same replacement within one call (one file).
 * With `attribution: "keep"`, names and emails of attribution notices stay.
 *
 * @since 0.1.0 @category redaction
 */
export const redact = (content: string, config: Config = defaults, path?: string): Redaction => {
  const found = detect(content, config, path)
  const spans = config.attribution === "keep" ? found.filter((s) => !s.attribution) : found
  const kept = found.length - spans.length
  if (spans.length === 0) return { content, spans, counts: {}, kept }
  const next = random(fnv1a(content, (config.seed ^ 0x811c9dc5) >>> 0))
  const chosen = new Map<string, string>()
  const counts: Partial<Record<Kind, number>> = {}
  let out = ""
  let at = 0
  for (const s of spans) {
    let replacement = chosen.get(s.value)
    if (replacement === undefined) {
      replacement = config.policy === "placeholder" ? placeholder(s.kind) : randomReplacement(s.kind, s.value, next)
      chosen.set(s.value, replacement)
    }
    out += content.slice(at, s.start) + replacement
    at = s.end
    counts[s.kind] = (counts[s.kind] ?? 0) + 1
  }
  return { content: out + content.slice(at), spans, counts, kept }
}

/** Name of the redaction operator in stage stats. @since 0.1.0 @category constants */
export const operatorName = "redact-pii"

/** Stats pseudo-operator counting attribution notices left in place under `attribution: "keep"`. @since 0.1.0 @category constants */
export const keptOperatorName = "pii-kept:attribution"

/**
 * Redact every Doc's `content`. Counts per kind go to the stage stats as pseudo-operators
 * `pii:<kind>`: `docsIn` = documents where that kind was found, `docsOut` = values replaced;
 * attribution names and emails left in place (`attribution: "keep"`) as `pii-kept:attribution`.
 * Data-last (`docs.pipe(Pii.redactDocs(config))`) and data-first (`Pii.redactDocs(docs, config)`).
 *
 * @since 0.1.0 @category operators
 */
export const redactDocs: {
  (config?: Config): <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config?: Config): Stream.Stream<A, E, R>
} = dual((args) => Stream.isStream(args[0]), <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config: Config = defaults) =>
  Stream.unwrap(Effect.map(Effect.service(Stats.Telemetry), (stats) =>
    Operator.map(docs, operatorName, (doc: A): A => {
      const r = redact(doc.content, config, typeof doc.path === "string" ? doc.path : undefined)
      if (r.kept > 0) {
        const op = stats.operator(keptOperatorName)
        op.docsIn += 1
        op.docsOut += r.kept
      }
      if (r.spans.length === 0) return doc
      for (const kind in r.counts) {
        const op = stats.operator(`pii:${kind}`)
        op.docsIn += 1
        op.docsOut += r.counts[kind as Kind]!
      }
      return { ...doc, content: r.content }
    }))))
