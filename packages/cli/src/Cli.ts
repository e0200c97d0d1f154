/**
 * The `pretrain` command: one binary assembled from the subcommands each package exports.
 *
 * @since 0.1.0
 */
import { Commands as Curation } from "@pretrain/curation"
import { Commands as Dataflow } from "@pretrain/dataflow"
import { Commands as Dedup } from "@pretrain/dedup"
import { Commands as Packing } from "@pretrain/packing"
import { Commands as Scaling } from "@pretrain/scaling"
import { Commands as Synthetic } from "@pretrain/synthetic"
import { Commands as Tokenizer } from "@pretrain/tokenizer"
import { Commands as Trainer } from "@pretrain/trainer"
import { Command } from "effect/cli"
import { reportCommand } from "./Report.ts"

/** @since 0.1.0 */
export const version = "0.1.0"

/** The root command with every package's subcommands. @since 0.1.0 @category commands */
export const pretrain = Command.make("pretrain").pipe(
  Command.withDescription("Build code language models: ingest, curate, deduplicate, tokenize, pack, plan, train"),
  Command.withSubcommands([...Dataflow.commands, ...Curation.commands, ...Dedup.commands, ...Tokenizer.commands, ...Packing.commands, ...Scaling.commands, ...Trainer.commands, ...Synthetic.commands, reportCommand])
)

/** Run the CLI with explicit arguments (without the program name). @since 0.1.0 @category running */
export const runWith = Command.runWith(pretrain, { version })
