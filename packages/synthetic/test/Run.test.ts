import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Cosmopedia from "../src/Cosmopedia.ts"
import { Gate } from "../src/Gate.ts"
import * as OpenAiCompatible from "../src/OpenAiCompatible.ts"
import * as Run from "../src/Run.ts"
import * as Seeds from "../src/Seeds.ts"
import { PromptModel, randomModel, serve, serveWithFront, tokenizer } from "./fixtures/models.ts"

/** HumanEval from the shared data folder beside the repository. */
const humanEvalFile = path.resolve(import.meta.dirname, "../../../../shared/data/HumanEval.jsonl.gz")
const cli = path.join(import.meta.dirname, "fixtures", "synth-cli.ts")
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-run-"))
const tok = tokenizer()
const model = randomModel(tok)

let requests = 0
let killAt = -1
let victim: number | undefined
let front: Awaited<ReturnType<typeof serveWithFront>>

beforeAll(async () => {
  front = await serveWithFront(model, tok, (req) => {
    if (!req.url!.endsWith("/chat/completions")) return undefined
    if (++requests === killAt && victim !== undefined) {
      process.kill(victim, "SIGKILL")
      return "hang"
    }
    return undefined
  })
})
afterAll(async () => {
  await front.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const runCli = (args: ReadonlyArray<string>, onStart?: (pid: number) => void) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    onStart?.(child.pid!)
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (b) => (stdout += b))
    child.stderr.on("data", (b) => (stderr += b))
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

const records = (dir: string) =>
  ["outputs.jsonl", "rejects.jsonl"].flatMap((f) => {
    const file = path.join(dir, f)
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)) : []
  })

describe("a synth run", () => {
  const seedsFile = path.join(tmp, "seeds.jsonl")
  fs.writeFileSync(
    seedsFile,
    ["The water cycle moves water between oceans, air and land.", "Photosynthesis turns light into chemical energy.", "A binary search halves the interval.", "Recursion solves a problem through smaller copies of it."]
      .map((text, i) => JSON.stringify({ id: `web-${i}`, text, topic: i % 2 === 0 ? "science" : "computing" }))
      .join("\n")
  )
  const args = (out: string) => [
    "cosmopedia", "--backend", front.url, "--seeds", seedsFile, "--out", out, "--audiences", "young children,college students",
    "--styles", "blogpost,wikihow", "--max-tokens", "6", "--concurrency", "2", "--json"
  ]

  it("killed mid-run, resumes on the rerun without losing or duplicating a record", async () => {
    const reference = path.join(tmp, "uninterrupted")
    const whole = await runCli(args(reference))
    expect(whole.stderr).toBe("")
    expect(whole.code).toBe(0)
    const expected = new Map(records(reference).map((r) => [r.id, r.content]))
    expect(expected.size).toBe(16)

    const out = path.join(tmp, "resumed")
    killAt = requests + 7
    const killed = await runCli(args(out), (pid) => (victim = pid))
    expect(killed.signal).toBe("SIGKILL")
    const before = records(out)
    expect(before.length).toBeGreaterThanOrEqual(4)
    expect(before.length).toBeLessThan(16)

    victim = undefined
    const sent = requests
    const rerun = await runCli(args(out))
    expect(rerun.code).toBe(0)
    const report = JSON.parse(rerun.stdout)
    expect(report.run).toMatchObject({ requests: 16, skipped: before.length, failed: 0 })
    expect(requests - sent).toBe(16 - before.length)
    const after = records(out)
    expect(after).toHaveLength(16)
    expect(new Set(after.map((r) => r.id)).size).toBe(16)
    expect(new Map(after.map((r) => [r.id, r.content]))).toEqual(expected)
    expect(after.slice(0, before.length)).toEqual(before)
    expect(after[0].provenance).toMatchObject({ backend: `openai-compatible ${front.url}`, model: "tiny", params: { maxTokens: 6, temperature: 0.6, seed: 0 } })
    expect(JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")).promptSet).toEqual({
      prompts: 16,
      byAudience: { "young children": 8, "college students": 8 },
      byStyle: { blogpost: 8, wikihow: 8 },
      bySeedKind: { web: 16 },
      seeds: 4
    })

    const again = await runCli(args(out))
    expect(JSON.parse(again.stdout).run).toMatchObject({ requests: 16, skipped: 16, kept: 0 })
    expect(records(out)).toHaveLength(16)
  })

  it("reports bad seeds with the file and line, and exits 1", async () => {
    const bad = path.join(tmp, "bad.jsonl")
    fs.writeFileSync(bad, "{\"text\": \"ok\"}\n{\"text\": 3}\n")
    const result = await runCli(["cosmopedia", "--backend", front.url, "--seeds", bad, "--out", path.join(tmp, "bad-out")])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`${bad}:2 (field text): not a string`)
  })
})

describe("the gate before writing", () => {
  it("drops outputs that contain a HumanEval solution and near-duplicates of kept outputs, and keeps the rest", async () => {
    const humanEval = zlib.gunzipSync(fs.readFileSync(humanEvalFile)).toString("utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
    const solution: string = humanEval.find((t) => t.canonical_solution.length > 200).canonical_solution
    const essay = "Water evaporates from the sea, rises as vapour, cools into clouds and falls again as rain on the hills, where rivers carry it back down to the sea."
    const scripted = new PromptModel(tok, [
      ["contaminated", `Here is some code:\n${solution}`],
      ["rain", essay],
      ["clouds", `${essay} Truly.`],
      ["unique", "Binary search keeps an interval that must hold the target and halves it at every step until one element is left."]
    ])
    const server = await serve(scripted, tok)
    try {
      const seeds = ["contaminated", "rain", "clouds", "unique"].map((k) => Seeds.make(k, "web", `About ${k}.`))
      const { tasks } = Cosmopedia.plan(seeds, { audiences: ["college students"], styles: ["blogpost"] })
      const out = path.join(tmp, "gate")
      const report = await Effect.runPromise(
        Run.run(tasks, { out, concurrency: 1, gate: new Gate({ benchmarks: [humanEvalFile] }) }).pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url })))
      )
      expect(report).toMatchObject({ kept: 2, rejected: { "decontamination:HumanEval": 1, "near-duplicate": 1 } })
      const rejects = records(out).filter((r) => r.reason !== undefined)
      expect(rejects.find((r) => r.reason === "near-duplicate").detail).toBe(`of ${tasks[1]!.id}`)
      expect(rejects.find((r) => r.reason === "decontamination:HumanEval").detail).toMatch(/^HumanEval\/\d+ canonical_solution$/)

      // A rerun with one more near-duplicate seed compares it with the outputs kept earlier.
      const more = Cosmopedia.plan([...seeds, Seeds.make("rain-again", "web", "About rain.")], { audiences: ["college students"], styles: ["blogpost"] })
      const second = await Effect.runPromise(Run.run(more.tasks, { out }).pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url }))))
      expect(second).toMatchObject({ skipped: 4, kept: 0, rejected: { "near-duplicate": 1 } })
    } finally {
      await server.close()
    }
  })
})
