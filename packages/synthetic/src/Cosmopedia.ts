/**
 * Cosmopedia-style prompts: each seed (a web extract, a course outline, a document of the user's)
 * is crossed with audiences and styles; each combination is one request for a long-form text of
 * that style for that audience, grounded in the seed but not copying it. Web extracts are cut to
 * 1000 characters; half of the prompts whose seed has a topic add it as context (the choice is
 * seeded per request, so reruns make the same prompts). The prompt set is reported: how many
 * prompts per audience, per style and per seed kind.
 *
 * ```ts
 * const plan = Cosmopedia.plan(seeds, { audiences: ["college students"], styles: ["textbook_academic", "blogpost"] })
 * plan.report.byStyle // { textbook_academic: 10, blogpost: 10 }
 * plan.tasks[0].prompt // the prompt text
 * ```
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Sampling } from "./Llm.ts"
import * as Llm from "./Llm.ts"
import * as RequestId from "./RequestId.ts"
import { mulberry32, shuffled } from "./internal/random.ts"
import { Rejected, type Task, task } from "./Run.ts"
import { extract, type Kind, type Seed } from "./Seeds.ts"

/** Template version: bump when the wording changes, so new prompts get new ids. */
const VERSION = 1

/** @since 0.1.0 @category constants */
export const audiences = ["young children", "middle school students", "college students", "professionals and researchers", "general audience"] as const

/** Style name → what to write. @since 0.1.0 @category constants */
export const styles = {
  textbook_academic: "an extensive and detailed course unit for a textbook, suitable for college students, with rigorous explanations, engaging examples and worked applications",
  textbook_narrative: "a section of a textbook written as a narrative: an engaging story-like explanation that still covers the concepts in depth",
  blogpost: "a long, informative and engaging blog post",
  wikihow: "a long, detailed wikiHow-style tutorial with numbered steps, each explained with tips and the reasons behind it",
  story: "a story with dialogue that teaches the ideas through what the characters do, with a surprising turn"
} as const

/** @since 0.1.0 @category models */
export type Style = keyof typeof styles

const SOURCE: Record<Kind, string> = {
  web: "an extract from a web page",
  outline: "a course outline",
  document: "an extract from a document",
  code: "a piece of source code"
}

/** @since 0.1.0 @category models */
export interface Options {
  readonly audiences?: ReadonlyArray<string> | undefined
  readonly styles?: ReadonlyArray<Style> | undefined
  /** Keep a seeded sample of this many prompts (default: all). */
  readonly n?: number | undefined
  /** Seed of the sample and of per-prompt choices (default 0). */
  readonly seed?: number | undefined
  /** Longest extract embedded (default 1000 characters). */
  readonly maxExtractChars?: number | undefined
  /**
   * Sampling (default: 2500 tokens, temperature 0.6, top-p 0.95). A `seed` seeds the whole run:
   * each request samples with a seed derived from it and its prompt (seed document, audience and
   * style), so a rerun asks for the same samples and no two requests share one.
   */
  readonly sampling?: Sampling | undefined
}

/** @since 0.1.0 @category models */
export interface PromptSetReport {
  readonly prompts: number
  readonly byAudience: Readonly<Record<string, number>>
  readonly byStyle: Readonly<Record<string, number>>
  readonly bySeedKind: Readonly<Record<string, number>>
  readonly seeds: number
}

/** @since 0.1.0 @category models */
export interface PromptTask extends Task {
  readonly prompt: string
}

/**
 * The prompt for one seed, audience and style.
 *
 * @since 0.1.0 @category prompts
 */
export const prompt = (seed: Seed, audience: string, style: Style, options: { readonly maxExtractChars?: number | undefined; readonly withTopic?: boolean | undefined } = {}): string => {
  const text = extract(seed.text, options.maxExtractChars ?? 1000)
  const topic = options.withTopic === true && seed.topic !== undefined ? `, within the context of "${seed.topic}"` : ""
  return [
    `Here is ${SOURCE[seed.kind]}:`,
    "",
    text,
    "",
    `Write ${styles[style]} related to the ${seed.kind === "outline" ? "outline" : "extract"} above${topic}, for ${audience === "general audience" ? "a general audience" : audience}.`,
    "Cover the ideas in depth rather than listing them, use concrete examples, and do not copy the extract.",
    audience === "young children" ? "Use simple words and short sentences." : "Keep the tone engaging and precise.",
    style === "story" ? "Do not start with \"Once upon a time\"." : "Do not add a title, an introduction about yourself or a greeting; start with the content."
  ].join("\n")
}

const BOILERPLATE = /^(?:hello|hi|welcome|greetings|my name is|we're thrilled|we are thrilled|\*\*welcome)[^\n]*\n+/i

/**
 * Drops a greeting-style first line ("Hello…", "Welcome…", "My name is…").
 *
 * @since 0.1.0 @category utils
 */
export const cleanBoilerplate = (text: string): string => text.trim().replace(BOILERPLATE, "").trim()

const count = (into: Record<string, number>, key: string) => {
  into[key] = (into[key] ?? 0) + 1
}

/**
 * The requests for a set of seeds and the report of the prompt set.
 *
 * @since 0.1.0 @category constructors
 */
export const plan = (seeds: ReadonlyArray<Seed>, options: Options = {}): { readonly tasks: Array<PromptTask>; readonly report: PromptSetReport } => {
  const aud = options.audiences ?? audiences
  const sty = options.styles ?? (Object.keys(styles) as Array<Style>)
  for (const s of sty) if (!(s in styles)) throw new RangeError(`style: unknown ${JSON.stringify(s)}; one of ${Object.keys(styles).join(", ")}`)
  const sampling: Sampling = { maxTokens: 2500, temperature: 0.6, topP: 0.95, ...options.sampling }
  const combos: Array<{ seed: Seed; audience: string; style: Style }> = []
  for (const seed of seeds) for (const audience of aud) for (const style of sty) combos.push({ seed, audience, style })
  const seedValue = options.seed ?? 0
  const chosen = options.n === undefined || options.n >= combos.length ? combos : shuffled(combos, mulberry32(seedValue)).slice(0, options.n)
  const byAudience: Record<string, number> = {}
  const byStyle: Record<string, number> = {}
  const bySeedKind: Record<string, number> = {}
  const tasks = chosen.map(({ seed, audience, style }) => {
    count(byAudience, audience)
    count(byStyle, style)
    count(bySeedKind, seed.kind)
    const withTopic = seed.topic !== undefined && RequestId.seed32(`${seedValue}:${seed.id}:${audience}:${style}`) % 2 === 0
    const text = prompt(seed, audience, style, { maxExtractChars: options.maxExtractChars, withTopic })
    const params = { audience, style, seedHash: seed.hash, withTopic, maxExtractChars: options.maxExtractChars ?? 1000, ...sampling }
    // One sampling seed per request, from the run's and the prompt's: reruns repeat, requests differ.
    const requestSeed = sampling.seed === undefined ? undefined : RequestId.seed32(`${sampling.seed}:${seed.id}:${audience}:${style}`)
    const t = task({
      generator: "cosmopedia",
      template: `cosmopedia/${style}@${VERSION}`,
      seedIds: [seed.id],
      params,
      run: Effect.flatMap(Llm.complete({ messages: [{ role: "user", content: text }], ...sampling, seed: requestSeed }), (c) => {
        const content = cleanBoilerplate(c.text)
        return content === ""
          ? Effect.fail(new Rejected({ reason: "empty", detail: "the model answered nothing" }))
          : Effect.succeed({ content, model: c.model, fields: { prompt: text, audience, style, seed_kind: seed.kind, finish_reason: c.finishReason } })
      })
    })
    return { ...t, prompt: text }
  })
  return { tasks, report: { prompts: tasks.length, byAudience, byStyle, bySeedKind, seeds: new Set(chosen.map((c) => c.seed.id)).size } }
}
