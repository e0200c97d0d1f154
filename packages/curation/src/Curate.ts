/**
 * The whole default curation chain and its configuration: language, license, opt-out list, the
 * quality filters, benchmark decontamination, PII redaction and (off by default) StarCoder1 metadata
 * formatting, in that order. {@link resolve} turns a `curate.json` into a complete {@link Config}
 * (unknown keys and wrong types fail with {@link CurateConfigError} naming the field), {@link steps}
 * makes the operators of a pipeline stage, {@link explain} says which rule keeps or drops one file.
 *
 * ```ts
 * const config = Curate.resolve({ pii: { policy: "random" }, quality: { html: false } })
 * Pipeline.stage({ name: "curate", source, sink, steps: Curate.steps(config) })
 * ```
 *
 * @since 0.1.0
 */
import { type Doc, Operator } from "@pretrain/dataflow"
import * as path from "node:path"
import { Stream } from "effect"
import { dual } from "effect/Function"
import * as Benchmark from "./Benchmark.ts"
import * as Decontaminate from "./Decontaminate.ts"
import { CurateConfigError } from "./Errors.ts"
import * as LanguageFilter from "./LanguageFilter.ts"
import * as LicenseFilter from "./LicenseFilter.ts"
import * as Metadata from "./Metadata.ts"
import * as OptOut from "./OptOut.ts"
import * as Pii from "./Pii.ts"
import * as Quality from "./Quality.ts"
import type { Check, FileLike, Verdict } from "./Rule.ts"

/** Where the opt-out list comes from: a file (one entry per line) and/or inline entries. @since 0.1.0 @category models */
export interface OptOutConfig {
  readonly file: string | null
  readonly entries: ReadonlyArray<string>
}

/** @since 0.1.0 @category models */
export interface DecontaminationConfig {
  readonly mode: "substring" | "ngram"
  readonly n: number
  readonly minMatches: number
  readonly benchmarks: ReadonlyArray<Benchmark.Spec>
}

/** Every step's settings; `false` turns a step off. @since 0.1.0 @category models */
export interface Config {
  readonly language: LanguageFilter.Config | false
  readonly license: LicenseFilter.Config | false
  readonly optOut: OptOutConfig | false
  readonly quality: Quality.Config
  readonly decontamination: DecontaminationConfig | false
  readonly pii: Pii.Config | false
  readonly metadata: Metadata.Config | false
}

/** Settings a step gets when a config turns it on with `true` or a partial object. @since 0.1.0 @category constants */
export const templates = {
  optOut: { file: null, entries: [] } as OptOutConfig,
  decontamination: { mode: "substring", n: 13, minMatches: 1, benchmarks: [] } as DecontaminationConfig,
  metadata: Metadata.defaults
} as const

/**
 * The Stack v2 / StarCoder2 defaults: language, license (permissive and no license), quality
 * filters, PII with placeholders; opt-out, decontamination (no benchmark file is assumed) and
 * metadata formatting off.
 *
 * @since 0.1.0 @category constants
 */
export const defaults: Config = {
  language: LanguageFilter.defaults,
  license: LicenseFilter.defaults,
  optOut: false,
  quality: Quality.defaults,
  decontamination: false,
  pii: Pii.defaults,
  metadata: false
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const enums: Record<string, ReadonlyArray<string>> = {
  "pii.policy": ["placeholder", "random"],
  "pii.attribution": ["redact", "keep"],
  "decontamination.mode": ["substring", "ngram"],
  "pii.kinds": Pii.kinds,
  "license.allow": ["permissive", "non_permissive", "no_license"]
}

const merge = (template: unknown, user: unknown, at: string, file: string): unknown => {
  const fail = (reason: string) => new CurateConfigError({ file, path: at, reason })
  if (user === undefined) return template
  const key = at.replace(/^\$\.?/, "")
  if (template === false && key in templates) {
    if (user === false) return false
    if (user === true) return templates[key as keyof typeof templates]
    return merge(templates[key as keyof typeof templates], user, at, file)
  }
  if (isObject(template)) {
    // The quality chain as a whole: `false` turns every rule off.
    if (key === "quality" && user === false) return Object.fromEntries(Object.keys(template).map((k) => [k, false]))
    if (user === false) return false
    if (user === true) return template
    if (!isObject(user)) throw fail(`expected an object${key.split(".").length <= 2 ? " or false" : ""}, got ${JSON.stringify(user)}`)
    const out: Record<string, unknown> = { ...template }
    for (const [k, v] of Object.entries(user)) {
      if (!(k in template)) throw fail(`unknown key ${JSON.stringify(k)} (known: ${Object.keys(template).join(", ")})`)
      out[k] = merge(template[k], v, `${at}.${k}`, file)
    }
    return out
  }
  if (key === "decontamination.benchmarks") {
    if (!Array.isArray(user)) throw fail("expected an array of benchmarks")
    return user.map((b, i) => {
      if (!isObject(b) || typeof b.name !== "string" || typeof b.file !== "string" || !Array.isArray(b.fields)) {
        throw new CurateConfigError({ file, path: `${at}[${i}]`, reason: "a benchmark needs name, file and fields" })
      }
      return b
    })
  }
  if (key === "optOut.file") {
    if (user !== null && typeof user !== "string") throw fail("expected a file name or null")
    return user
  }
  if (template === null || Array.isArray(template)) {
    if (user === null) return null
    if (!Array.isArray(user) || user.some((x) => typeof x !== "string")) throw fail(`expected a list of strings${template === null ? " or null" : ""}`)
    const allowed = enums[key]
    const bad = allowed === undefined ? undefined : user.find((x) => !allowed.includes(x))
    if (bad !== undefined) throw fail(`unknown value ${JSON.stringify(bad)} (known: ${allowed!.join(", ")})`)
    return user
  }
  if (typeof template === "number") {
    if (typeof user !== "number" || !Number.isFinite(user)) throw fail(`expected a number, got ${JSON.stringify(user)}`)
    return user
  }
  if (typeof template !== typeof user) throw fail(`expected a ${typeof template}, got ${JSON.stringify(user)}`)
  const allowed = enums[key]
  if (allowed !== undefined && !allowed.includes(user as string)) throw fail(`unknown value ${JSON.stringify(user)} (known: ${allowed.join(", ")})`)
  return user
}

/**
 * A complete config from a partial one (a parsed `curate.json`): defaults fill what is missing,
 * `true` turns a step on with its defaults, `false` turns it off. File paths (opt-out list,
 * benchmarks) are resolved against `baseDir`. Throws {@link CurateConfigError} naming the field.
 *
 * @since 0.1.0 @category constructors
 */
export const resolve = (partial: unknown = {}, options: { readonly file?: string; readonly baseDir?: string } = {}): Config => {
  const file = options.file ?? "(config)"
  const config = merge(defaults, partial, "$", file) as Config
  const base = options.baseDir ?? process.cwd()
  const abs = (p: string) => path.resolve(base, p)
  return {
    ...config,
    optOut: config.optOut === false ? false : { ...config.optOut, file: config.optOut.file === null ? null : abs(config.optOut.file) },
    decontamination: config.decontamination === false
      ? false
      : { ...config.decontamination, benchmarks: config.decontamination.benchmarks.map((b) => ({ ...b, file: abs(b.file) })) }
  }
}

const optOutCache = new Map<string, OptOut.OptOutList>()
const indexCache = new Map<string, Decontaminate.Index>()

/** The opt-out list a config names (loaded once per process). @since 0.1.0 @category constructors */
export const optOutList = (config: OptOutConfig): OptOut.OptOutList => {
  const key = JSON.stringify(config)
  let list = optOutCache.get(key)
  if (list === undefined) {
    const fromFile = config.file === null ? OptOut.empty : OptOut.load(config.file)
    const inline = OptOut.parse(config.entries.join("\n"), "(config optOut.entries)")
    list = {
      repositories: new Set([...fromFile.repositories, ...inline.repositories]),
      owners: new Set([...fromFile.owners, ...inline.owners])
    }
    optOutCache.set(key, list)
  }
  return list
}

/** The decontamination index a config names (benchmarks loaded once per process). @since 0.1.0 @category constructors */
export const decontaminationIndex = (config: DecontaminationConfig): Decontaminate.Index => {
  const key = JSON.stringify(config)
  let idx = indexCache.get(key)
  if (idx === undefined) {
    idx = Decontaminate.index(config.benchmarks.map(Benchmark.load), config)
    indexCache.set(key, idx)
  }
  return idx
}

/**
 * The chain as operators for a pipeline stage: `detect-language` (fills `language` / `extension`),
 * then one filter per rule (`language`, `license`, `opt-out`, the quality rules), `decontaminate`,
 * `redact-pii`, `metadata-format`. Data-last (`docs.pipe(Curate.steps(config))`, what
 * `Pipeline.stage({ steps })` takes) and data-first (`Curate.steps(docs, config)`).
 *
 * @since 0.1.0 @category operators
 */
export const steps: {
  (config?: Config): <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R>
  <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config?: Config): Stream.Stream<A, E, R>
} = dual((args) => Stream.isStream(args[0]), <A extends Doc, E, R>(docs: Stream.Stream<A, E, R>, config: Config = defaults): Stream.Stream<A, E, R> => {
  let out: Stream.Stream<A, E, R> = Operator.map(docs, "detect-language", (d: A) => LanguageFilter.annotate(d))
  const language = config.language
  if (language !== false) out = Operator.filter(out, "language", (d: A) => LanguageFilter.check(d, language))
  const license = config.license
  if (license !== false) out = Operator.filter(out, "license", (d: A) => LicenseFilter.check(d, license))
  if (config.optOut !== false) {
    const list = optOutList(config.optOut)
    out = Operator.filter(out, "opt-out", (d: A) => OptOut.check(d, list))
  }
  out = Quality.filter(config.quality)(out)
  if (config.decontamination !== false) out = Decontaminate.filter(decontaminationIndex(config.decontamination))(out)
  if (config.pii !== false) out = Pii.redactDocs(config.pii)(out)
  if (config.metadata !== false) out = Metadata.formatDocs(config.metadata)(out)
  return out
})

/** The verdict on one file and every rule's account of it. @since 0.1.0 @category models */
export interface Explanation {
  readonly path: string
  readonly language: string | null
  /** `true` (kept) or the first drop reason, as the pipeline would record it. */
  readonly verdict: Verdict
  readonly checks: ReadonlyArray<Check>
  /** What PII redaction would replace, per kind. */
  readonly pii: Partial<Record<Pii.Kind, number>>
}

/**
 * Run every rule on one file (all of them, also after the first drop) and report what each
 * measured; the verdict is the first drop in pipeline order.
 *
 * @since 0.1.0 @category explain
 */
export const explain = (file: FileLike, config: Config = defaults): Explanation => {
  const doc = LanguageFilter.annotate(file)
  const checks: Array<Check> = []
  const add = (rule: string, on: boolean, verdict: () => Verdict, detail: () => string) =>
    checks.push(on ? { rule, verdict: verdict(), detail: detail() } : { rule, verdict: true, detail: "off" })
  const language = config.language
  add("language", language !== false, () => LanguageFilter.check(doc, language || undefined), () => LanguageFilter.describe(doc, language || undefined))
  const license = config.license
  add("license", license !== false, () => LicenseFilter.check(doc, license || undefined), () => LicenseFilter.describe(doc, license || undefined))
  const optOut = config.optOut
  add("opt-out", optOut !== false, () => OptOut.check(doc, optOutList(optOut as OptOutConfig)), () =>
    `repository ${typeof doc.repo_name === "string" ? doc.repo_name : "(none)"} ${OptOut.check(doc, optOutList(optOut as OptOutConfig)) === true ? "not " : ""}on the opt-out list`)
  checks.push(...Quality.explain(doc, config.quality))
  const decon = config.decontamination
  add("decontaminate", decon !== false, () => {
    const item = decontaminationIndex(decon as DecontaminationConfig).find(doc.content)
    return item === undefined ? true : Decontaminate.reasonFor(item.benchmark)
  }, () => {
    const idx = decontaminationIndex(decon as DecontaminationConfig)
    const item = idx.find(doc.content)
    return item === undefined ? `no match among ${idx.items.length} benchmark strings (${idx.mode})` : `contains ${Decontaminate.describeItem(item)}`
  })
  const firstDrop = checks.find((c) => c.verdict !== true)
  return {
    path: typeof doc.path === "string" ? doc.path : "",
    language: typeof doc.language === "string" ? doc.language : null,
    verdict: firstDrop === undefined ? true : firstDrop.verdict,
    checks,
    pii: config.pii === false ? {} : Pii.redact(doc.content, config.pii, typeof doc.path === "string" ? doc.path : undefined).counts
  }
}

/**
 * An explanation as text: the verdict, then one line per rule.
 *
 * @since 0.1.0 @category explain
 */
export const formatExplanation = (e: Explanation): string => {
  const width = Math.max(...e.checks.map((c) => c.rule.length))
  const lines = [`${e.path} (${e.language ?? "unknown language"}): ${e.verdict === true ? "KEEP" : `DROP (${e.verdict})`}`]
  for (const c of e.checks) {
    lines.push(`  ${c.detail === "off" ? "off " : c.verdict === true ? "keep" : "DROP"}  ${c.rule.padEnd(width)}  ${c.verdict === true ? "" : `[${c.verdict}] `}${c.detail}`)
  }
  const pii = Object.entries(e.pii)
  lines.push(`  pii: ${pii.length === 0 ? "nothing to redact" : pii.map(([k, n]) => `${n} ${k}`).join(", ")}`)
  return lines.join("\n")
}
