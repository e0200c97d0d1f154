// Serve this folder with a bundler that resolves npm packages, e.g. `npx vite examples/web-llm`
// from packages/synthetic after `npm install @mlc-ai/web-llm`.
import { CreateWebWorkerMLCEngine } from "@mlc-ai/web-llm"
import * as Llm from "@pretrain/synthetic/Llm"
import * as Structured from "@pretrain/synthetic/Structured"
import * as WebLlm from "@pretrain/synthetic/WebLlm"
import { Effect, Schema, Stream } from "effect"

const MODEL = "Qwen2.5-Coder-0.5B-Instruct-q4f16_1-MLC"
const status = document.getElementById("status")
const button = document.getElementById("go")

const Pair = Schema.Struct({ problem: Schema.String, solution: Schema.String })

const prompt = (snippet) =>
  [
    "Draw inspiration from this code snippet to write a new, self-contained programming problem and its solution.",
    "```",
    snippet,
    "```",
    "Answer with only a JSON object: {\"problem\": \"...\", \"solution\": \"...\"}."
  ].join("\n")

const main = async () => {
  if (!("gpu" in navigator)) {
    status.textContent = "This browser has no WebGPU."
    return
  }
  const engine = await CreateWebWorkerMLCEngine(
    new Worker(new URL("./worker.js", import.meta.url), { type: "module" }),
    MODEL,
    { initProgressCallback: (report) => (status.textContent = report.text) }
  )
  const backend = WebLlm.layer({ modelId: MODEL, engine })
  status.textContent = `Ready: ${MODEL}`
  button.disabled = false
  button.onclick = async () => {
    button.disabled = true
    const messages = [{ role: "user", content: prompt(document.getElementById("snippet").value) }]
    const out = document.getElementById("stream")
    out.textContent = ""
    const program = Effect.gen(function*() {
      // The raw answer as it streams, then the schema-constrained, validated pair.
      yield* Stream.runForEach(Llm.stream({ messages, maxTokens: 256, temperature: 0.7 }), (delta) => Effect.sync(() => (out.textContent += delta)))
      return yield* Structured.generate(Pair, { messages, maxTokens: 512, temperature: 0 }, { name: "problem_solution" })
    })
    const exit = await Effect.runPromiseExit(program.pipe(Effect.provide(backend)))
    document.getElementById("result").textContent = exit._tag === "Success"
      ? JSON.stringify(exit.value.value, null, 2)
      : `Rejected: ${String(exit.cause)}`
    button.disabled = false
  }
}

main().catch((e) => (status.textContent = `Failed: ${e.message}`))
