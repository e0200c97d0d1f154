import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as OpenAiCompatible from "../src/OpenAiCompatible.ts"
import * as Run from "../src/Run.ts"
import * as Seeds from "../src/Seeds.ts"
import * as SelfAlign from "../src/SelfAlign.ts"
import { PromptModel, serve, tokenizer } from "./fixtures/models.ts"

const json = (v: unknown) => JSON.stringify(v)
const tok = tokenizer()
// Each step's answer depends on what its prompt carries forward: the seed code, then the concepts,
// then the instruction. The "add" chain has correct tests, the "mul" chain a wrong one, the
// "loop" chain tests that never finish.
const model = new PromptModel(tok, [
  ["function add", json({ concepts: ["addition"] })],
  ["function mul", json({ concepts: ["multiplication"] })],
  ["function spin", json({ concepts: ["looping"] })],
  ["concepts: addition", json({ instruction: "Write add(a, b) returning the sum.", difficulty: "easy" })],
  ["concepts: multiplication", json({ instruction: "Write mul(a, b) returning the product.", difficulty: "easy" })],
  ["concepts: looping", json({ instruction: "Write spin() that loops.", difficulty: "hard" })],
  ["Write add(a, b)", json({ explanation: "sum", solution: "export function add(a, b) { return a + b }", tests: "import assert from \"node:assert/strict\"\nassert.equal(add(2, 3), 5)" })],
  ["Write mul(a, b)", json({ explanation: "product", solution: "function mul(a, b) { return a + b }", tests: "import assert from \"node:assert/strict\"\nassert.equal(mul(2, 3), 6)" })],
  ["Write spin()", json({ solution: "function spin() { for (;;) {} }", tests: "spin()" })]
])
let server: Awaited<ReturnType<typeof serve>>
const out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-self-align-"))

beforeAll(async () => {
  server = await serve(model, tok)
})
afterAll(async () => {
  await server.close()
  fs.rmSync(out, { recursive: true, force: true })
})

describe("self-alignment end to end", () => {
  it("keeps only the pairs whose generated tests pass, sharing concepts and instruction between responses", async () => {
    const seeds = [
      Seeds.make("add.js", "code", "function add(x, y) { return x + y }"),
      Seeds.make("mul.js", "code", "function mul(x, y) { return x * y }"),
      Seeds.make("spin.js", "code", "function spin() { while (true) {} }")
    ]
    const { tasks } = SelfAlign.plan(seeds, { responses: 2, execution: { timeoutMs: 1500 } })
    expect(tasks).toHaveLength(6)
    const before = model.sessions
    const report = await Effect.runPromise(Run.run(tasks, { out, concurrency: 3 }).pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url }))))
    // 3 seeds x (concepts + instruction) + 6 responses
    expect(model.sessions - before).toBe(12)
    expect(report).toMatchObject({ requests: 6, kept: 1, failed: 0, rejected: { "execution:failed": 2, "execution:timeout": 2 } })
    const kept = fs.readFileSync(path.join(out, "outputs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({
      generator: "self-align",
      concepts: ["addition"],
      instruction: "Write add(a, b) returning the sum.",
      difficulty: "easy",
      solution: "export function add(a, b) { return a + b }",
      provenance: { template: "self-align/javascript@1", seed_ids: ["add.js"] }
    })
    // The second "add" response is the same text: near-dedup drops it.
    const rejects = fs.readFileSync(path.join(out, "rejects.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(rejects.filter((r) => r.reason === "near-duplicate")).toHaveLength(1)
    expect(rejects.find((r) => r.reason === "execution:failed").detail).toMatch(/5 !== 6|strictly equal/)
  })

  it("builds prompts that carry each step's output forward", () => {
    expect(SelfAlign.conceptsPrompt("def f(): pass")).toContain("def f(): pass")
    expect(SelfAlign.instructionPrompt(["recursion", "memoization"], "python")).toContain("concepts: recursion, memoization")
    expect(SelfAlign.responsePrompt("Write f.", "javascript")).toContain("node:assert/strict")
  })
})
