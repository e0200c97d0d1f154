/**
 * OSS-Instruct (Magicoder): a random snippet of real code — 1 to 15 consecutive lines at a random
 * start — is the inspiration for a new, self-contained programming problem and its solution. The
 * answer is JSON `{ "problem", "solution" }`, validated with Effect Schema and asked again when
 * invalid (constrained to the schema on backends that can).
 *
 * ```ts
 * const { tasks } = OssInstruct.plan(codeSeeds, { perSeed: 2, seed: 1 })
 * tasks[0].snippet // the lines the problem is drawn from
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import type { Sampling } from "./Llm.ts"
import { mulberry32, shuffled } from "./internal/random.ts"
import * as RequestId from "./RequestId.ts"
import { type Task, task } from "./Run.ts"
import { type Seed, snippet } from "./Seeds.ts"
import * as Structured from "./Structured.ts"

const VERSION = 1

/** The answer's shape. @since 0.1.0 @category schemas */
export const ProblemSolution = Schema.Struct({
  problem: Schema.String.check(Schema.isMinLength(1)),
  solution: Schema.String.check(Schema.isMinLength(1))
})

/** @since 0.1.0 @category models */
export interface Options {
  /** Snippets drawn per seed (default 1). */
  readonly perSeed?: number | undefined
  /** Keep a seeded sample of this many requests (default: all). */
  readonly n?: number | undefined
  readonly seed?: number | undefined
  readonly minLines?: number | undefined
  readonly maxLines?: number | undefined
  /** Generations tried per request until the JSON is valid (default 3). */
  readonly attempts?: number | undefined
  /** Sampling (default: 2500 tokens, temperature 0). */
  readonly sampling?: Sampling | undefined
}

/** @since 0.1.0 @category models */
export interface SnippetTask extends Task {
  readonly snippet: string
  readonly prompt: string
}

/**
 * The prompt for one snippet.
 *
 * @since 0.1.0 @category prompts
 */
export const prompt = (code: string): string =>
  [
    "You are an expert programmer who writes clear, high-quality programming problems.",
    "Draw inspiration from the code snippet below to write a new programming problem and its solution.",
    "",
    "Code snippet for inspiration:",
    "```",
    code,
    "```",
    "",
    "The problem must be fully self-contained: give all the context and definitions needed to solve it,",
    "without referring to the snippet. The solution must solve the problem correctly and completely.",
    "Answer with only a JSON object: {\"problem\": \"<the problem description>\", \"solution\": \"<the solution, code in a fenced block>\"}."
  ].join("\n")

/**
 * The requests for a set of code seeds.
 *
 * @since 0.1.0 @category constructors
 */
export const plan = (seeds: ReadonlyArray<Seed>, options: Options = {}): { readonly tasks: Array<SnippetTask>; readonly report: { readonly prompts: number; readonly seeds: number } } => {
  const perSeed = Math.max(1, options.perSeed ?? 1)
  const runSeed = options.seed ?? 0
  const minLines = options.minLines ?? 1
  const maxLines = options.maxLines ?? 15
  const sampling: Sampling = { maxTokens: 2500, temperature: 0, ...options.sampling }
  const all: Array<SnippetTask> = []
  for (const seed of seeds) {
    const random = mulberry32(RequestId.seed32(`${runSeed}:${seed.id}:${seed.hash}`))
    for (let k = 0; k < perSeed; k++) {
      const code = snippet(seed.text, random, minLines, maxLines)
      if (code.trim() === "") continue
      const text = prompt(code)
      const t = task({
        generator: "oss-instruct",
        template: `oss-instruct@${VERSION}`,
        seedIds: [seed.id],
        params: { seedHash: seed.hash, snippet: k, runSeed, minLines, maxLines, ...sampling },
        run: Effect.map(
          Structured.generate(ProblemSolution, { messages: [{ role: "user", content: text }], ...sampling }, { name: "problem_solution", attempts: options.attempts }),
          ({ value, completion, attempts }) => ({
            content: `${value.problem}\n\n${value.solution}`,
            model: completion.model,
            fields: { problem: value.problem, solution: value.solution, snippet: code, attempts }
          })
        )
      })
      all.push({ ...t, snippet: code, prompt: text })
    }
  }
  const tasks = options.n === undefined || options.n >= all.length ? all : shuffled(all, mulberry32(runSeed)).slice(0, options.n)
  return { tasks, report: { prompts: tasks.length, seeds: new Set(tasks.map((t) => t.seedIds[0])).size } }
}
