/**
 * Cosmopedia-style textbook sections from seed documents: every seed crossed with audiences and
 * styles (or a seeded sample of `n` of those prompts), sent to whatever language model backend is
 * provided, each answer appended to `OUT/outputs.jsonl` (or with its reason to `OUT/rejects.jsonl`)
 * as it arrives. A rerun skips the requests already written. `OUT/report.json` holds the prompt set
 * (prompts per audience, style and seed kind), this run's counts and the directory's totals.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Cosmopedia, type Llm, Run, type Seeds, type StoreError } from "@pretrain/synthetic"
import { Effect } from "effect"

export type TextbookOptions = {
  readonly seeds: ReadonlyArray<Seeds.Seed>
  /** The output directory (created; earlier outputs in it are kept and skipped). */
  readonly out: string
  /** Default: all five of Cosmopedia's audiences. */
  readonly audiences?: ReadonlyArray<string> | undefined
  /** Default: all five of Cosmopedia's styles. */
  readonly styles?: ReadonlyArray<Cosmopedia.Style> | undefined
  /** A seeded sample of this many prompts (default: every seed x audience x style). */
  readonly n?: number | undefined
  /**
   * Seed of the sample, of per-prompt choices and of each request's sampling (derived from it and
   * the prompt). Without one, the sample and choices use 0 and the server samples unseeded.
   */
  readonly seed?: number | undefined
  /** Longest answer in tokens (default 2500, Cosmopedia's). */
  readonly maxTokens?: number | undefined
  /** Default 0.6, Cosmopedia's. */
  readonly temperature?: number | undefined
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number | undefined
}

/** Records kept and rejected in the output directory, all runs together. */
export type Totals = { readonly kept: number; readonly rejected: number }

export type TextbookReport = {
  readonly promptSet: Cosmopedia.PromptSetReport
  readonly run: Run.Report
  readonly totals: Totals
}

/** One kept section as written to `outputs.jsonl` (the fields this example reads). */
export type Section = {
  readonly id: string
  readonly content: string
  readonly audience: string
  readonly style: string
  readonly finish_reason?: string
  readonly provenance: { readonly model: string; readonly seed_ids: ReadonlyArray<string> }
}

const lines = (file: string): Array<string> =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []

/** The kept sections of an output directory, in the order they were written. */
export const readSections = (out: string): Array<Section> => lines(path.join(out, "outputs.jsonl")).map((l) => JSON.parse(l) as Section)

const totals = (out: string): Totals => ({ kept: lines(path.join(out, "outputs.jsonl")).length, rejected: lines(path.join(out, "rejects.jsonl")).length })

/** Plan the prompts, run the ones not yet in `out`, write `report.json`. */
export const generateTextbook = (o: TextbookOptions): Effect.Effect<TextbookReport, StoreError, Llm.Llm> =>
  Effect.gen(function*() {
    const sampling = {
      maxTokens: o.maxTokens ?? 2500,
      temperature: o.temperature ?? 0.6,
      topP: 0.95,
      // With a seed, every request samples with its own seed derived from it (Cosmopedia.plan).
      ...(o.seed === undefined ? {} : { seed: o.seed })
    }
    const { tasks, report: promptSet } = Cosmopedia.plan(o.seeds, { audiences: o.audiences, styles: o.styles, n: o.n, seed: o.seed, sampling })
    fs.mkdirSync(o.out, { recursive: true })
    const run = yield* Run.run(tasks, { out: o.out, concurrency: o.concurrency })
    const report: TextbookReport = { promptSet, run, totals: totals(o.out) }
    fs.writeFileSync(path.join(o.out, "report.json"), JSON.stringify(report, null, 2) + "\n")
    return report
  })

const counts = (r: Readonly<Record<string, number>>) =>
  Object.entries(r).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, v]) => `${k} ${v}`).join(", ")

/** The report as a few lines of text. */
export const formatReport = (r: TextbookReport): string => {
  const rejected = Object.values(r.run.rejected).reduce((a, b) => a + b, 0)
  return [
    `prompt set: ${r.promptSet.prompts} prompts from ${r.promptSet.seeds} seeds`,
    `  by audience: ${counts(r.promptSet.byAudience)}`,
    `  by style: ${counts(r.promptSet.byStyle)}`,
    `  by seed kind: ${counts(r.promptSet.bySeedKind)}`,
    `this run: ${r.run.requests - r.run.skipped} requested (${r.run.skipped} already done, skipped), ${r.run.kept} kept, ${rejected} rejected${
      rejected === 0 ? "" : ` (${counts(r.run.rejected)})`
    }, ${r.run.failed} failed at the backend`,
    ...r.run.errors.map((e) => `  backend error: ${e}`),
    `in the output directory: ${r.totals.kept} kept, ${r.totals.rejected} rejected`
  ].join("\n")
}
