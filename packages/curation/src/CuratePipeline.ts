/**
 * The pipeline behind `pretrain curate`: one stage reading any dataset (Parquet, JSONL, Arrow),
 * running the curation chain and writing Parquet (or JSONL), with every dropped file in
 * `<out>/rejects/`. Exported as a function of JSON parameters so every worker thread rebuilds it.
 *
 * @since 0.1.0
 */
import { Input, InputNotFound, Parquet, Pipeline } from "@pretrain/dataflow"
import * as Curate from "./Curate.ts"

/** @since 0.1.0 @category models */
export interface CurateParams {
  readonly input: string
  readonly out: string
  /** A partial or complete config (what `curate.json` holds), resolved against `configDir`. */
  readonly config?: unknown
  readonly configFile?: string | undefined
  readonly configDir?: string | undefined
  readonly format?: "parquet" | "jsonl" | undefined
  readonly tasks?: number | undefined
  /** Column mapping of a Parquet input (`stack-v1` reads The Stack v1 shards as published). */
  readonly mapping?: "doc" | "stack-v1" | "stack-v2" | undefined
  /** Input format; by default from the input's extensions, or Parquet for an input an earlier stage has yet to write. */
  readonly inputFormat?: Input.Format | undefined
}

/**
 * The source of a curation stage. An input that does not exist yet (an earlier stage's output, in a
 * multi-stage pipeline built before it runs) is read as Parquet, the stages' default output.
 */
const sourceOf = (params: CurateParams) => {
  if (params.mapping !== undefined) return Parquet.source(params.input, { mapping: params.mapping })
  let format = params.inputFormat
  if (format === undefined) {
    try {
      format = Input.detectFormat(params.input)
    } catch (e) {
      if (!(e instanceof InputNotFound)) throw e
      format = "parquet"
    }
  }
  return Input.source(params.input, { format })
}

/** Default task count. @since 0.1.0 @category constants */
export const defaultTasks = 8

/**
 * The curation stage: a `Pipeline.stage` over `input` writing to `out`.
 *
 * @since 0.1.0 @category constructors
 */
export const curateStage = (params: CurateParams & { readonly name?: string | undefined }): Pipeline.Stage => {
  const config = Curate.resolve(params.config ?? {}, {
    ...(params.configFile === undefined ? {} : { file: params.configFile }),
    ...(params.configDir === undefined ? {} : { baseDir: params.configDir })
  })
  return Pipeline.stage({
    name: params.name ?? "curate",
    tasks: params.tasks ?? defaultTasks,
    source: sourceOf(params),
    steps: Curate.steps(config),
    sink: Input.sink(params.out, params.format ?? "parquet"),
    rejects: true
  })
}

/** @since 0.1.0 @category constructors */
export const curatePipeline = (params: CurateParams): Pipeline.Pipeline => Pipeline.make("curate", [curateStage(params)])

export default curatePipeline
