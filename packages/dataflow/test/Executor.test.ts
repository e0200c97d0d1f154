import * as cp from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { LocalExecutor, Parquet, Rejects, runPipeline, runPipelinePromise, Shard } from "../src/index.ts"
import type { RunOptions, StageResult } from "../src/index.ts"
import { type FixtureOptions, make, writeModule } from "./fixtures/two-stage.ts"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dataflow-executor-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

// ---- input: 6 JSONL files of 40 documents, one malformed line ----------------------------------

const input = path.join(root, "input")
const expected = { docs: 0, tooShort: 0, secret: 0, kept1: 0, tooLong: 0 }
fs.mkdirSync(input)
for (let f = 0; f < 6; f++) {
  const lines: Array<string> = []
  for (let i = 0; i < 40; i++) {
    const n = ((f * 40 + i) * 7919) % 97
    const content = i % 13 === 0 ? `SECRET key ${n} ünïcödé` : "x".repeat(n % 80) + "é"
    lines.push(JSON.stringify({ content, path: `f${f}/d${i}.js`, stars: n, extra: { nested: [f, i] } }))
    if (f === 2 && i === 10) lines.push("{not json")
    expected.docs++
    if (content.length < 8) expected.tooShort++
    else if (content.includes("SECRET")) expected.secret++
    else {
      expected.kept1++
      if (content.length > 60) expected.tooLong++
    }
  }
  fs.writeFileSync(path.join(input, `in-${f}.jsonl`), lines.join("\n") + "\n")
}

// ---- helpers -----------------------------------------------------------------------------------

let cases = 0
const setup = (extra: Partial<FixtureOptions> = {}) => {
  const dir = path.join(root, `case-${cases++}`)
  const options: FixtureOptions = { input, out1: path.join(dir, "out1"), out2: path.join(dir, "out2"), ...extra }
  const module = writeModule(path.join(dir, "pipeline.ts"), options)
  return { dir, module, options }
}

const walk = (dir: string, base: string, out: Array<string>) => {
  if (!fs.existsSync(dir)) return
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) walk(full, base, out)
    else out.push(path.relative(base, full))
  }
}

/** Every file a run leaves, except the merged stats and markers (they hold timings): path → sha256. */
const snapshot = (dir: string): Record<string, string> => {
  const files: Array<string> = []
  walk(path.join(dir, "out1"), dir, files)
  walk(path.join(dir, "out2"), dir, files)
  const out: Record<string, string> = {}
  for (const f of files.sort()) {
    assert.isFalse(path.basename(f).startsWith(".tmp-"), `leftover temporary file ${f}`)
    if (path.basename(f) === "stats.json" || f.includes(`${path.sep}.pretrain${path.sep}`)) continue
    out[f] = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex")
  }
  return out
}

const markers = (out: string, stage: string): Array<string> =>
  fs.existsSync(path.join(out, ".pretrain", stage))
    ? fs.readdirSync(path.join(out, ".pretrain", stage)).filter((f) => /^task-\d+\.json$/.test(f)).sort()
    : []

const quiet: RunOptions = { quiet: true }

let reference: Record<string, string> | undefined
/** The output of a clean, uninterrupted run with one worker. */
const cleanRun = Effect.gen(function*() {
  if (reference !== undefined) return reference
  const c = setup()
  yield* runPipeline(c.module, { ...quiet, workers: 1 })
  reference = snapshot(c.dir)
  return reference
})

const stageOf = (stages: ReadonlyArray<StageResult>, name: string) => stages.find((s) => s.stage === name)!

// ---- tests -------------------------------------------------------------------------------------

describe("LocalExecutor", () => {
  it.effect("the same bytes with 1 and 2 workers and in-process; stats merged; rejects with reason and operator", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const parts = Object.keys(ref)
      assert.includeMembers(parts, [
        path.join("out1", "part-00000-0000.jsonl"),
        path.join("out1", "rejects", "part-00002-0000.jsonl.zst"),
        path.join("out2", "part-00002-0000.parquet")
      ])
      for (const workers of [2, 0]) {
        const c = setup()
        const result = yield* runPipeline(c.module, { ...quiet, workers })
        assert.deepStrictEqual(snapshot(c.dir), ref, `workers: ${workers}`)
        assert.deepStrictEqual(result.stages.map((s) => [s.stage, s.ran.length, s.skipped.length]), [["clean", 4, 0], ["trim", 3, 0]])

        const clean = JSON.parse(fs.readFileSync(path.join(c.options.out1, "stats.json"), "utf8"))
        assert.deepStrictEqual(clean, stageOf(result.stages, "clean").stats)
        assert.strictEqual(clean.tasks, 4)
        assert.strictEqual(clean.tasksCompleted, 4)
        assert.strictEqual(clean.docsIn, expected.docs)
        assert.strictEqual(clean.docsOut, expected.kept1)
        assert.deepStrictEqual(clean.drops, { "too-short": expected.tooShort, secret: expected.secret, "malformed-json": 1 })
        assert.deepStrictEqual(clean.operators["min-size"].drops, { "too-short": expected.tooShort })
        assert.strictEqual(clean.operators["min-size"].docsIn, expected.docs)
        assert.deepStrictEqual(clean.operators["no-secrets"].drops, { secret: expected.secret })
        assert.deepStrictEqual(clean.operators["jsonl"].drops, { "malformed-json": 1 })
        assert.strictEqual(clean.operators["annotate"].docsOut, expected.kept1)
        assert.deepStrictEqual(clean.perTask.map((t: { task: number }) => t.task), [0, 1, 2, 3])
        assert.strictEqual(clean.perTask.reduce((a: number, t: { docsIn: number }) => a + t.docsIn, 0), expected.docs)

        const trim = JSON.parse(fs.readFileSync(path.join(c.options.out2, "stats.json"), "utf8"))
        assert.strictEqual(trim.docsIn, expected.kept1)
        assert.strictEqual(trim.docsOut, expected.kept1 - expected.tooLong)
        assert.deepStrictEqual(trim.drops, { "too-long": expected.tooLong })
        // the Parquet parts of stage 2 hold every kept document with all its columns
        const rows = yield* Stream.runCollect(Parquet.source(c.options.out2).read(Shard.whole))
        assert.strictEqual(rows.length, expected.kept1 - expected.tooLong)
        const row = rows.find((r) => r.path === "f0/d2.js")! as Record<string, unknown>
        assert.deepStrictEqual(
          { ...row, extra: JSON.parse(JSON.stringify(row.extra, (_, v) => typeof v === "bigint" ? Number(v) : v)) },
          { content: "x".repeat(27) + "é", path: "f0/d2.js", stars: 27, extra: { nested: [0, 2] }, size: (row.content as string).length }
        )

        assert.deepStrictEqual(markers(c.options.out1, "clean"), [0, 1, 2, 3].map((r) => `task-0000${r}.json`))
        assert.deepStrictEqual(markers(c.options.out2, "trim"), [0, 1, 2].map((r) => `task-0000${r}.json`))
        const marker = JSON.parse(fs.readFileSync(path.join(c.options.out1, ".pretrain", "clean", "task-00001.json"), "utf8"))
        assert.deepStrictEqual(marker, clean.perTask[1])

        const rejects = Rejects.readSync(path.join(c.options.out1, "rejects"))
        assert.strictEqual(rejects.length, expected.tooShort + expected.secret + 1)
        const secret = rejects.find((r) => r._reject_reason === "secret")!
        assert.strictEqual(secret._reject_operator, "no-secrets")
        assert.match(String(secret.content), /^SECRET key/)
        assert.deepStrictEqual(Object.keys(secret), ["content", "path", "stars", "extra", "_reject_reason", "_reject_operator"])
        const malformed = rejects.find((r) => r._reject_reason === "malformed-json")!
        assert.strictEqual(malformed._reject_operator, "jsonl")
        assert.strictEqual(malformed.content, "{not json")
        assert.strictEqual(malformed._reject_file, path.join(input, "in-2.jsonl"))
        assert.strictEqual(malformed._reject_line, 12)
      }
    }))

  for (const [mode, workers] of [["exit", 2], ["throw", 2], ["uncaught", 2], ["throw", 0]] as const) {
    it.effect(`a task that fails (${mode}, ${workers === 0 ? "in-process" : `${workers} workers`}) fails the stage naming it; the rerun runs only that task`, () =>
      Effect.gen(function*() {
        const ref = yield* cleanRun
        const flag = path.join(root, `crash-${cases}`)
        fs.writeFileSync(flag, "")
        const c = setup({ crashFlag: flag, crashTask: 1, crashAfter: 45, crashMode: mode })
        const lines: Array<string> = []
        const error = yield* Effect.flip(runPipeline(c.module, { workers, log: (l) => lines.push(l) }))
        assert.strictEqual(error._tag, "StageFailed")
        if (error._tag !== "StageFailed") return
        assert.strictEqual(error.stage, "clean")
        assert.deepStrictEqual(error.failures.map((f) => f.task), [1])
        const why = mode === "exit" ? /worker exited with code 1/ : mode === "throw" ? /injected failure in task 1 after 45 docs/ : /uncaught failure in task 1/
        assert.match(error.failures[0]!.message, why)
        assert.match(error.message, /task 1/)
        assert.isTrue(lines.some((l) => /task 1 FAILED/.test(l)), lines.join("\n"))
        // the other tasks completed; task 1 left no marker; the next stage did not start
        assert.deepStrictEqual(markers(c.options.out1, "clean"), ["task-00000.json", "task-00002.json", "task-00003.json"])
        assert.isFalse(fs.existsSync(path.join(c.options.out1, "stats.json")))
        assert.isFalse(fs.existsSync(c.options.out2))
        // and the failed task left no output: no part, no rejects part, no temporary file
        assert.deepStrictEqual(fs.readdirSync(c.options.out1).filter((f) => !f.startsWith(".pretrain")).sort(), [
          "part-00000-0000.jsonl",
          "part-00002-0000.jsonl",
          "part-00003-0000.jsonl",
          "rejects"
        ])
        assert.deepStrictEqual(fs.readdirSync(path.join(c.options.out1, "rejects")).sort(), [
          "part-00000-0000.jsonl.zst",
          "part-00002-0000.jsonl.zst",
          "part-00003-0000.jsonl.zst"
        ])

        fs.rmSync(flag)
        const result = yield* runPipeline(c.module, { ...quiet, workers })
        assert.deepStrictEqual(stageOf(result.stages, "clean").ran, [1])
        assert.deepStrictEqual(stageOf(result.stages, "clean").skipped, [0, 2, 3])
        assert.strictEqual(stageOf(result.stages, "clean").stats.docsIn, expected.docs)
        assert.deepStrictEqual(snapshot(c.dir), ref)
      }))
  }

  it("resumes after the whole process is killed (SIGKILL) with byte-identical output", async () => {
    const ref = await Effect.runPromise(cleanRun)
    const c = setup({ slowMs: 25 })
    const runner = path.join(import.meta.dirname, "fixtures", "run-pipeline.ts")
    const child = cp.spawn(process.execPath, [runner, c.module, "2"], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (d) => (output += d))
    child.stderr.on("data", (d) => (output += d))
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()))
    const deadline = Date.now() + 60_000
    while (markers(c.options.out1, "clean").length === 0 && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    child.kill("SIGKILL")
    await exited
    assert.strictEqual(child.signalCode, "SIGKILL", output)
    const done = markers(c.options.out1, "clean")
    assert.isAtLeast(done.length, 1)
    assert.isBelow(done.length, 4, "the run was killed too late to test resuming")
    assert.isFalse(fs.existsSync(path.join(c.options.out2, "stats.json")))

    // rerun (without the slow-down, which does not change the output)
    const { slowMs: _slow, ...fastOptions } = c.options
    const fast = writeModule(path.join(c.dir, "pipeline-fast.ts"), fastOptions)
    const result = await runPipelinePromise(fast, { ...quiet, workers: 2 })
    const clean = stageOf(result.stages, "clean")
    assert.isAtLeast(clean.skipped.length, done.length)
    assert.isAtLeast(clean.ran.length, 1)
    assert.deepStrictEqual(snapshot(c.dir), ref)
  })

  it.effect("workers start once per run and run the tasks of every stage, importing the module once each", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const c = setup({ loadLog: path.join(root, `loads-${cases}`) })
      const result = yield* runPipeline(c.module, { ...quiet, workers: 2 })
      assert.deepStrictEqual(result.stages.map((s) => [s.stage, s.ran.length]), [["clean", 4], ["trim", 3]])
      assert.deepStrictEqual(snapshot(c.dir), ref)
      // the main thread (thread 0) builds the pipeline once, and so does each of the two workers
      const loads = fs.readFileSync(c.options.loadLog!, "utf8").trim().split("\n").map(Number)
      assert.strictEqual(loads.filter((t) => t === 0).length, 1)
      const workerThreads = loads.filter((t) => t !== 0)
      assert.strictEqual(workerThreads.length, 2, `worker imports: ${workerThreads.join(", ")}`)
      assert.strictEqual(new Set(workerThreads).size, 2)
      // a rerun with nothing left to do starts no worker
      const again = yield* runPipeline(c.module, { ...quiet, workers: 2 })
      assert.deepStrictEqual(again.stages.map((s) => s.ran.length), [0, 0])
      assert.strictEqual(fs.readFileSync(c.options.loadLog!, "utf8").trim().split("\n").filter((t) => t !== "0").length, 2)
    }))

  it.effect("a worker that dies is replaced: the stage's other tasks run on a fresh worker", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const flag = path.join(root, `crash-${cases}`)
      fs.writeFileSync(flag, "")
      const c = setup({ crashFlag: flag, crashTask: 1, crashAfter: 5, crashMode: "exit", loadLog: path.join(root, `loads-${cases}`) })
      const error = yield* Effect.flip(runPipeline(c.module, { ...quiet, workers: 1 }))
      assert.strictEqual(error._tag, "StageFailed")
      if (error._tag !== "StageFailed") return
      assert.deepStrictEqual(error.failures.map((f) => f.task), [1])
      assert.match(error.failures[0]!.message, /worker exited with code 1/)
      // one worker at a time: tasks 2 and 3 ran on the worker started after task 1's died
      assert.deepStrictEqual(markers(c.options.out1, "clean"), ["task-00000.json", "task-00002.json", "task-00003.json"])
      const workerThreads = fs.readFileSync(c.options.loadLog!, "utf8").trim().split("\n").filter((t) => t !== "0")
      assert.strictEqual(workerThreads.length, 2)
      fs.rmSync(flag)
      const result = yield* runPipeline(c.module, { ...quiet, workers: 1 })
      assert.deepStrictEqual(result.stages.map((s) => [s.stage, s.ran]), [["clean", [1]], ["trim", [0, 1, 2]]])
      assert.deepStrictEqual(snapshot(c.dir), ref)
    }))

  it.effect("a module that loads in the main thread but not in a worker fails every task, starting no more workers than run at once", () =>
    Effect.gen(function*() {
      const c = setup()
      const log = path.join(root, `loads-${cases}`)
      const module = path.join(c.dir, "main-only.ts")
      fs.writeFileSync(
        module,
        [
          `import * as fs from "node:fs"`,
          `import { isMainThread, threadId } from "node:worker_threads"`,
          `import { make } from ${JSON.stringify(path.join(import.meta.dirname, "fixtures", "two-stage.ts"))}`,
          `fs.appendFileSync(${JSON.stringify(log)}, threadId + "\\n")`,
          `if (!isMainThread) throw new Error("no pipeline in worker " + threadId)`,
          `export default make(${JSON.stringify(c.options)})`
        ].join("\n") + "\n"
      )
      const error = yield* Effect.flip(runPipeline(module, { ...quiet, workers: 2 }))
      assert.strictEqual(error._tag, "StageFailed")
      if (error._tag !== "StageFailed") return
      assert.deepStrictEqual(error.failures.map((f) => f.task), [0, 1, 2, 3])
      for (const f of error.failures) assert.match(f.message, /cannot load the pipeline in a worker: .*no pipeline in worker \d+/)
      const workerThreads = fs.readFileSync(log, "utf8").trim().split("\n").filter((t) => t !== "0")
      assert.isAtLeast(workerThreads.length, 1)
      assert.isAtMost(workerThreads.length, 2)
      assert.deepStrictEqual(markers(c.options.out1, "clean"), [])
    }))

  it("the process exits by itself once a run on worker threads ends, whether it succeeded or failed", async () => {
    const runner = path.join(import.meta.dirname, "fixtures", "run-pipeline.ts")
    const run = (module: string) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = cp.spawn(process.execPath, [runner, module, "2"], { stdio: ["ignore", "pipe", "pipe"] })
        let output = ""
        child.stdout.on("data", (d) => (output += d))
        child.stderr.on("data", (d) => (output += d))
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
        child.on("exit", (code) => {
          clearTimeout(timer)
          resolve({ code, output })
        })
      })
    const ok = await run(setup().module)
    assert.strictEqual(ok.code, 0, ok.output)
    assert.match(ok.output, /run complete/)
    const flag = path.join(root, `crash-${cases}`)
    fs.writeFileSync(flag, "")
    const failed = await run(setup({ crashFlag: flag, crashTask: 2, crashMode: "throw" }).module)
    assert.strictEqual(failed.code, 1, failed.output)
    assert.match(failed.output, /StageFailed|task 2/)
  })

  it.effect("runStage shares a WorkerPool across stages, or starts and stops workers of its own", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const c = setup()
      const [clean, trim] = make(c.options).stages
      const pool = new LocalExecutor.WorkerPool({ modulePath: c.module })
      const first = yield* LocalExecutor.runStage(clean!, { workers: 2, pool })
      const second = yield* LocalExecutor.runStage(trim!, { workers: 2, pool })
      assert.strictEqual(pool.started, 2)
      yield* Effect.promise(() => pool.close())
      assert.deepStrictEqual([first.ran, second.ran], [[0, 1, 2, 3], [0, 1, 2]])
      assert.deepStrictEqual(snapshot(c.dir), ref)

      const d = setup()
      const [clean2, trim2] = make(d.options).stages
      yield* LocalExecutor.runStage(clean2!, { workers: 2, modulePath: d.module })
      yield* LocalExecutor.runStage(trim2!, { workers: 1, modulePath: d.module })
      assert.deepStrictEqual(snapshot(d.dir), ref)
    }))

  it.effect("skip leaves a stage out when its turn comes, after the barrier of the stage before", () =>
    Effect.gen(function*() {
      const c = setup()
      const asked: Array<[string, boolean]> = []
      const result = yield* runPipeline(c.module, {
        ...quiet,
        workers: 2,
        skip: (stage) => {
          asked.push([stage, fs.existsSync(path.join(c.options.out1, "stats.json"))])
          return stage === "trim"
        }
      })
      assert.deepStrictEqual(asked, [["clean", false], ["trim", true]])
      assert.deepStrictEqual(result.stages.map((s) => s.stage), ["clean"])
      assert.isFalse(fs.existsSync(c.options.out2))
    }))

  it.effect("a foreign file in an output directory fails with OutputNotEmpty and is left untouched", () =>
    Effect.gen(function*() {
      const c = setup()
      fs.mkdirSync(c.options.out1, { recursive: true })
      fs.writeFileSync(path.join(c.options.out1, "notes.txt"), "mine")
      fs.mkdirSync(path.join(c.options.out1, "rejects"))
      fs.writeFileSync(path.join(c.options.out1, "rejects", "keep.jsonl"), "{}\n")
      const error = yield* Effect.flip(runPipeline(c.module, { ...quiet, workers: 1 }))
      assert.strictEqual(error._tag, "OutputNotEmpty")
      if (error._tag !== "OutputNotEmpty") return
      assert.deepStrictEqual(error.foreign, ["notes.txt", path.join("rejects", "keep.jsonl")])
      assert.strictEqual(fs.readFileSync(path.join(c.options.out1, "notes.txt"), "utf8"), "mine")
      assert.deepStrictEqual(fs.readdirSync(c.options.out1).sort(), ["notes.txt", "rejects"])
      // force never deletes foreign files either
      const again = yield* Effect.flip(runPipeline(c.module, { ...quiet, workers: 1, force: true }))
      assert.strictEqual(again._tag, "OutputNotEmpty")
      assert.strictEqual(fs.readFileSync(path.join(c.options.out1, "rejects", "keep.jsonl"), "utf8"), "{}\n")
    }))

  it.effect("a rerun skips completed tasks; force reruns all; a changed task count needs force", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const c = setup()
      yield* runPipeline(c.module, { ...quiet, workers: 2 })
      const statsBefore = fs.readFileSync(path.join(c.options.out1, "stats.json"), "utf8")
      const again = yield* runPipeline(c.module, { ...quiet, workers: 2 })
      assert.deepStrictEqual(again.stages.map((s) => [s.ran.length, s.skipped.length]), [[0, 4], [0, 3]])
      assert.strictEqual(fs.readFileSync(path.join(c.options.out1, "stats.json"), "utf8"), statsBefore)

      const forced = yield* runPipeline(c.module, { ...quiet, workers: 2, force: true })
      assert.deepStrictEqual(forced.stages.map((s) => [s.ran.length, s.skipped.length]), [[4, 0], [3, 0]])
      assert.deepStrictEqual(snapshot(c.dir), ref)

      // the same directories with 5 tasks in stage 2: the old parts would be wrong, so ask for force
      const wider = writeModule(path.join(c.dir, "pipeline-wider.ts"), { ...c.options, tasks2: 5 })
      const stale = yield* Effect.flip(runPipeline(wider, { ...quiet, workers: 2, only: "trim" }))
      assert.strictEqual(stale._tag, "OutputNotEmpty")
      const tasks5 = yield* runPipeline(wider, { ...quiet, workers: 2, only: "trim", force: true })
      assert.deepStrictEqual(tasks5.stages.map((s) => [s.stage, s.ran.length]), [["trim", 5]])
      assert.deepStrictEqual(markers(c.options.out2, "trim").length, 5)
      assert.strictEqual(tasks5.stages[0]!.stats.docsIn, expected.kept1)
      // 4 input parts over 5 tasks: one task has nothing to write, and no part of the 3-task run is left
      assert.deepStrictEqual(fs.readdirSync(c.options.out2).filter((f) => f.startsWith("part-")).sort(), [1, 2, 3, 4].map((r) => `part-0000${r}-0000.parquet`))
    }))

  it.effect("only runs a single stage", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const c = setup()
      const first = yield* runPipeline(c.module, { ...quiet, workers: 2, only: "clean" })
      assert.deepStrictEqual(first.stages.map((s) => s.stage), ["clean"])
      assert.isTrue(fs.existsSync(path.join(c.options.out1, "stats.json")))
      assert.isFalse(fs.existsSync(c.options.out2))
      const second = yield* runPipeline(c.module, { ...quiet, workers: 2, only: "trim" })
      assert.deepStrictEqual(second.stages.map((s) => [s.stage, s.ran.length]), [["trim", 3]])
      assert.deepStrictEqual(snapshot(c.dir), ref)
      const unknown = yield* Effect.flip(runPipeline(c.module, { ...quiet, only: "nope" }))
      assert.strictEqual(unknown._tag, "PipelineDefinitionError")
      assert.match(unknown.message, /no stage named nope; stages: clean, trim/)
    }))

  it.effect("a missing input surfaces as InputNotFound", () =>
    Effect.gen(function*() {
      const missing = path.join(root, "no-such-input")
      const c = setup({ input: missing })
      const error = yield* Effect.flip(runPipeline(c.module, { ...quiet, workers: 2 }))
      assert.strictEqual(error._tag, "InputNotFound")
      if (error._tag === "InputNotFound") assert.strictEqual(error.path, missing)
      assert.deepStrictEqual(markers(c.options.out1, "clean"), [])
    }))

  it.effect("pipeline modules: default or `pipeline` export, clear errors otherwise; objects run in-process", () =>
    Effect.gen(function*() {
      const ref = yield* cleanRun
      const dir = path.join(root, `case-${cases++}`)
      fs.mkdirSync(dir)
      const none = path.join(dir, "none.ts")
      fs.writeFileSync(none, "export const x = 1\n")
      const e1 = yield* Effect.flip(runPipeline(none, quiet))
      assert.strictEqual(e1._tag, "PipelineDefinitionError")
      assert.match(e1.message, /must export a pipeline/)
      const e2 = yield* Effect.flip(runPipeline(path.join(dir, "absent.ts"), quiet))
      assert.match(e2.message, /file not found/)
      const broken = path.join(dir, "broken.ts")
      fs.writeFileSync(broken, "throw new Error('cannot build pipeline')\n")
      const e3 = yield* Effect.flip(runPipeline(broken, quiet))
      assert.strictEqual(e3._tag, "PipelineDefinitionError")
      assert.match(e3.message, /cannot build pipeline/)

      const c = setup()
      const named = path.join(c.dir, "named.ts")
      fs.writeFileSync(
        named,
        `import { make } from ${JSON.stringify(path.join(import.meta.dirname, "fixtures", "two-stage.ts"))}\nexport const pipeline = make(${
          JSON.stringify(c.options)
        })\n`
      )
      yield* runPipeline(named, { ...quiet, workers: 2 })
      assert.deepStrictEqual(snapshot(c.dir), ref)

      const d = setup()
      const e4 = yield* Effect.flip(runPipeline(make(d.options), { ...quiet, workers: 2 }))
      assert.match(e4.message, /runs in-process/)
      const result = yield* runPipeline(make(d.options), quiet)
      assert.strictEqual(result.pipeline, "fixture")
      assert.deepStrictEqual(snapshot(d.dir), ref)
    }))
})
