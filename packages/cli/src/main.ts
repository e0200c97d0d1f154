/**
 * Runs the `pretrain` command line on this process's arguments.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { runWith } from "./Cli.ts"

runWith(process.argv.slice(2)).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
