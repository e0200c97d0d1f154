/**
 * Worker thread entry of the local executor. It switches on Node's on-disk compile cache before
 * anything else loads (a worker started later, in this run or the next, then skips parsing and
 * compiling the executor, Effect and the pipeline module again), then starts {@link WorkerLoop}:
 * import the pipeline module once, run the tasks the parent sends, of any stage, one at a time.
 *
 * @since 0.1.0
 */
import { enableCompileCache } from "node:module"
import { isMainThread } from "node:worker_threads"

if (isMainThread) throw new Error("the dataflow worker entry must run in a worker thread")
enableCompileCache()
await import("./WorkerLoop.ts")
