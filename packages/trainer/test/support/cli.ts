/**
 * Runs a `pretrain` command in process for the command tests, capturing what it prints.
 */
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { vi } from "vitest"

/** What a command printed (lines joined) and the exit code it set. */
export interface CommandOutput {
  readonly stdout: string
  readonly stderr: string
  readonly code: number | string | undefined
}

/** Runs `command` on `argv` with Node's services; returns what it printed and the exit code it set. */
export const runCommand = async <const Name extends string, Input, ContextInput, E>(
  command: Command.Command<Name, Input, ContextInput, E, Command.Environment>,
  argv: ReadonlyArray<string>
): Promise<CommandOutput> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void out.push(a.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => void err.push(a.join(" ")))
  process.exitCode = 0
  try {
    await Effect.runPromise(Command.runWith(command, { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
  const code = process.exitCode
  process.exitCode = 0
  return { stdout: out.join("\n"), stderr: err.join("\n"), code }
}
