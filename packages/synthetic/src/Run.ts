/**
 * Running a set of generation requests resumably. Each {@link Task} has a stable id (a hash of
 * its template, seeds and parameters); tasks whose id is already in the output directory are
 * skipped. The others run with bounded concurrency; each result passes the {@link Gate}
 * (decontamination, then near-dedup) and is appended to `outputs.jsonl` — or, with its reason, to
 * `rejects.jsonl` — as soon as it arrives. A request whose backend fails (after the backend's own
 * retries) is written nowhere and counted as failed, so the next run tries it again.
 *
 * Every record carries its provenance: backend, model, template, seed ids and parameters (the
 * sampling parameters among them).
 *
 * ```ts
 * const report = yield* Run.run(tasks, { out: "out/cosmopedia", concurrency: 8, gate: Gate.make({ benchmarks: ["HumanEval.jsonl.gz"] }) })
 * ```
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"
import { InvalidOutput, LlmError, StoreError } from "./Errors.ts"
import { Gate } from "./Gate.ts"
import { Llm } from "./Llm.ts"
import * as RequestId from "./RequestId.ts"
import { Store, type StoredRecord } from "./Store.ts"

/**
 * A generated output a generator drops itself (unparsable answer, failing tests, ...).
 *
 * @since 0.1.0 @category errors
 */
export class Rejected extends Data.TaggedError("Rejected")<{
  readonly reason: string
  readonly detail: string
  readonly fields?: Readonly<Record<string, unknown>> | undefined
}> {}

/** What a task produces: the text checked by the gate, plus fields written beside it. @since 0.1.0 @category models */
export interface Produced {
  readonly content: string
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  /** The model that answered, when the backend names it. */
  readonly model?: string | undefined
}

/** @since 0.1.0 @category models */
export interface Task {
  readonly id: string
  readonly generator: string
  /** Template name and version (`cosmopedia/blogpost@1`). */
  readonly template: string
  readonly seedIds: ReadonlyArray<string>
  /** Everything else that determines the output (audience, style, sampling, ...). */
  readonly params: Readonly<Record<string, unknown>>
  readonly run: Effect.Effect<Produced, Rejected | InvalidOutput | LlmError, Llm>
}

/**
 * A task with its id computed from template, seed ids and parameters.
 *
 * @since 0.1.0 @category constructors
 */
export const task = (spec: Omit<Task, "id">): Task => ({ ...spec, id: RequestId.make(spec) })

/** @since 0.1.0 @category models */
export interface Options {
  readonly out: string
  /** Tasks in flight at once (default 4). */
  readonly concurrency?: number | undefined
  /** Checks before writing (default: near-dedup only). */
  readonly gate?: Gate | undefined
  /** Called after each record is written. */
  readonly onRecord?: ((sink: "outputs" | "rejects", record: StoredRecord) => void) | undefined
}

/** @since 0.1.0 @category models */
export interface Report {
  /** Distinct requests. */
  readonly requests: number
  /** Done by earlier runs. */
  readonly skipped: number
  readonly kept: number
  /** Rejections by reason. */
  readonly rejected: Readonly<Record<string, number>>
  /** Requests the backend failed (not written; a rerun retries them). */
  readonly failed: number
  /** The first few backend errors. */
  readonly errors: ReadonlyArray<string>
}

/**
 * Run the tasks not yet in `options.out`.
 *
 * @since 0.1.0 @category running
 */
export const run = (tasks: ReadonlyArray<Task>, options: Options): Effect.Effect<Report, StoreError, Llm> =>
  Effect.gen(function*() {
    const llm = yield* Effect.service(Llm)
    const store = yield* Effect.try({ try: () => Store.open(options.out), catch: (e) => e instanceof StoreError ? e : new StoreError({ file: options.out, reason: String(e) }) })
    const gate = options.gate ?? new Gate()
    for (const r of store.previous) if (typeof r.content === "string") gate.remember(r.id, r.content)
    const unique = new Map<string, Task>()
    for (const t of tasks) if (!unique.has(t.id)) unique.set(t.id, t)
    const todo = [...unique.values()].filter((t) => !store.done.has(t.id))
    const rejected: Record<string, number> = {}
    const errors: Array<string> = []
    let kept = 0
    let failed = 0

    const write = (sink: "outputs" | "rejects", record: StoredRecord) =>
      Effect.try({
        try: () => {
          store.append(sink, record)
          options.onRecord?.(sink, record)
        },
        catch: (e) => e instanceof StoreError ? e : new StoreError({ file: options.out, reason: String(e) })
      })
    const provenance = (t: Task, model: string | undefined) => ({
      backend: llm.name,
      model: model ?? llm.model,
      template: t.template,
      seed_ids: t.seedIds,
      params: t.params
    })
    const reject = (t: Task, reason: string, detail: string, fields: Readonly<Record<string, unknown>> = {}, model?: string) => {
      rejected[reason] = (rejected[reason] ?? 0) + 1
      return write("rejects", { id: t.id, generator: t.generator, reason, detail, ...fields, provenance: provenance(t, model) })
    }

    const one = (t: Task): Effect.Effect<void, StoreError, Llm> =>
      t.run.pipe(
        Effect.matchEffect({
          onSuccess: (p) => {
            const drop = gate.check(t.id, p.content)
            if (drop !== undefined) return reject(t, drop.reason, drop.detail, { content: p.content, ...p.fields }, p.model)
            kept++
            return write("outputs", { id: t.id, generator: t.generator, content: p.content, ...p.fields, provenance: provenance(t, p.model) })
          },
          onFailure: (e) => {
            switch (e._tag) {
              case "Rejected":
                return reject(t, e.reason, e.detail, e.fields)
              case "InvalidOutput":
                return reject(t, "invalid-output", `${e.reason} (after ${e.attempts} attempts)`, { last_text: e.lastText.slice(0, 2000) })
              case "LlmError":
                return Effect.sync(() => {
                  failed++
                  if (errors.length < 5) errors.push(e.message)
                })
            }
          }
        })
      )

    yield* Effect.forEach(todo, one, { concurrency: Math.max(1, options.concurrency ?? 4), discard: true }).pipe(
      Effect.ensuring(Effect.sync(() => store.close()))
    )
    return { requests: unique.size, skipped: unique.size - todo.length, kept, rejected, failed, errors }
  })
