/**
 * What a worker thread of the local executor does: import the pipeline module it is given (once,
 * whatever the number of stages), tell the parent it is ready (or why it cannot load), then run the
 * tasks the parent sends, of any stage, one at a time, reporting progress while they run.
 * Loaded by `worker.ts` once the compile cache is on.
 *
 * @since 0.1.0
 */
import { flushCompileCache } from "node:module"
import { parentPort, workerData } from "node:worker_threads"
import { Cause, Effect, Exit, Result } from "effect"
import { describe } from "../Errors.ts"
import type { Pipeline } from "../Pipeline.ts"
import { importPipeline } from "./Load.ts"
import type { RunMessage, WorkerData, WorkerMessage } from "./Protocol.ts"
import { runTask, TaskError } from "./Task.ts"

const port = parentPort
if (port === null) throw new Error("the dataflow worker loop must run in a worker thread")
const data = workerData as WorkerData
const post = (message: WorkerMessage) => port.postMessage(message)

const failure = (rank: number, cause: Cause.Cause<unknown>): WorkerMessage => {
  const found = Cause.findError(cause)
  const error: unknown = Result.isSuccess(found) ? found.success : Cause.squash(cause)
  return {
    type: "failed",
    rank,
    message: error instanceof TaskError ? error.reason : describe(error),
    inputNotFound: error instanceof TaskError ? error.inputNotFound : undefined
  }
}

const serve = (pipeline: Pipeline) => (message: RunMessage) => {
  const stage = pipeline.stages.find((s) => s.name === message.stage)
  if (stage === undefined) {
    post({ type: "failed", rank: message.rank, message: `pipeline has no stage ${message.stage}` })
    return
  }
  const program = runTask(stage, message.rank, {
    progressIntervalMs: message.progressIntervalMs,
    onProgress: (p) => post({ type: "progress", ...p })
  })
  void Effect.runPromiseExit(program).then((exit) =>
    post(Exit.isSuccess(exit) ? { type: "done", rank: message.rank, stats: exit.value } : failure(message.rank, exit.cause))
  )
}

let pipeline: Pipeline | undefined
try {
  pipeline = await importPipeline(data.modulePath, data.params)
} catch (e) {
  post({ type: "load-error", message: describe(e) })
}

if (pipeline !== undefined) {
  port.on("message", serve(pipeline))
  post({ type: "ready" })
  // write what this thread compiled now: a worker may be stopped (terminate) rather than exit
  flushCompileCache()
}
