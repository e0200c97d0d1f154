/**
 * Pieces shared by the tokenizer subcommands.
 */
import { Flag } from "effect/cli"

/** `--tokenizer FILE`. */
export const tokenizerFlag = Flag.String("tokenizer").pipe(Flag.withDescription("a tokenizer.json (ours or any byte-level BPE from HF)"))

/** `--json`. */
export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDescription("print JSON"), Flag.withDefault(false))
