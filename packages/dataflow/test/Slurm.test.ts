/**
 * The Slurm executor against a real Slurm cluster on loopback (scripts/slurm-cluster.sh, started by
 * .ci/run): the two-stage fixture as job arrays, outputs byte-identical to the local executor's, a
 * task failing for good stopping the run with its log, and a resubmission resuming it.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { runPipelinePromise, Slurm } from "../src/index.ts"
import { arraySpec } from "../src/executors/slurm/Commands.ts"
import { writeModule } from "./fixtures/two-stage.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("dataflow-slurm")

const required = process.env.REQUIRE_SLURM === "1"
const slurmUp = (() => {
  const r = spawnSync("sinfo", ["-h", "-o", "%T"], { encoding: "utf8" })
  return r.status === 0 && /idle|mixed|allocated/.test(r.stdout)
})()
if (!slurmUp && !required) {
  console.warn("Slurm cluster tests skipped: no Slurm cluster answers (start one with scripts/slurm-cluster.sh; REQUIRE_SLURM=1 makes this a failure)")
}

const makeInput = (dir: string) => {
  fs.mkdirSync(dir, { recursive: true })
  for (let f = 0; f < 4; f++) {
    const lines: Array<string> = []
    for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ content: `${"y".repeat((f * 30 + i) % 70)} doc ${f}/${i}`, path: `f${f}/${i}.js` }))
    fs.writeFileSync(path.join(dir, `in-${f}.jsonl`), lines.join("\n") + "\n")
  }
  return dir
}

/** Files under `dir` by relative path, without markers and stats (which carry timings). */
const outputs = (dir: string): Map<string, Buffer> => {
  const found = new Map<string, Buffer>()
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== ".pretrain") walk(p)
      } else if (e.name !== "stats.json") found.set(path.relative(dir, p), fs.readFileSync(p))
    }
  }
  walk(dir)
  return found
}

describe("Slurm executor, without a cluster", () => {
  it("writes --array specs as ranges with a concurrency limit", () => {
    assert.strictEqual(arraySpec([0, 1, 2, 5, 7, 8, 9], 4), "0-2,5,7-9%4")
    assert.strictEqual(arraySpec([3]), "3")
  })

  it.effect("fails with SlurmError naming sbatch when Slurm's commands are not installed", () =>
    Effect.gen(function*() {
      const dir = tmp("nosbatch")
      const module = writeModule(path.join(dir, "pipeline.ts"), { input: makeInput(path.join(dir, "in")), out1: path.join(dir, "o1"), out2: path.join(dir, "o2") })
      const saved = process.env.PATH
      process.env.PATH = dir
      const exit = yield* Effect.exit(Slurm.submit(module, { runDir: path.join(dir, "run") }))
      process.env.PATH = saved
      assert.ok(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? String(exit.cause) : ""
      assert.match(error, /sbatch not found/)
    }))
})

describe.runIf(slurmUp || required)("Slurm executor on a real cluster", () => {
  it("runs each stage as a job array and writes exactly what the local executor writes", async () => {
    const dir = tmp("same")
    const input = makeInput(path.join(dir, "in"))
    const local = writeModule(path.join(dir, "local.ts"), { input, out1: path.join(dir, "local/o1"), out2: path.join(dir, "local/o2") })
    const onSlurm = writeModule(path.join(dir, "slurm.ts"), { input, out1: path.join(dir, "slurm/o1"), out2: path.join(dir, "slurm/o2") })
    const expected = await runPipelinePromise(local, { workers: 0, quiet: true })
    const runDir = path.join(dir, "run")
    const result = await Effect.runPromise(Slurm.run(onSlurm, { runDir, pollMs: 300, maxConcurrent: 3 }))

    assert.deepStrictEqual(result.stages.map((s) => [s.stage, s.stats.docsIn, s.stats.docsOut, s.stats.drops]), expected.stages.map((s) => [s.stage, s.stats.docsIn, s.stats.docsOut, s.stats.drops]))
    const mine = outputs(path.join(dir, "slurm"))
    const theirs = outputs(path.join(dir, "local"))
    assert.deepStrictEqual([...mine.keys()].sort(), [...theirs.keys()].sort())
    for (const [file, bytes] of theirs) assert.ok(mine.get(file)!.equals(bytes), file)

    const status = await Effect.runPromise(Slurm.status(runDir))
    assert.strictEqual(status.state, "completed")
    assert.deepStrictEqual(status.stages.map((s) => [s.name, s.done, s.tasks]), [["clean", 4, 4], ["trim", 3, 3]])
    const log = await Effect.runPromise(Slurm.logs(runDir, { stage: "clean", task: 2 }))
    assert.match(log, /stage clean, task 2 done: \d+ docs in/)

    // resubmitting the completed run queues nothing
    const again = await Effect.runPromise(Slurm.submit(onSlurm, { runDir }))
    assert.deepStrictEqual(again.stages.map((s) => [s.submitted.length, s.arrayJob, s.barrierJob]), [[0, undefined, undefined], [0, undefined, undefined]])
  }, 120_000)

  it("stops at a task that fails for good, cancels the later stages, and resumes only that task", async () => {
    const dir = tmp("fail")
    const input = makeInput(path.join(dir, "in"))
    const flag = path.join(dir, "failing")
    fs.writeFileSync(flag, "")
    const module = writeModule(path.join(dir, "pipeline.ts"), {
      input,
      out1: path.join(dir, "o1"),
      out2: path.join(dir, "o2"),
      crashFlag: flag,
      crashTask: 1,
      crashAfter: 3,
      crashMode: "throw"
    })
    const runDir = path.join(dir, "run")
    const exit = await Effect.runPromiseExit(Slurm.run(module, { runDir, pollMs: 300, maxRequeues: 0 }))
    assert.ok(Exit.isFailure(exit))
    const failure = Exit.isFailure(exit) ? JSON.stringify(exit.cause) : ""
    assert.include(failure, "StageFailed")
    assert.include(failure, "injected failure in task 1 after 3 docs")
    const stopped = await Effect.runPromise(Slurm.status(runDir))
    assert.strictEqual(stopped.state, "stopped")
    assert.deepStrictEqual(stopped.stages.map((s) => [s.name, s.done]), [["clean", 3], ["trim", 0]])

    fs.rmSync(flag)
    const resumed = await Effect.runPromise(Slurm.submit(module, { runDir }))
    assert.deepStrictEqual(resumed.stages.map((s) => s.submitted), [[1], [0, 1, 2]])
    const result = await Effect.runPromise(Slurm.wait(runDir, { pollMs: 300 }))
    assert.deepStrictEqual(result.stages.map((s) => s.stats.tasksCompleted), [4, 3])
  }, 120_000)
})
