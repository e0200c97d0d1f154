/**
 * The demo's closing table: documents and bytes after each stage with its drops per reason, the
 * tokenizer's held-out bytes per token, the packed tokens, the tiny model's training figures and the
 * synthetic sections asked of it (answered, kept, rejected per reason, failed at the backend).
 * Every cell comes from what the run measured.
 */
import type { Stats } from "@pretrain/dataflow"

export type SummaryInput = {
  readonly stages: ReadonlyArray<{ readonly stage: string; readonly stats: Pick<Stats.StageStatsJson, "docsOut" | "bytesOut" | "drops"> }>
  readonly tokenizer: { readonly train: { readonly vocabSize: number }; readonly heldOut: { readonly bytesPerToken: number } }
  readonly packed: { readonly seqLen: number; readonly stats: { readonly tokens: number; readonly sequences: number } }
  readonly training:
    | {
      readonly params: number
      readonly steps: number
      readonly tokens: number
      readonly tokensPerSec: number
      readonly lossBefore: number
      readonly lossAfter: number
    }
    | undefined
  /** The counts of a synthetic run (`@pretrain/synthetic`'s `Run.Report`). */
  readonly synthetic?:
    | {
      readonly requests: number
      readonly skipped: number
      readonly kept: number
      readonly rejected: Readonly<Record<string, number>>
      readonly failed: number
    }
    | undefined
}

const n = (x: number) => Math.round(x).toLocaleString("en")
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/** Rows of cells as a text table: the first row is the header, numbers right-aligned. */
export const textTable = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)))
  const numeric = (s: string) => /^[-+]?[\d,.]+( (MB|s))?$/.test(s) || s === ""
  const line = (r: ReadonlyArray<string>) =>
    r.map((cell, c) => (numeric(cell) && c > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd()
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n")
}

const syntheticRows = (r: NonNullable<SummaryInput["synthetic"]>): Array<[string, string]> => {
  const rejected = Object.entries(r.rejected).sort((a, b) => b[1] - a[1])
  return [
    ["synthetic sections generated", n(r.requests - r.skipped - r.failed)],
    ["synthetic sections kept", n(r.kept)],
    ["synthetic sections rejected", n(rejected.reduce((a, [, k]) => a + k, 0))],
    ...rejected.map(([reason, k]): [string, string] => [`  rejected: ${reason}`, n(k)]),
    ...(r.failed === 0 ? [] : [["synthetic requests failed at the backend", n(r.failed)] as [string, string]])
  ]
}

export const summaryTable = (s: SummaryInput): string => {
  const stageRows = s.stages.map((st) => {
    const drops = Object.entries(st.stats.drops).sort((a, b) => b[1] - a[1])
    const shown = drops.slice(0, 4).map(([reason, k]) => `${reason} ${n(k)}`)
    const rest = drops.slice(4)
    if (rest.length > 0) shown.push(`${rest.length} more reasons ${n(rest.reduce((a, [, k]) => a + k, 0))}`)
    return [st.stage, n(st.stats.docsOut), mb(st.stats.bytesOut), shown.length === 0 ? "-" : shown.join(", ")]
  })
  const figures: Array<[string, string]> = [
    ["tokenizer vocabulary", n(s.tokenizer.train.vocabSize)],
    ["bytes / token (held-out files)", s.tokenizer.heldOut.bytesPerToken.toFixed(3)],
    ["tokens packed", n(s.packed.stats.tokens)],
    [`sequences of ${n(s.packed.seqLen)} tokens`, n(s.packed.stats.sequences)],
    ...(s.training === undefined ? [] : [
      ["model parameters", n(s.training.params)],
      ["training steps", n(s.training.steps)],
      ["tokens trained", n(s.training.tokens)],
      ["training tokens / s", n(s.training.tokensPerSec)],
      ["held-out loss before training", s.training.lossBefore.toFixed(3)],
      ["held-out loss after training", s.training.lossAfter.toFixed(3)]
    ] as Array<[string, string]>),
    ...(s.synthetic === undefined ? [] : syntheticRows(s.synthetic))
  ]
  return `== summary ==\n\n${textTable([["stage", "documents out", "bytes out", "dropped (reason documents)"], ...stageRows])}\n\n${textTable([["figure", "value"], ...figures])}`
}
