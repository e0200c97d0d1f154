/**
 * Pieces shared by the dataflow subcommands: common flags and turning a typed failure into one
 * readable line on standard error with exit code 1.
 */
import { Console, Effect } from "effect"
import { Flag } from "effect/cli"

/** `--workers N`: worker threads (default: one per core). */
export const workersFlag = Flag.Int("workers").pipe(
  Flag.withDescription("worker threads (default: one per core); outputs do not depend on it"),
  Flag.optional
)

/** `--force`: redo completed work. */
export const forceFlag = Flag.Boolean("force").pipe(
  Flag.withDescription("delete what earlier runs wrote and rerun every task"),
  Flag.withDefault(false)
)

/** `--json`: machine-readable output. */
export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDescription("print JSON"), Flag.withDefault(false))

/** Print a failure's message (typed errors carry file and position) and set exit code 1. */
export const reportFailure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
  effect.pipe(
    Effect.asVoid,
    Effect.catch((error) =>
      Console.error(`error: ${error instanceof Error ? error.message : String(error)}`).pipe(
        Effect.andThen(Effect.sync(() => {
          process.exitCode = 1
        }))
      )
    )
  )

/** JSON with bigint support. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v, 2)
