/**
 * Prompts per second through this package against the same requests sent by the bare `openai`
 * client at the same concurrency, to the same server (the trainer's, over a random-weight
 * llama-nano, in a child process). Three sides, interleaved over several rounds:
 *
 * - `openai`: `client.chat.completions.create` for each prompt, results kept in memory;
 * - `backend`: `Llm.complete` through the OpenAI-compatible backend (limits, retries, timeouts);
 * - `pipeline`: the whole Cosmopedia run — plan, backend, gate (near-dedup + HumanEval
 *   decontamination), provenance, append + fsync of every record.
 *
 * Prints prompts/s per side (median of the rounds) and the ratios to `openai`; the goal is an
 * overhead under 5% (ratio above 0.95). Also prints this process's CPU time per prompt.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import OpenAI from "openai"
import * as Cosmopedia from "../src/Cosmopedia.ts"
import { Gate } from "../src/Gate.ts"
import * as Llm from "../src/Llm.ts"
import * as OpenAiCompatible from "../src/OpenAiCompatible.ts"
import * as Run from "../src/Run.ts"
import * as Seeds from "../src/Seeds.ts"

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 120)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const MAX_TOKENS = 24
const humanEval = path.resolve(import.meta.dirname, "../../../../shared/data/HumanEval.jsonl.gz")

const child = spawn(process.execPath, [path.join(import.meta.dirname, "server.ts")], { stdio: ["ignore", "pipe", "inherit"] })
const url = await new Promise<string>((resolve) => child.stdout.once("data", (b) => resolve(String(b).trim())))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-"))

const sampling = { maxTokens: MAX_TOKENS, temperature: 0.6, topP: 0.95 }
const plan = (round: number) => {
  const seeds = Array.from({ length: PROMPTS }, (_, i) => Seeds.make(`s${round}-${i}`, "web", `Extract ${i} of round ${round}: water, light and soil.`))
  return Cosmopedia.plan(seeds, { audiences: ["college students"], styles: ["blogpost"], sampling: { ...sampling, seed: round } })
}

const gate = new Gate({ benchmarks: fs.existsSync(humanEval) ? [humanEval] : [] })
const client = new OpenAI({ baseURL: url, apiKey: "none", maxRetries: 0 })
const pool = async <A>(items: ReadonlyArray<A>, f: (a: A) => Promise<unknown>) => {
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await f(items[next++]!)
  }))
}

const time = async (f: () => Promise<unknown>) => {
  const cpu = process.cpuUsage()
  const t = performance.now()
  await f()
  const wall = (performance.now() - t) / 1000
  const used = process.cpuUsage(cpu)
  return { rate: PROMPTS / wall, cpuMsPerPrompt: (used.user + used.system) / 1000 / PROMPTS }
}

const sides = {
  openai: async (round: number) => {
    const { tasks } = plan(round)
    const results: Array<string> = []
    return time(() =>
      pool(tasks, async (t) => {
        const r = await client.chat.completions.create({ model: "random-nano", messages: [{ role: "user", content: t.prompt }], max_tokens: MAX_TOKENS, temperature: 0.6, top_p: 0.95, seed: round })
        results.push(r.choices[0]!.message.content ?? "")
      })
    )
  },
  backend: async (round: number) => {
    const { tasks } = plan(round)
    const layer = OpenAiCompatible.layer({ baseUrl: url, model: "random-nano", concurrency: CONCURRENCY })
    return time(() =>
      Effect.runPromise(Effect.forEach(tasks, (t) => Llm.complete({ messages: [{ role: "user", content: t.prompt }], ...sampling, seed: round }), { concurrency: CONCURRENCY }).pipe(Effect.provide(layer)))
    )
  },
  pipeline: async (round: number) => {
    const { tasks } = plan(round)
    const layer = OpenAiCompatible.layer({ baseUrl: url, model: "random-nano", concurrency: CONCURRENCY })
    const out = path.join(tmp, `run-${round}`)
    return time(() => Effect.runPromise(Run.run(tasks, { out, concurrency: CONCURRENCY, gate }).pipe(Effect.provide(layer))))
  }
}

try {
  await sides.openai(999) // warm-up: JIT, connections, the server's caches
  const results: Record<keyof typeof sides, Array<{ rate: number; cpuMsPerPrompt: number }>> = { openai: [], backend: [], pipeline: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(sides) as Array<keyof typeof sides>) results[name].push(await sides[name](round))
  }
  const median = (xs: Array<number>) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const base = median(results.openai.map((r) => r.rate))
  console.log(`synthetic: ${PROMPTS} prompts x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${MAX_TOKENS} tokens each, trainer server over random llama-nano`)
  for (const [name, rs] of Object.entries(results)) {
    const rate = median(rs.map((r) => r.rate))
    console.log(`  ${name.padEnd(8)} ${rate.toFixed(1).padStart(7)} prompts/s  client CPU ${median(rs.map((r) => r.cpuMsPerPrompt)).toFixed(2)} ms/prompt  ratio to openai ${(rate / base).toFixed(3)}  (rounds: ${rs.map((r) => r.rate.toFixed(1)).join(", ")})`)
  }
} finally {
  child.kill()
  fs.rmSync(tmp, { recursive: true, force: true })
}
