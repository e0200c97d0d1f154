import { assert, describe, it } from "@effect/vitest"
import { Progress, Stats } from "../src/index.ts"

const stage: Progress.StageStart = { stage: "clean", index: 1, count: 2, tasks: 3, skipped: 1, workers: 2, dir: "out" }

const finished = () => {
  const t1 = new Stats.TaskStats({ stage: "clean", task: 1, tasks: 3 })
  t1.read([{ content: "abcd" }, { content: "ef" }])
  t1.written([{ content: "abcd" }])
  t1.reject({ record: { content: "ef" }, reason: "too-short", operator: "min-size" })
  return t1.toJSON()
}

describe("Progress", () => {
  it("plain lines: start, tasks, failures and a summary with drops per reason", () => {
    const lines: Array<string> = []
    const r = Progress.lines((l) => lines.push(l))
    r.stageStarted(stage)
    r.taskProgress({ stage: "clean", task: 1, docsIn: 1, bytesIn: 4, docsOut: 0, bytesOut: 0 })
    const t1 = finished()
    r.taskDone(t1)
    r.taskFailed(2, "boom")
    r.stageFinished(Stats.mergeStats("clean", 3, [t1]))
    r.close()
    assert.deepStrictEqual(lines.slice(0, 3), [
      "stage clean (1/2): 3 task(s), 1 already complete, running 2 on 2 worker thread(s) → out",
      "stage clean: task 1 done, 2 docs in → 1 out, 0.0 kB [2/3]",
      "stage clean: task 2 FAILED: boom"
    ])
    assert.match(lines[3]!, /^stage clean: 1\/3 tasks, 2 docs in → 1 out \(1 dropped: too-short 1\), 0\.0 kB in, 0\.0 kB out, 0:00$/)
  })

  it("a bar redrawn in place on a terminal, within its width", () => {
    let written = ""
    const tty = { columns: 70, isTTY: true, write: (s: string) => (written += s, true) } as unknown as NodeJS.WriteStream
    const r = Progress.bar(tty, { intervalMs: 5 })
    r.stageStarted(stage)
    r.taskProgress({ stage: "clean", task: 1, docsIn: 1234, bytesIn: 2_500_000, docsOut: 0, bytesOut: 0 })
    r.taskDone(finished())
    r.stageFinished(Stats.mergeStats("clean", 3, [finished()]))
    r.close()
    const redraws = written.split("\r\x1b[2K").filter((s) => s.includes("["))
    assert.isAbove(redraws.length, 0)
    for (const line of redraws) assert.isBelow(line.length, 70)
    assert.match(written, /stage clean: 1\/3 tasks/)
  })

  it("formats counts, bytes and durations", () => {
    assert.strictEqual(Progress.formatCount(1234567), "1,234,567")
    assert.strictEqual(Progress.formatBytes(45_600_000), "45.6 MB")
    assert.strictEqual(Progress.formatBytes(2_340_000_000), "2.34 GB")
    assert.strictEqual(Progress.formatDuration(3_723_000), "1:02:03")
    assert.strictEqual(Progress.formatDuration(12_000), "0:12")
  })
})
