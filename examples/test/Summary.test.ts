/**
 * The demo's closing table: every figure given to it appears, drop reasons beyond the four largest
 * are folded into one cell, and the training and synthetic rows appear only when there was such a run.
 */
import { describe, expect, it } from "vitest"
import { summaryTable, textTable } from "../pipelines/stack-mini/summary.ts"

const input = {
  stages: [
    { stage: "ingest", stats: { docsOut: 22_714, bytesOut: 165_600_000, drops: { binary: 48, "too-large": 30 } } },
    { stage: "curate", stats: { docsOut: 9_052, bytesOut: 57_900_000, drops: { a: 50, b: 40, c: 30, d: 20, e: 10, f: 5 } } },
    { stage: "near-dedup", stats: { docsOut: 6_930, bytesOut: 45_600_000, drops: {} } }
  ],
  tokenizer: { train: { vocabSize: 8192 }, heldOut: { bytesPerToken: 3.4541 } },
  packed: { seqLen: 2048, stats: { tokens: 10_656_236, sequences: 5207 } },
  training: { params: 632_576, steps: 400, tokens: 409_600, tokensPerSec: 6477.4, lossBefore: 9.0191, lossAfter: 5.6764 }
}

describe("summaryTable", () => {
  it("shows each stage's documents, bytes and drops, then the tokenizer, packing and training figures", () => {
    const text = summaryTable(input)
    const row = (label: string) => text.split("\n").find((l) => l.startsWith(label))!
    expect(row("ingest").split(/\s{2,}/)).toEqual(["ingest", "22,714", "165.6 MB", "binary 48, too-large 30"])
    expect(row("curate")).toContain("a 50, b 40, c 30, d 20, 2 more reasons 15")
    expect(row("near-dedup").trim().endsWith("-")).toBe(true)
    expect(row("bytes / token").split(/\s{2,}/)).toEqual(["bytes / token (held-out files)", "3.454"])
    expect(row("tokens packed")).toContain("10,656,236")
    expect(row("sequences of 2,048 tokens")).toContain("5,207")
    expect(row("tokens trained")).toContain("409,600")
    expect(row("training tokens / s")).toContain("6,477")
    expect(row("held-out loss before")).toContain("9.019")
    expect(row("held-out loss after")).toContain("5.676")
    expect(summaryTable({ ...input, training: undefined })).not.toContain("held-out loss")
    expect(text).not.toContain("synthetic")
  })

  it("shows the synthetic sections generated, kept and rejected per reason, and backend failures when any", () => {
    const text = summaryTable({ ...input, synthetic: { requests: 6, skipped: 0, kept: 3, rejected: { empty: 1, "near-duplicate": 1 }, failed: 1 } })
    const row = (label: string) => text.split("\n").find((l) => l.trimStart().startsWith(label))!.trim().split(/\s{2,}/)
    expect(row("synthetic sections generated")).toEqual(["synthetic sections generated", "5"])
    expect(row("synthetic sections kept")).toEqual(["synthetic sections kept", "3"])
    expect(row("synthetic sections rejected")).toEqual(["synthetic sections rejected", "2"])
    expect(row("rejected: empty")).toEqual(["rejected: empty", "1"])
    expect(row("rejected: near-duplicate")).toEqual(["rejected: near-duplicate", "1"])
    expect(row("synthetic requests failed")).toEqual(["synthetic requests failed at the backend", "1"])
    const clean = summaryTable({ ...input, synthetic: { requests: 4, skipped: 0, kept: 4, rejected: {}, failed: 0 } })
    expect(clean).not.toContain("rejected:")
    expect(clean).not.toContain("failed at the backend")
  })

  it("aligns columns: text left, numbers right", () => {
    const lines = textTable([["name", "value"], ["a", "1"], ["longer", "1,000"]]).split("\n")
    expect(lines).toEqual(["name    value", "------  -----", "a           1", "longer  1,000"])
  })
})
