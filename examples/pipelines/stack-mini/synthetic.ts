/**
 * The demo's last step: the tiny model it trained, served by `@pretrain/trainer`'s OpenAI-compatible
 * server on a free local port (as `pretrain serve` would), asked through `@pretrain/synthetic`'s
 * OpenAI-compatible backend for a few Cosmopedia-style textbook sections seeded with this
 * workspace's package READMEs. The model's context is 128 tokens, so the server cuts each prompt to
 * its last 64 tokens (the instruction) and answers with at most 64 tokens of code-shaped noise:
 * the point is the plumbing (prompt set, HTTP backend, gate, resumable store, provenance), not the
 * text.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { OpenAiCompatible, Seeds } from "@pretrain/synthetic"
import type { Tokenizer } from "@pretrain/tokenizer"
import { Inference, type Model, Server } from "@pretrain/trainer"
import { Effect } from "effect"
import { formatReport, generateTextbook, readSections, type TextbookReport } from "../synthetic-textbook/textbook.ts"

/** The READMEs the sections are seeded with. */
const SEED_PACKAGES = ["dataflow", "dedup", "tokenizer", "trainer"]

export type SynthesizeOptions = {
  readonly model: Model.Model
  readonly tokenizer: Tokenizer
  readonly out: string
  /** Sections asked for (a seeded sample of seeds x audiences x styles). */
  readonly requests: number
}

export const synthesize = async (o: SynthesizeOptions): Promise<TextbookReport> => {
  const packages = path.resolve(import.meta.dirname, "../../../packages")
  const seeds = SEED_PACKAGES.map((p) => Seeds.make(`packages/${p}/README.md`, "document", fs.readFileSync(path.join(packages, p, "README.md"), "utf8")))
  const started = performance.now()
  const server = await Server.start({
    model: Inference.asLanguageModel(o.model),
    tokenizer: o.tokenizer,
    port: 0,
    modelName: "stack-mini-tiny",
    truncatePrompts: true
  })
  try {
    const report = await Effect.runPromise(
      generateTextbook({ seeds, out: o.out, n: o.requests, maxTokens: 64, temperature: 0.8, seed: 1, concurrency: 2 }).pipe(Effect.provide(OpenAiCompatible.layer({ baseUrl: server.url, model: "stack-mini-tiny", concurrency: 2 })))
    )
    const seconds = (performance.now() - started) / 1000
    console.log(`synthetic textbook sections from the tiny model, served at ${server.url} (${seconds.toFixed(1)} s):\n${formatReport(report)}`)
    for (const s of readSections(o.out).slice(0, 2)) {
      console.log(`--- ${s.style} for ${s.audience} (seed ${s.provenance.seed_ids.join(", ")}):\n${s.content.slice(0, 240)}`)
    }
    console.log(`---\n(a 0.6M-parameter model trained for a minute writes code-shaped noise, not textbooks)\noutputs: ${o.out}\n`)
    return report
  } finally {
    await server.close()
  }
}
