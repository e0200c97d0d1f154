/**
 * `node examples/pipelines/synthetic-textbook/run.ts --backend URL|DIR --seeds PATH [--out DIR]
 *   [--audiences a,b] [--styles s,t] [--n N] [--max-tokens N] [--temperature T] [--concurrency C]
 *   [--model ID] [--seed S]`
 *
 * Cosmopedia-style textbook sections from seed documents (a file, a directory of files, or JSONL
 * with a `text` field) x audiences x styles. `--backend` is an OpenAI-compatible API base
 * (`http://127.0.0.1:8000/v1`: llama.cpp's server, Ollama, vLLM, `pretrain serve`, ...) or a
 * `@pretrain/trainer` checkpoint or run directory, run in this process. Resumable: a rerun skips
 * what `OUT` already holds and retries what failed at the backend. Prints the prompt-set report and
 * the run's counts (also in `OUT/report.json`); exits 1 when a request failed at the backend.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Backends, Cosmopedia, Seeds } from "@pretrain/synthetic"
import { Effect } from "effect"
import { formatReport, generateTextbook } from "./textbook.ts"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? undefined : args[i + 1]
}
const fail = (message: string): never => {
  console.error(`synthetic-textbook: ${message}`)
  process.exit(1)
}
const number = (name: string): number | undefined => {
  const v = flag(name)
  if (v === undefined) return undefined
  const x = Number(v)
  if (!Number.isFinite(x) || x < 0) fail(`--${name}: expected a non-negative number, got ${JSON.stringify(v)}`)
  return x
}
const list = (name: string) => flag(name)?.split(",").map((s) => s.trim()).filter((s) => s !== "")

const backendArg = flag("backend") ?? fail("--backend URL|DIR is required (an OpenAI-compatible API base or a checkpoint directory)")
const seedsArg = flag("seeds") ?? fail("--seeds PATH is required (a file, a directory or JSONL)")
const out = path.resolve(flag("out") ?? path.join(import.meta.dirname, "../../out/synthetic-textbook"))
const styles = list("styles")
for (const s of styles ?? []) if (!(s in Cosmopedia.styles)) fail(`--styles: unknown ${JSON.stringify(s)}; one of ${Object.keys(Cosmopedia.styles).join(", ")}`)
const spec = /^https?:\/\//.test(backendArg) || /^(inhouse|gguf):/.test(backendArg)
  ? backendArg
  : fs.existsSync(backendArg) && fs.statSync(backendArg).isDirectory()
  ? `inhouse:${path.resolve(backendArg)}`
  : fail(`--backend: ${JSON.stringify(backendArg)} is neither an http(s) URL nor a directory`)
const concurrency = number("concurrency") ?? 4

const program = Effect.gen(function*() {
  const seeds = yield* Seeds.read(path.resolve(seedsArg))
  return yield* generateTextbook({
    seeds,
    out,
    audiences: list("audiences"),
    styles: styles as Array<Cosmopedia.Style> | undefined,
    n: number("n"),
    seed: number("seed"),
    maxTokens: number("max-tokens"),
    temperature: number("temperature"),
    concurrency
  })
}).pipe(Effect.provide(Backends.fromSpec(spec, { model: flag("model"), concurrency })))

try {
  const report = await Effect.runPromise(program)
  console.log(formatReport(report))
  console.log(`outputs: ${out}`)
  if (report.run.failed > 0) {
    console.error(`${report.run.failed} request(s) failed at the backend; run again to retry them`)
    process.exitCode = 1
  }
} catch (e) {
  fail(e instanceof Error ? e.message : String(e))
}
