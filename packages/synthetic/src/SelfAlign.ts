/**
 * Self-alignment (StarCoder2-Instruct / SelfCodeAlign): from a seed function the model itself
 * derives (1) the programming concepts it shows, (2) a new instruction exercising them, and (3) a
 * response with a solution and tests; then the tests run against the solution in a sandboxed child
 * process ({@link ExecutionFilter}) and only passing pairs are kept. Each step's answer is JSON
 * validated with Effect Schema (asked again when invalid). Several responses per instruction share
 * the first two steps within a run.
 *
 * ```ts
 * const { tasks } = SelfAlign.plan(functionSeeds, { language: "javascript", responses: 2 })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as ExecutionFilter from "./ExecutionFilter.ts"
import type { Sampling } from "./Llm.ts"
import { mulberry32, shuffled } from "./internal/random.ts"
import { Rejected, type Task, task } from "./Run.ts"
import type { Seed } from "./Seeds.ts"
import * as Structured from "./Structured.ts"

const VERSION = 1

/** Step 1: concepts. @since 0.1.0 @category schemas */
export const Concepts = Schema.Struct({ concepts: Schema.Array(Schema.String).check(Schema.isMinLength(1)) })
/** Step 2: instruction. @since 0.1.0 @category schemas */
export const Instruction = Schema.Struct({
  instruction: Schema.String.check(Schema.isMinLength(1)),
  difficulty: Schema.Literals(["easy", "medium", "hard"])
})
/** Step 3: response. @since 0.1.0 @category schemas */
export const Response = Schema.Struct({
  solution: Schema.String.check(Schema.isMinLength(1)),
  tests: Schema.String.check(Schema.isMinLength(1)),
  explanation: Schema.optional(Schema.String)
})

/** @since 0.1.0 @category models */
export interface Options {
  /** Language of the solutions and tests (default `javascript`). */
  readonly language?: ExecutionFilter.Language | undefined
  /** Responses sampled per instruction (default 1). */
  readonly responses?: number | undefined
  /** Keep a seeded sample of this many requests (default: all). */
  readonly n?: number | undefined
  readonly seed?: number | undefined
  readonly attempts?: number | undefined
  /** Sampling (default: 1024 tokens, temperature 0.7). */
  readonly sampling?: Sampling | undefined
  /** Limits of the execution filter (default 10 s, 256 MiB). */
  readonly execution?: Omit<ExecutionFilter.Options, "language"> | undefined
}

const LANGUAGE_NAME: Record<ExecutionFilter.Language, string> = { javascript: "JavaScript (an ES module for Node)", python: "Python 3" }
const ASSERTS: Record<ExecutionFilter.Language, string> = {
  javascript: "`import assert from \"node:assert/strict\"` and `assert.equal` / `assert.deepEqual` calls",
  python: "plain `assert` statements"
}

/** @since 0.1.0 @category prompts */
export const conceptsPrompt = (code: string): string =>
  [
    "Extract the key programming concepts shown by this code, as short noun phrases (e.g. \"list comprehension\", \"binary search\", \"input validation\").",
    "",
    "```",
    code,
    "```",
    "",
    "Answer with only a JSON object: {\"concepts\": [\"...\", \"...\"]}."
  ].join("\n")

/** @since 0.1.0 @category prompts */
export const instructionPrompt = (concepts: ReadonlyArray<string>, language: ExecutionFilter.Language): string =>
  [
    `Write a self-contained coding task in ${LANGUAGE_NAME[language]} that exercises these concepts: ${concepts.join(", ")}.`,
    "The task asks for one function with a clear name, inputs and output, and states the edge cases to handle.",
    "Answer with only a JSON object: {\"instruction\": \"<the task>\", \"difficulty\": \"easy\" | \"medium\" | \"hard\"}."
  ].join("\n")

/** @since 0.1.0 @category prompts */
export const responsePrompt = (instruction: string, language: ExecutionFilter.Language): string =>
  [
    "Solve this task. Reason about it first, then give a correct solution and tests that check it.",
    "",
    instruction,
    "",
    `The solution is ${LANGUAGE_NAME[language]} code defining the function. The tests are code run right after the solution, in the same file,`,
    `using ${ASSERTS[language]}; they must invoke the function and fail on a wrong answer.`,
    "Answer with only a JSON object: {\"explanation\": \"<short>\", \"solution\": \"<code>\", \"tests\": \"<code>\"}."
  ].join("\n")

/**
 * The requests for a set of seed functions.
 *
 * @since 0.1.0 @category constructors
 */
export const plan = (seeds: ReadonlyArray<Seed>, options: Options = {}): { readonly tasks: Array<Task>; readonly report: { readonly prompts: number; readonly seeds: number } } => {
  const language = options.language ?? "javascript"
  const responses = Math.max(1, options.responses ?? 1)
  const runSeed = options.seed ?? 0
  const sampling: Sampling = { maxTokens: 1024, temperature: 0.7, ...options.sampling }
  const attempts = options.attempts
  const execution = { timeoutMs: 10_000, memoryMb: 256, ...options.execution, language }
  const step = <S extends Schema.Top>(schema: S, name: string, content: string, seed: number | undefined) =>
    Structured.generate(schema, { messages: [{ role: "user", content }], ...sampling, seed }, { name, attempts })
  const all: Array<Task> = []
  for (const seed of seeds) {
    const base = sampling.seed ?? runSeed
    const instruction = Effect.runSync(Effect.cached(Effect.gen(function*() {
      const c = yield* step(Concepts, "concepts", conceptsPrompt(seed.text), base)
      const i = yield* step(Instruction, "instruction", instructionPrompt(c.value.concepts, language), base)
      return { concepts: c.value.concepts, instruction: i.value.instruction, difficulty: i.value.difficulty }
    })))
    for (let k = 0; k < responses; k++) {
      all.push(task({
        generator: "self-align",
        template: `self-align/${language}@${VERSION}`,
        seedIds: [seed.id],
        params: { seedHash: seed.hash, response: k, runSeed, language, ...sampling, timeoutMs: execution.timeoutMs, memoryMb: execution.memoryMb },
        run: Effect.gen(function*() {
          const i = yield* instruction
          const r = yield* step(Response, "response", responsePrompt(i.instruction, language), base + 1000 + k)
          const fields = { ...i, solution: r.value.solution, tests: r.value.tests, explanation: r.value.explanation, language }
          const verdict = yield* ExecutionFilter.check(r.value.solution, r.value.tests, execution)
          if (!verdict.passed) return yield* Effect.fail(new Rejected({ reason: `execution:${verdict.reason}`, detail: verdict.detail, fields }))
          return { content: `${i.instruction}\n\n${r.value.solution}`, model: r.completion.model, fields: { ...fields, execution_ms: Math.round(verdict.durationMs) } }
        })
      }))
    }
  }
  const tasks = options.n === undefined || options.n >= all.length ? all : shuffled(all, mulberry32(runSeed)).slice(0, options.n)
  return { tasks, report: { prompts: tasks.length, seeds: new Set(tasks.map((t) => t.seedIds[0])).size } }
}
