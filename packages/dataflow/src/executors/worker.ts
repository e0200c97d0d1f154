/**
 * Worker thread entry of the local executor. It imports the pipeline module it is given, then runs
 * the tasks the parent sends, one at a time, reporting progress about every 200 ms.
 *
 * @since 0.1.0
 */
import { parentPort, workerData } from "node:worker_threads"
import { Cause, Effect, Exit, Result } from "effect"
import { describe } from "../Errors.ts"
import type { Pipeline } from "../Pipeline.ts"
import { importPipeline } from "./Load.ts"
import type { RunMessage, WorkerData, WorkerMessage } from "./Protocol.ts"
import { runTask, TaskError } from "./Task.ts"

const port = parentPort
if (port === null) throw new Error("the dataflow worker entry must run in a worker thread")
const data = workerData as WorkerData
const post = (message: WorkerMessage) => port.postMessage(message)

let pipeline: Pipeline | undefined
try {
  pipeline = await importPipeline(data.modulePath, data.params)
} catch (e) {
  post({ type: "load-error", message: describe(e) })
}

if (pipeline !== undefined) {
  const loaded = pipeline
  port.on("message", (message: RunMessage) => {
    const stage = loaded.stages.find((s) => s.name === message.stage)
    if (stage === undefined) {
      post({ type: "failed", rank: message.rank, message: `pipeline has no stage ${message.stage}` })
      return
    }
    const program = runTask(stage, message.rank, {
      progressIntervalMs: data.progressIntervalMs,
      onProgress: (p) => post({ type: "progress", ...p })
    })
    void Effect.runPromiseExit(program).then((exit) => {
      if (Exit.isSuccess(exit)) {
        post({ type: "done", rank: message.rank, stats: exit.value })
        return
      }
      const found = Cause.findError(exit.cause)
      const error: unknown = Result.isSuccess(found) ? found.success : Cause.squash(exit.cause)
      post({
        type: "failed",
        rank: message.rank,
        message: error instanceof TaskError ? error.reason : describe(error),
        inputNotFound: error instanceof TaskError ? error.inputNotFound : undefined
      })
    })
  })
  post({ type: "ready" })
}
