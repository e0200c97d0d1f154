/**
 * `pretrain sample --checkpoint DIR --prompt TEXT [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]`
 */
import { Commands } from "@pretrain/dataflow"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Generate from "../Generate.ts"
import { loadForInference } from "../Inference.ts"

/** @since 0.1.0 @category commands */
export const sampleCommand = Command.make(
  "sample",
  {
    checkpoint: Flag.String("checkpoint").pipe(Flag.withDescription("a checkpoint directory or a run directory (its newest checkpoint)")),
    prompt: Flag.String("prompt").pipe(Flag.withDescription("text to continue")),
    maxTokens: Flag.Int("max-tokens").pipe(Flag.withDescription("most tokens to generate (default 64)"), Flag.withDefault(64)),
    temperature: Flag.Finite("temperature").pipe(Flag.withDescription("sampling temperature, 0 = greedy (default 0.8)"), Flag.withDefault(0.8)),
    topK: Flag.Int("top-k").pipe(Flag.withDescription("keep the K most likely tokens"), Flag.optional),
    topP: Flag.Finite("top-p").pipe(Flag.withDescription("nucleus sampling mass"), Flag.optional),
    seed: Flag.Int("seed").pipe(Flag.withDescription("sampling seed (default 0)"), Flag.withDefault(0))
  },
  (o) =>
    Commands.reportFailure(
      Effect.gen(function*() {
        const { model, tokenizer } = yield* Effect.try({ try: () => loadForInference(o.checkpoint), catch: (e) => e })
        const completion = yield* Effect.try({
          try: () =>
            Generate.generate(model, tokenizer, o.prompt, {
              maxTokens: o.maxTokens,
              temperature: o.temperature,
              topK: Option.getOrUndefined(o.topK),
              topP: Option.getOrUndefined(o.topP),
              seed: o.seed
            }),
          catch: (e) => e
        })
        yield* Console.log(o.prompt + completion.text)
      })
    )
).pipe(Command.withDescription("Continue a prompt with a trained checkpoint"))
