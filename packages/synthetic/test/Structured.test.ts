import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Exit, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { InvalidOutput } from "../src/Errors.ts"
import * as OpenAiCompatible from "../src/OpenAiCompatible.ts"
import * as OssInstruct from "../src/OssInstruct.ts"
import * as Run from "../src/Run.ts"
import * as Seeds from "../src/Seeds.ts"
import * as Structured from "../src/Structured.ts"
import { PromptModel, serve, tokenizer } from "./fixtures/models.ts"

const Pair = Schema.Struct({ problem: Schema.String, solution: Schema.String })
const tok = tokenizer()
// By default the answer is invalid; the follow-up (which quotes the validation error) gets valid JSON,
// except for prompts keyed to stay invalid.
const model = new PromptModel(tok, [
  ["always-invalid", "Sure! Here is the problem: add numbers."],
  ["wrong-shape", "{\"problem\": 42}"],
  ["fenced-answer", "Here you go:\n```json\n{\"problem\": \"p\", \"solution\": \"s\"}\n```\n"],
  ["That answer was invalid (not JSON", "{\"problem\": \"Add two numbers\", \"solution\": \"def add(a, b): return a + b\"}"]
], "this is not json {")
let server: Awaited<ReturnType<typeof serve>>
const dirs: Array<string> = []

beforeAll(async () => {
  server = await serve(model, tok)
})
afterAll(async () => {
  await server.close()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

const generate = (content: string, attempts: number) =>
  Effect.runPromiseExit(Structured.generate(Pair, { messages: [{ role: "user", content }], maxTokens: 200, temperature: 0 }, { attempts }).pipe(
    Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url }))
  ))

const failure = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const f = exit.cause.reasons.find((r) => r._tag === "Fail")
  return f !== undefined && "error" in f ? f.error : undefined
}

describe("Structured output through the trainer's server", () => {
  it("asks again after invalid JSON, quoting the error, and returns the decoded value", async () => {
    const before = model.sessions
    const exit = await generate("give me a problem", 3)
    expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ value: { problem: "Add two numbers", solution: "def add(a, b): return a + b" }, attempts: 2 })
    expect(model.sessions - before).toBe(2)
  })

  it("rejects with the reason after the last attempt: not JSON, or not the schema", async () => {
    const before = model.sessions
    const notJson = failure(await generate("always-invalid", 3))
    expect(notJson).toBeInstanceOf(InvalidOutput)
    expect(notJson).toMatchObject({ attempts: 3, lastText: "Sure! Here is the problem: add numbers." })
    expect((notJson as InvalidOutput).reason).toMatch(/not JSON/)
    expect(model.sessions - before).toBe(3)
    const shape = failure(await generate("wrong-shape", 2)) as InvalidOutput
    expect(shape.reason).toMatch(/does not match the schema/)
    expect(shape.reason).toMatch(/problem|solution/)
  })

  it("takes JSON out of a fenced block", async () => {
    const exit = await generate("fenced-answer", 1)
    expect(Exit.isSuccess(exit) && exit.value.value).toEqual({ problem: "p", solution: "s" })
  })

  it("an OSS-Instruct run writes valid pairs and rejects invalid ones with the reason", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-structured-"))
    dirs.push(out)
    const seeds = [Seeds.make("a.py", "code", "def add(a, b):\n    return a + b\n"), Seeds.make("b.py", "code", "always-invalid = 1\n")]
    const { tasks } = OssInstruct.plan(seeds, { attempts: 2, maxLines: 15, minLines: 15 })
    const report = await Effect.runPromise(Run.run(tasks, { out }).pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url }))))
    expect(report.errors).toEqual([])
    expect(report).toMatchObject({ requests: 2, kept: 1, rejected: { "invalid-output": 1 }, failed: 0 })
    const kept = fs.readFileSync(path.join(out, "outputs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(kept[0]).toMatchObject({ problem: "Add two numbers", snippet: "def add(a, b):\n    return a + b", provenance: { model: "tiny", template: "oss-instruct@1", seed_ids: ["a.py"] } })
    const rejects = fs.readFileSync(path.join(out, "rejects.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(rejects[0]).toMatchObject({ reason: "invalid-output", provenance: { seed_ids: ["b.py"] } })
    expect(rejects[0].detail).toMatch(/not JSON.*after 2 attempts/)
  })
})

describe("extractJson / decode", () => {
  it("finds JSON in bare, fenced and surrounded answers, and explains failures", () => {
    expect(Structured.extractJson("{\"a\":1}")).toEqual({ ok: true, value: { a: 1 } })
    expect(Structured.extractJson("Answer: {\"a\": [1, 2]} done")).toEqual({ ok: true, value: { a: [1, 2] } })
    expect(Structured.extractJson("")).toEqual({ ok: false, reason: "empty answer" })
    expect(Structured.extractJson("{oops}")).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) })
    expect(Structured.decode(Pair, "{\"problem\":\"x\"}")).toMatchObject({ ok: false, reason: expect.stringMatching(/solution/) })
  })

  it("the JSON Schema sent to backends describes the Effect Schema", () => {
    const s = Structured.jsonSchema(Pair)
    expect(s).toMatchObject({ type: "object", required: ["problem", "solution"], properties: { problem: { type: "string" } } })
  })
})
