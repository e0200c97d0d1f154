/**
 * What a Slurm job of a run executes: `node job.js task <run dir> <stage index> <rank>` runs one
 * task of a stage exactly as the local executor does ({@link runTask}: same parts, rejects and
 * completion marker), `node job.js barrier <run dir> <stage index>` completes the stage
 * ({@link completeStage}). Exit code 0 on success, 1 with the reason on standard error otherwise.
 *
 * @since 0.1.0
 */
import { enableCompileCache } from "node:module"
import { Cause, Effect, Exit } from "effect"
import { describe } from "../../Errors.ts"
import * as Progress from "../../Progress.ts"
import { completeStage } from "../Barrier.ts"
import { importPipeline } from "../Load.ts"
import * as OutputDir from "../OutputDir.ts"
import { runTask } from "../Task.ts"
import { readManifest } from "./Manifest.ts"

enableCompileCache()

const fail = (message: string): never => {
  process.stderr.write(`pretrain: ${message}\n`)
  process.exit(1)
}

const [mode, runDir, stageArg, rankArg] = process.argv.slice(2)
if ((mode !== "task" && mode !== "barrier") || runDir === undefined || stageArg === undefined) {
  fail("usage: job.js task|barrier <run dir> <stage index> [rank]")
}
const manifest = await Effect.runPromise(readManifest(runDir!)).catch((e: unknown) => fail(describe(e)))
const index = Number(stageArg)
const expected = manifest.stages[index]
if (expected === undefined) fail(`the run has no stage ${stageArg}`)
const pipeline = await importPipeline(manifest.module, manifest.params).catch((e: unknown) => fail(describe(e)))
const stage = pipeline.stages.find((s) => s.name === expected!.name)
if (stage === undefined) fail(`pipeline ${manifest.module} has no stage ${expected!.name} any more`)

const started = performance.now()
if (mode === "task") {
  const rank = Number(rankArg)
  if (!Number.isInteger(rank) || rank < 0 || rank >= stage!.tasks) fail(`stage ${stage!.name} has no task ${rankArg}`)
  const exit = await Effect.runPromiseExit(runTask(stage!, rank))
  if (Exit.isFailure(exit)) {
    OutputDir.cleanTask(stage!, rank)
    fail(`stage ${stage!.name}, task ${rank}: ${describe(Cause.squash(exit.cause))}`)
  }
  if (Exit.isSuccess(exit)) {
    const s = exit.value
    process.stdout.write(`pretrain: stage ${stage!.name}, task ${rank} done: ${s.docsIn} docs in, ${s.docsOut} out (${Math.round(performance.now() - started)} ms)\n`)
  }
} else {
  const exit = await Effect.runPromiseExit(completeStage(stage!))
  if (Exit.isFailure(exit)) fail(describe(Cause.squash(exit.cause)))
  if (Exit.isSuccess(exit)) process.stdout.write(`${Progress.summary(exit.value, performance.now() - started)}\n`)
}
