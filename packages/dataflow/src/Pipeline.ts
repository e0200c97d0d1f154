/**
 * A pipeline is a module that names its stages. A stage reads a {@link Source}, applies its steps
 * (any `Stream -> Stream` operators) and writes a {@link Sink}; it runs as `tasks` independent
 * tasks, each over its own shard of the input. Stages run in order with a barrier between them, so
 * a later stage may read an earlier stage's output directory.
 *
 * ```ts
 * // pipeline.ts, run with `pretrain run pipeline.ts --workers 2`
 * import { Jsonl, Operator, Parquet, Pipeline } from "@pretrain/dataflow"
 *
 * export default Pipeline.make("small-files", [
 *   Pipeline.stage({
 *     name: "filter",
 *     tasks: 4,
 *     source: Parquet.source("data/in"),
 *     steps: (docs) => docs.pipe(Operator.filter("too-long", (d) => d.content.length < 100_000)),
 *     sink: Parquet.sink("data/out")
 *   })
 * ])
 * ```
 *
 * @since 0.1.0
 */
import type { Stream } from "effect"
import type { Doc } from "./Doc.ts"
import type { Sink } from "./Sink.ts"
import type { Source, SourceError } from "./Source.ts"

/** @since 0.1.0 @category models */
export interface Stage<A = any, B = any> {
  readonly name: string
  /** Number of independent tasks (shards). Fixed per stage, so outputs do not depend on worker count. */
  readonly tasks: number
  readonly source: Source<A>
  readonly steps: (docs: Stream.Stream<A, SourceError>) => Stream.Stream<B, unknown>
  readonly sink: Sink<B>
  /**
   * Write every dropped record with its reason and operator to `<sink.dir>/rejects/` (JSON Lines
   * compressed with zstd; `Rejects.readSync` reads them back).
   */
  readonly rejects: boolean
}

/** @since 0.1.0 @category models */
export interface Pipeline {
  readonly _tag: "Pipeline"
  readonly name: string
  readonly stages: ReadonlyArray<Stage>
}

/** @since 0.1.0 @category constructors */
export const stage = <A = Doc, B = Doc>(options: {
  readonly name: string
  readonly tasks?: number | undefined
  readonly source: Source<A>
  readonly steps?: ((docs: Stream.Stream<A, SourceError>) => Stream.Stream<B, unknown>) | undefined
  readonly sink: Sink<B>
  readonly rejects?: boolean | undefined
}): Stage<A, B> => {
  if (!/^[A-Za-z0-9_.-]+$/.test(options.name)) throw new TypeError(`stage name must match [A-Za-z0-9_.-]+, got ${JSON.stringify(options.name)}`)
  const tasks = options.tasks ?? 1
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`stage ${options.name}: tasks must be a positive integer, got ${tasks}`)
  return {
    name: options.name,
    tasks,
    source: options.source,
    steps: options.steps ?? ((docs) => docs as unknown as Stream.Stream<B, unknown>),
    sink: options.sink,
    rejects: options.rejects ?? true
  }
}

/** @since 0.1.0 @category constructors */
export const make = (name: string, stages: ReadonlyArray<Stage>): Pipeline => {
  const seen = new Set<string>()
  for (const s of stages) {
    if (seen.has(s.name)) throw new TypeError(`pipeline ${name}: duplicate stage name ${s.name}`)
    seen.add(s.name)
  }
  return { _tag: "Pipeline", name, stages }
}

/** @since 0.1.0 @category guards */
export const isPipeline = (u: unknown): u is Pipeline =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Pipeline"
