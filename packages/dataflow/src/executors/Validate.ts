/**
 * What every executor checks before it runs a pipeline: the stage asked for with `only` exists, and
 * no two stages write to the same directory.
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { PipelineDefinitionError } from "../Errors.ts"
import type { Pipeline } from "../Pipeline.ts"

/** The first problem found, or `undefined`. @since 0.1.0 */
export const checkStages = (pipeline: Pipeline, module: string, only: string | undefined): PipelineDefinitionError | undefined => {
  if (only !== undefined && !pipeline.stages.some((s) => s.name === only)) {
    return new PipelineDefinitionError({ module, reason: `no stage named ${only}; stages: ${pipeline.stages.map((s) => s.name).join(", ")}` })
  }
  const dirs = new Map<string, string>()
  for (const s of pipeline.stages) {
    const dir = path.resolve(s.sink.dir)
    const other = dirs.get(dir)
    if (other !== undefined) {
      return new PipelineDefinitionError({ module, reason: `stages ${other} and ${s.name} write to the same directory ${s.sink.dir}` })
    }
    dirs.set(dir, s.name)
  }
  return undefined
}
