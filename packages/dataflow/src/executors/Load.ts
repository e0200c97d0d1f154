/**
 * Load a pipeline module by path: its default export or its `pipeline` export must be a
 * {@link Pipeline}. Used by the executor and, with the same path, by every worker thread.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Effect } from "effect"
import { describe, PipelineDefinitionError } from "../Errors.ts"
import { isPipeline, type Pipeline } from "../Pipeline.ts"

/**
 * Import the module at `modulePath` (absolute, or relative to the current directory) and return its
 * pipeline: the default export or the `pipeline` export, either a {@link Pipeline} or a function
 * `(params) => Pipeline` called with `params` (JSON data, the same in every worker). Rejects with
 * {@link PipelineDefinitionError}. Plain async form for worker entries.
 *
 * @since 0.1.0
 */
export const importPipeline = async (modulePath: string, params?: unknown): Promise<Pipeline> => {
  const file = path.resolve(modulePath)
  if (!fs.existsSync(file)) throw new PipelineDefinitionError({ module: modulePath, reason: "file not found" })
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (e) {
    throw new PipelineDefinitionError({ module: modulePath, reason: `cannot import: ${e instanceof Error && e.stack ? e.stack : describe(e)}` })
  }
  const exported = mod.default ?? mod.pipeline
  let candidate: unknown = exported
  if (typeof exported === "function") {
    try {
      candidate = (exported as (params: unknown) => unknown)(params ?? {})
    } catch (e) {
      throw new PipelineDefinitionError({ module: modulePath, reason: `building the pipeline failed: ${describe(e)}` })
    }
  }
  if (!isPipeline(candidate)) {
    throw new PipelineDefinitionError({
      module: modulePath,
      reason: "the module must export a pipeline (Pipeline.make(...)), or a function returning one, as its default export or as `pipeline`"
    })
  }
  return candidate
}

/**
 * Effect form of {@link importPipeline}.
 *
 * @since 0.1.0
 */
export const loadPipeline = (modulePath: string, params?: unknown): Effect.Effect<Pipeline, PipelineDefinitionError> =>
  Effect.tryPromise({
    try: () => importPipeline(modulePath, params),
    catch: (e) => e instanceof PipelineDefinitionError ? e : new PipelineDefinitionError({ module: modulePath, reason: describe(e) })
  })
