/**
 * The cluster-dedup example (ingest, multi-stage MinHash dedup, size filter; 8 tasks per stage) on
 * a real Slurm cluster (packages/dataflow/scripts/slurm-cluster.sh, started by .ci/run), with one
 * task killed mid-run: Slurm requeues it, the run completes, and every output file is
 * byte-identical to the local executor's on the same input.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Parquet, runPipelinePromise, Slurm } from "@pretrain/dataflow"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const examples = path.resolve(import.meta.dirname, "..")
const workspace = path.resolve(examples, "..")
const fixture = path.join(import.meta.dirname, "fixtures/cluster-dedup-crash.ts")
const bin = path.join(workspace, "packages/cli/dist/bin.js")

const slurmUp = (): boolean => {
  const r = spawnSync("sinfo", ["-h", "-o", "%T"], { encoding: "utf8" })
  return r.status === 0 && /idle|mixed|allocated/.test(r.stdout)
}
const required = process.env.REQUIRE_SLURM === "1"
const available = slurmUp()
if (!available && !required) {
  console.warn("Slurm tests skipped: no Slurm cluster answers (start one with packages/dataflow/scripts/slurm-cluster.sh; REQUIRE_SLURM=1 makes this a failure)")
}

/** Every file under `dir` except the executor's markers and the timing-bearing stats.json, by relative path. */
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

/** Source trees with exact and near copies: three packages from node_modules, one of them twice, one edited. */
const makeInput = (dir: string) => {
  const nm = path.join(workspace, "node_modules")
  const copy = (from: string, to: string) => fs.cpSync(path.join(nm, from), path.join(dir, to), { recursive: true })
  copy("hyparquet/src", "repo-a/src")
  copy("hyparquet/src", "repo-b/vendor/hyparquet")
  copy("ms", "repo-c/ms")
  copy("semver", "repo-d/semver")
  const edited = path.join(dir, "repo-b/vendor/hyparquet/utils.js")
  if (fs.existsSync(edited)) fs.appendFileSync(edited, "\n// vendored copy\n")
}

describe.runIf(available || required)("cluster-dedup on Slurm", () => {
  let tmp: string
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-slurm-"))
    makeInput(path.join(tmp, "input"))
  })
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it("runs every stage as a job array, requeues a killed task, and writes what the local executor writes", async () => {
    const input = path.join(tmp, "input")
    const crashFlag = path.join(tmp, "crashed")
    const local = await runPipelinePromise(fixture, { params: { input, out: path.join(tmp, "local"), crashFlag: path.join(tmp, "never") }, workers: 2, quiet: true })

    // the run is submitted through the binary and followed with `pretrain jobs`
    const runDir = path.join(tmp, "run")
    const params = JSON.stringify({ input, out: path.join(tmp, "slurm"), crashFlag })
    const submitted = spawnSync(process.execPath, [bin, "run", fixture, "--params", params, "--executor", "slurm", "--run-dir", runDir, "--detach"], {
      encoding: "utf8",
      cwd: examples
    })
    expect(submitted.status, submitted.stderr).toBe(0)
    expect(submitted.stdout).toContain("submitted cluster-dedup to Slurm")
    const manifest = JSON.parse(fs.readFileSync(path.join(runDir, "run.json"), "utf8")) as { stages: Array<{ name: string; tasks: number; arrayJob?: string }> }
    expect(manifest.stages.length).toBe(local.stages.length)
    for (const s of manifest.stages) {
      expect(s.tasks).toBeGreaterThanOrEqual(8)
      expect(s.arrayJob).toMatch(/^\d+$/)
    }

    const result = await Effect.runPromise(Slurm.wait(runDir, { pollMs: 500 }))
    expect(result.stages.map((s) => s.stage)).toEqual(local.stages.map((s) => s.stage))
    for (let i = 0; i < result.stages.length; i++) {
      expect(result.stages[i]!.stats.docsOut, result.stages[i]!.stage).toBe(local.stages[i]!.stats.docsOut)
    }

    // the kill happened, and Slurm ran the task again
    expect(fs.readFileSync(crashFlag, "utf8")).toContain("killed at document 5")
    const signatures = manifest.stages.findIndex((s) => s.name === "signatures")
    const taskLog = fs.readFileSync(path.join(runDir, "logs/signatures/task-00003.log"), "utf8")
    expect(taskLog).toMatch(/requeued \(retry 1 of 2\)/)
    expect(taskLog).toContain("stage signatures, task 3 done")
    expect(signatures).toBeGreaterThan(0)

    // near-duplicates were removed, and the outputs are the local executor's, byte for byte
    const dedupStats = result.stages.find((s) => s.stage === "filter")!.stats
    expect(dedupStats.docsIn - dedupStats.docsOut).toBeGreaterThan(10)
    const mine = outputs(path.join(tmp, "slurm"))
    const theirs = outputs(path.join(tmp, "local"))
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort())
    for (const [file, bytes] of theirs) expect(mine.get(file)!.equals(bytes), file).toBe(true)
    expect(Parquet.readFileSync(path.join(tmp, "slurm/sized", [...mine.keys()].find((f) => f.startsWith("sized/") && f.endsWith(".parquet"))!.slice(6))).length).toBeGreaterThan(0)

    const status = spawnSync(process.execPath, [bin, "jobs", "status", runDir], { encoding: "utf8" })
    expect(status.stdout).toContain("cluster-dedup: completed")
    expect(status.stdout).toMatch(/signatures: 8\/8 tasks done.*complete/)

    // resubmitting a completed run queues nothing
    const again = spawnSync(process.execPath, [bin, "run", fixture, "--params", params, "--executor", "slurm", "--run-dir", runDir], { encoding: "utf8", cwd: examples })
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).toContain("signatures: 0 task(s)")
  }, 600_000)
})
