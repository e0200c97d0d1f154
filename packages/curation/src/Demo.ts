/**
 * What the stack-mini demo needs: a curation stage to add after ingest, and a few lines that
 * summarise what it dropped (per reason) and redacted (per PII kind).
 *
 * ```ts
 * // examples/pipelines/stack-mini/pipeline.ts
 * Pipeline.make("stack-mini", [ingestStage, Demo.curationStage({ input: `${out}/ingest`, out: `${out}/curate` })])
 * // demo.ts, after the run
 * console.log(Demo.summarize(result.stages.find((s) => s.stage === "curate")!.stats))
 * ```
 *
 * @since 0.1.0
 */
import type { Pipeline, Stats } from "@pretrain/dataflow"
import { curateStage } from "./CuratePipeline.ts"

/**
 * A `Pipeline.stage` named `curate` reading `input` (an earlier stage's output) and writing the
 * curated Parquet to `out` with the default chain; `config` is a partial `curate.json` (for example
 * `{ decontamination: { benchmarks: [Benchmark.humanEval(file)] } }`).
 *
 * @since 0.1.0 @category constructors
 */
export const curationStage = (options: {
  readonly input: string
  readonly out: string
  readonly tasks?: number | undefined
  readonly config?: unknown
  readonly name?: string | undefined
}): Pipeline.Stage => curateStage(options)

const pct = (n: number, of: number) => (of === 0 ? "0.0" : ((100 * n) / of).toFixed(1))

/**
 * Drops per reason (largest first, with the rule that made them), PII replacements per kind, and
 * what was kept, as a few lines of text.
 *
 * @since 0.1.0 @category summary
 */
export const summarize = (stats: Stats.StageStatsJson, maxReasons = 12): string => {
  const ruleOf = new Map<string, string>()
  for (const [name, op] of Object.entries(stats.operators)) for (const reason of Object.keys(op.drops)) ruleOf.set(reason, name)
  const reasons = Object.entries(stats.drops).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const dropped = reasons.reduce((s, [, n]) => s + n, 0)
  const lines = [
    `curation: ${stats.docsIn} files in, ${stats.docsOut} kept (${pct(stats.docsOut, stats.docsIn)}%), ${dropped} dropped; ` +
      `${(stats.bytesIn / 1e6).toFixed(1)} MB in, ${(stats.bytesOut / 1e6).toFixed(1)} MB out`
  ]
  const width = Math.max(0, ...reasons.slice(0, maxReasons).map(([r]) => r.length))
  for (const [reason, n] of reasons.slice(0, maxReasons)) {
    lines.push(`  ${reason.padEnd(width)} ${String(n).padStart(7)}  ${pct(n, stats.docsIn).padStart(5)}%  (${ruleOf.get(reason) ?? "source"})`)
  }
  if (reasons.length > maxReasons) {
    const rest = reasons.slice(maxReasons)
    lines.push(`  ... ${rest.length} more reasons, ${rest.reduce((s, [, n]) => s + n, 0)} files`)
  }
  const pii = Object.entries(stats.operators).filter(([name]) => name.startsWith("pii:")).sort((a, b) => b[1].docsOut - a[1].docsOut)
  if (pii.length > 0) {
    lines.push(`  PII redacted: ${pii.map(([name, op]) => `${name.slice(4)} ${op.docsOut} in ${op.docsIn} files`).join(", ")}`)
  }
  const kept = stats.operators["pii-kept:attribution"]
  if (kept !== undefined) lines.push(`  attribution notices kept: ${kept.docsOut} names and emails in ${kept.docsIn} files`)
  return lines.join("\n")
}
