/**
 * `pretrain report <run dir> --out report.html`: one self-contained HTML page for a run directory
 * (such as `examples/out/stack-mini` after `npm run demo`): the stage funnel, drop reasons, the
 * language and license mix, dedup cluster sizes, tokenizer and packing figures, and the loss curves
 * of training runs. Every number on the page is read from the run's own files.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Commands } from "@pretrain/dataflow"
import { Console, Data, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { bars, bytes, cards, count, css, escape, lines, num, percent, table } from "./report/Html.ts"
import * as RunDir from "./report/RunDir.ts"

export { RunDir }
export { RunDirError } from "./report/RunDir.ts"

/**
 * The report file exists and `--force` was not given, or it cannot be written.
 *
 * @since 0.1.0 @category errors
 */
export class ReportWriteError extends Data.TaggedError("ReportWriteError")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `cannot write ${this.file}: ${this.reason}`
  }
}

/**
 * Documents that entered a stage: its `docsIn`, or more where its source dropped some before they
 * were counted (binary or oversized files are dropped while reading).
 */
const docsRead = (s: RunDir.StageInfo): number =>
  Math.max(s.stats.docsIn, ...Object.values(s.stats.operators ?? {}).map((o) => o.docsIn))

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${escape(title)}</h2>${body}</section>`

const funnelSection = (run: RunDir.Run): string => {
  const rows = run.stages.map((s) => {
    const dropped = Object.values(s.stats.drops).reduce((a, b) => a + b, 0)
    return [
      s.dir,
      num(count(docsRead(s))),
      num(count(s.stats.docsOut)),
      num(count(dropped)),
      num(bytes(s.stats.bytesIn)),
      num(bytes(s.stats.bytesOut)),
      num(s.stats.bytesIn === 0 ? "–" : percent(s.stats.bytesOut / s.stats.bytesIn))
    ]
  })
  const chart = bars(
    "Documents out of each stage, documents in behind",
    run.stages.map((s) => ({ label: s.dir, value: s.stats.docsOut, behind: docsRead(s), text: `${count(s.stats.docsOut)} of ${count(docsRead(s))}` }))
  )
  return section("funnel", "Stage funnel", chart + table(["stage", "docs in", "docs out", "dropped", "bytes in", "bytes out", "bytes kept"], rows))
}

const dropsSection = (run: RunDir.Run): string => {
  const all = run.stages.flatMap((s) =>
    Object.entries(s.stats.drops).map(([reason, n]) => ({ stage: s.dir, reason, n, of: docsRead(s) }))
  ).sort((a, b) => b.n - a.n || (a.stage + a.reason < b.stage + b.reason ? -1 : 1))
  if (all.length === 0) return section("drops", "Drop reasons", `<p class="muted">No stage dropped a document.</p>`)
  const chart = bars("Dropped documents by stage and reason", all.map((d) => ({ label: `${d.stage}: ${d.reason}`, value: d.n, text: count(d.n) })), { color: 4 })
  return section("drops", "Drop reasons", chart + table(["stage", "reason", "documents", "share of the stage's input"], all.map((d) => [d.stage, d.reason, num(count(d.n)), num(percent(d.n / Math.max(1, d.of), 2))])))
}

const mixSection = (run: RunDir.Run): string => {
  const corpus = run.corpus
  if (corpus === undefined) return section("mix", "Language and license mix", `<p class="muted">No stage output with Parquet parts.</p>`)
  const top = corpus.languages.slice(0, 12)
  const rest = corpus.languages.slice(12)
  const languageBars = [
    ...top.map((l) => ({ label: l.key, value: l.bytes, text: `${bytes(l.bytes)} · ${count(l.files)} files` })),
    ...(rest.length === 0 ? [] : [{ label: `${rest.length} others`, value: rest.reduce((a, l) => a + l.bytes, 0), text: bytes(rest.reduce((a, l) => a + l.bytes, 0)) }])
  ]
  return section(
    "mix",
    "Language and license mix",
    `<p class="muted">Of the output of <b>${escape(run.corpusStage ?? "")}</b>: ${count(corpus.files)} files, ${bytes(corpus.bytes)}, ${count(corpus.repositories)} repositories.</p>` +
      `<h3>Languages (bytes)</h3>${bars("Bytes per language", languageBars, { color: 2 })}` +
      `<h3>Licenses</h3>${bars("Bytes per license class", corpus.licenses.map((l) => ({ label: l.key, value: l.bytes, text: `${bytes(l.bytes)} · ${count(l.files)} files` })), { color: 3 })}` +
      table(["license", "files", "bytes", "share of bytes"], corpus.licenses.map((l) => [l.key, num(count(l.files)), num(bytes(l.bytes)), num(percent(l.bytes / Math.max(1, corpus.bytes)))]))
  )
}

/** Cluster sizes in powers of two: 2, 3–4, 5–8, ... */
const sizeBuckets = (clusters: ReadonlyArray<RunDir.Cluster>) => {
  const buckets = new Map<number, number>()
  for (const c of clusters) {
    if (c.size < 2) continue
    const k = Math.ceil(Math.log2(c.size))
    buckets.set(k, (buckets.get(k) ?? 0) + 1)
  }
  return [...buckets].sort((a, b) => a[0] - b[0]).map(([k, n]) => {
    const lo = k === 1 ? 2 : 2 ** (k - 1) + 1
    const hi = 2 ** k
    return { label: lo === hi ? `${lo} documents` : `${lo}–${hi} documents`, value: n, text: plural(n, "cluster", "clusters") }
  })
}

const dedupSection = (run: RunDir.Run): string => {
  if (run.dedup.length === 0) return ""
  const parts = run.dedup.map((d) => {
    const clusters = d.clusters.filter((c) => c.size > 1)
    const members = clusters.reduce((a, c) => a + c.size, 0)
    const removed = clusters.reduce((a, c) => a + c.members.filter((m) => !m.kept).length, 0)
    const largest = [...clusters].sort((a, b) => b.size - a.size || a.cluster_id - b.cluster_id).slice(0, 10)
    const where = (m: RunDir.Cluster["members"][number] | undefined) => (m === undefined ? "" : `${m.repo_name ?? "?"}/${m.path ?? "?"}`)
    return `<h3>${escape(d.dir)}</h3>` +
      cards([["duplicate clusters", count(clusters.length)], ["documents in them", count(members)], ["removed", count(removed)], ["largest cluster", count(largest[0]?.size ?? 0)]]) +
      bars(`Cluster sizes of ${d.dir}`, sizeBuckets(clusters), { color: 1 }) +
      table(["cluster", "size", "kept", "paths (distinct)"], largest.map((c) => [
        String(c.cluster_id),
        num(count(c.size)),
        where(c.members.find((m) => m.kept)),
        [...new Set(c.members.map((m) => m.path ?? "?"))].slice(0, 4).join(", ")
      ]))
  })
  return section("dedup", "Deduplication clusters", parts.join(""))
}

const tokenizerSection = (run: RunDir.Run): string => {
  const t = run.tokenizer
  if (t === undefined) return ""
  return section("tokenizer", "Tokenizer", cards([
    ["vocabulary", count(t.train.vocabSize)],
    ["merges", count(t.train.merges)],
    ["bytes / token (held out)", t.heldOut.bytesPerToken.toFixed(3)],
    ["chars / token (held out)", t.heldOut.charsPerToken.toFixed(3)]
  ]) + table(["", "documents", "characters / bytes", "tokens"], [
    ["training", num(count(t.train.documents)), num(count(t.train.characters)), num("")],
    ["held out", num(count(t.heldOut.documents)), num(count(t.heldOut.bytes)), num(count(t.heldOut.tokens))]
  ]) + `<p class="muted">Pre-tokenizer preset: ${escape(t.preset ?? "unknown")}${t.seconds === undefined ? "" : `; trained in ${t.seconds.toFixed(1)} s`}.</p>`)
}

const packingSection = (run: RunDir.Run): string => {
  const p = run.packing
  if (p === undefined) return ""
  const rows: Array<[string, string]> = [
    ["format", p.format],
    ["layout", p.layout ?? "–"],
    ["packing", p.packing ?? "–"],
    ["sequence length", count(p.seqLen)],
    ["sequences", count(p.stats.sequences)],
    ["tokens", count(p.stats.tokens)],
    ["padding tokens", `${count(p.stats.paddingTokens)} (${percent(p.paddingFraction ?? p.stats.paddingTokens / Math.max(1, p.stats.sequences * p.seqLen), 3)})`],
    ["documents (repositories or files as packed)", count(p.stats.documents)],
    ...(p.files === undefined ? [] : [["files", count(p.files)] as [string, string]]),
    ...(p.fimChunks === undefined ? [] : [["fill-in-the-middle chunks", count(p.fimChunks)] as [string, string]]),
    ...(p.splitFraction === undefined ? [] : [["documents split across sequences", percent(p.splitFraction)] as [string, string]])
  ]
  return section("packing", "Packing", cards([["sequences", count(p.stats.sequences)], ["tokens", count(p.stats.tokens)], ["sequence length", count(p.seqLen)]]) +
    table(["", "value"], rows.map(([k, v]) => [k, num(v)])))
}

const trainRecords = (t: RunDir.TrainingInfo) => t.records.filter((r): r is Extract<RunDir.MetricRecord, { kind: "train" }> => r.kind === "train")
const evalRecords = (t: RunDir.TrainingInfo) => t.records.filter((r): r is Extract<RunDir.MetricRecord, { kind: "eval" }> => r.kind === "eval")

/** Training figures of one run: what it trained, held-out loss first and last, speed. @since 0.1.0 @category rendering */
export const trainingFigures = (t: RunDir.TrainingInfo) => {
  const steps = trainRecords(t)
  const evals = evalRecords(t)
  const last = steps.at(-1)
  const seconds = last?.elapsedSec
  return {
    params: t.summary?.params,
    steps: last?.step ?? t.summary?.steps ?? 0,
    tokens: last?.tokens ?? t.summary?.tokens ?? 0,
    seconds,
    tokensPerSec: last !== undefined && seconds !== undefined && seconds > 0 ? last.tokens / seconds : undefined,
    firstEval: evals[0],
    lastEval: evals.at(-1),
    firstTrainLoss: steps[0]?.loss,
    lastTrainLoss: last?.loss
  }
}

const trainingSection = (run: RunDir.Run): string => {
  if (run.training.length === 0) return ""
  const parts = run.training.map((t) => {
    const f = trainingFigures(t)
    const name = t.dir === "." ? path.basename(run.dir) : t.dir
    const lossCard: Array<[string, string]> = f.firstEval !== undefined && f.lastEval !== undefined && f.lastEval !== f.firstEval
      ? [[`held-out loss, step ${count(f.firstEval.step)} → ${count(f.lastEval.step)}`, `${f.firstEval.loss.toFixed(3)} → ${f.lastEval.loss.toFixed(3)}`]]
      : f.lastEval !== undefined
      ? [[`held-out loss at step ${count(f.lastEval.step)}`, f.lastEval.loss.toFixed(3)]]
      : f.lastTrainLoss !== undefined
      ? [["training loss, last step", f.lastTrainLoss.toFixed(3)]]
      : []
    const bpb = f.lastEval?.bitsPerByte
    const figures = cards([
      ...(f.params === undefined ? [] : [["parameters", count(f.params)] as [string, string]]),
      ["steps", count(f.steps)],
      ["tokens trained", count(f.tokens)],
      ...lossCard,
      ...(typeof bpb === "number" ? [["bits per byte (held out)", bpb.toFixed(3)] as [string, string]] : []),
      ...(f.tokensPerSec === undefined ? [] : [["tokens / s", count(f.tokensPerSec)] as [string, string]]),
      ...(f.seconds === undefined ? [] : [["training time", `${f.seconds.toFixed(1)} s`] as [string, string]])
    ])
    const chart = lines(`Loss of ${name}: training loss per step and held-out loss per evaluation`, [
      { name: "training loss", points: trainRecords(t).map((r) => [r.step, r.loss] as const) },
      { name: "held-out loss", points: evalRecords(t).map((r) => [r.step, r.loss] as const), dots: true, color: 1 }
    ], { x: "step", y: "loss (nats / token)" })
    const evalTable = table(
      ["step", "held-out loss", "bits per byte", "tokens trained"],
      evalRecords(t).map((e) => [
        num(count(e.step)),
        num(e.loss.toFixed(4)),
        num(typeof e.bitsPerByte === "number" ? e.bitsPerByte.toFixed(4) : "–"),
        num(count(trainRecords(t).find((r) => r.step === e.step)?.tokens ?? 0))
      ])
    )
    return `${run.training.length > 1 || t.dir !== "." ? `<h3>${escape(name)}</h3>` : ""}${figures}${chart}${evalTable}`
  })
  return section("training", "Training", parts.join(""))
}

/**
 * The report page for a run, as one HTML string with its style sheet and charts inline.
 *
 * @since 0.1.0 @category rendering
 */
export const render = (run: RunDir.Run): string => {
  const first = run.stages[0]
  const last = run.stages[run.stages.length - 1]
  const trained = run.training.length === 1 ? trainingFigures(run.training[0]!) : undefined
  const summary = cards([
    ...(first === undefined || last === undefined ? [] : [
      ["stages", String(run.stages.length)],
      ["documents read", count(docsRead(first))],
      ["documents out", count(last.stats.docsOut)],
      ["bytes out", bytes(last.stats.bytesOut)]
    ] as Array<[string, string]>),
    ...(run.packing === undefined ? [] : [["tokens packed", count(run.packing.stats.tokens)] as [string, string]]),
    ...(run.training.length > 1 ? [["training runs", count(run.training.length)] as [string, string]] : []),
    ...(trained === undefined ? [] : [["tokens trained", count(trained.tokens)] as [string, string]]),
    ...(trained?.firstEval !== undefined && trained.lastEval !== undefined && trained.lastEval !== trained.firstEval
      ? [["held-out loss", `${trained.firstEval.loss.toFixed(3)} → ${trained.lastEval.loss.toFixed(3)}`] as [string, string]]
      : [])
  ])
  const documentSections = run.stages.length === 0 ? "" : `${funnelSection(run)}
${dropsSection(run)}
${mixSection(run)}`
  const name = path.basename(run.dir)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pretrain report: ${escape(name)}</title><style>${css}</style></head>
<body><header><h1>pretrain report: ${escape(name)}</h1><p>${escape(run.dir)}</p></header><main>
${section("summary", "Summary", summary)}
${documentSections}
${dedupSection(run)}
${tokenizerSection(run)}
${packingSection(run)}
${trainingSection(run)}
</main></body></html>
`
}

/**
 * Read a run directory and write its report; refuses to overwrite an existing file unless `force`.
 * Returns what was read.
 *
 * @since 0.1.0 @category constructors
 */
export const writeReport: (
  runDir: string,
  out: string,
  options?: { readonly force?: boolean }
) => Effect.Effect<RunDir.Run, RunDir.RunDirError | ReportWriteError> = Effect.fn("Report.writeReport")(function*(runDir: string, out: string, options: { readonly force?: boolean } = {}) {
  if (options.force !== true && fs.existsSync(out)) {
    return yield* Effect.fail(new ReportWriteError({ file: out, reason: "the file exists (--force to overwrite)" }))
  }
  const run = yield* RunDir.read(runDir)
  const html = render(run)
  yield* Effect.try({
    try: () => {
      const tmp = `${out}.tmp-${process.pid}`
      fs.writeFileSync(tmp, html)
      fs.renameSync(tmp, out)
    },
    catch: (cause) => new ReportWriteError({ file: out, reason: String(cause) })
  })
  return run
})

/**
 * The `report` subcommand: `pretrain report <run dir> [--out report.html] [--force]`.
 *
 * @since 0.1.0 @category commands
 */
export const reportCommand = Command.make(
  "report",
  {
    runDir: Argument.String("run-dir").pipe(Argument.withDescription("a run directory: one subdirectory per stage, each with its stats.json; training runs with their metrics.jsonl")),
    out: Flag.String("out").pipe(Flag.withDescription("the HTML file to write (default report.html)"), Flag.withDefault("report.html")),
    force: Flag.Boolean("force").pipe(Flag.withDescription("overwrite the --out file if it exists"), Flag.withDefault(false))
  },
  (o) =>
    Commands.reportFailure(Effect.gen(function*() {
      const run = yield* writeReport(o.runDir, o.out, { force: o.force })
      yield* Console.log(`report: ${path.resolve(o.out)} (${run.stages.length} stages${run.dedup.length > 0 ? `, ${run.dedup.length} dedup` : ""}${run.tokenizer ? ", tokenizer" : ""}${run.packing ? ", packing" : ""}${run.training.length > 0 ? `, ${run.training.length} training run${run.training.length === 1 ? "" : "s"}` : ""})`)
    }))
).pipe(Command.withDescription("Write one self-contained HTML page about a run: stage funnel, drops, language and license mix, dedup, tokenizer, packing, loss curves"))
