/**
 * `pretrain serve --checkpoint DIR [--port 8000] [--host 127.0.0.1] [--model-name NAME] [--truncate-prompts]`: load a
 * checkpoint and serve it with the OpenAI-compatible {@link Server} until interrupted (Ctrl-C
 * closes the server and its connections).
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { Commands } from "@pretrain/dataflow"
import type { Tokenizer } from "@pretrain/tokenizer"
import { Console, Data, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { loadForInference } from "../Inference.ts"
import type { LanguageModel } from "../LanguageModel.ts"
import * as Server from "./Server.ts"

/** What a checkpoint loads into. @since 0.1.0 @category models */
export interface ServableModel {
  readonly model: LanguageModel
  readonly tokenizer: Tokenizer
}

/** Loads a checkpoint directory (synchronously or not). @since 0.1.0 @category models */
export type Loader = (checkpointDir: string) => ServableModel | PromiseLike<ServableModel>

/**
 * The checkpoint could not be loaded.
 *
 * @since 0.1.0 @category errors
 */
export class ModelLoadError extends Data.TaggedError("ModelLoadError")<{
  readonly checkpoint: string
  readonly reason: string
}> {
  override get message() {
    return `cannot load ${this.checkpoint}: ${this.reason}`
  }
}

/** @since 0.1.0 @category models */
export interface ServeArgs {
  readonly checkpoint: string
  readonly port: number
  readonly host: string
  readonly modelName: string
  readonly truncatePrompts: boolean
}

/**
 * Load and serve until interrupted; logs the base URL once listening.
 *
 * @since 0.1.0 @category running
 */
export const serveCheckpoint = (load: Loader, args: ServeArgs): Effect.Effect<never, ModelLoadError | Server.ServerStartError> =>
  Effect.scoped(Effect.gen(function*() {
    const loaded = yield* Effect.tryPromise({
      try: async () => load(args.checkpoint),
      catch: (e) => new ModelLoadError({ checkpoint: args.checkpoint, reason: e instanceof Error ? e.message : String(e) })
    })
    const server = yield* Server.scoped({ ...loaded, port: args.port, host: args.host, modelName: args.modelName, truncatePrompts: args.truncatePrompts })
    yield* Console.log(
      `serving ${args.modelName} (context ${loaded.model.contextLength}, vocabulary ${loaded.model.vocabSize}) at ${server.url} — OpenAI API: /models, /completions, /chat/completions`
    )
    return yield* Effect.never
  }))

/**
 * The `serve` command over a checkpoint loader.
 *
 * @since 0.1.0 @category commands
 */
export const makeServeCommand = (load: Loader) =>
  Command.make(
    "serve",
    {
      checkpoint: Flag.String("checkpoint").pipe(Flag.withDescription("checkpoint directory to serve")),
      port: Flag.Int("port").pipe(Flag.withDescription("TCP port (0 picks a free one)"), Flag.withDefault(8000)),
      host: Flag.String("host").pipe(Flag.withDescription("interface to listen on"), Flag.withDefault("127.0.0.1")),
      modelName: Flag.String("model-name").pipe(Flag.withDescription("the model id clients ask for (default: the checkpoint directory's name)"), Flag.optional),
      truncatePrompts: Flag.Boolean("truncate-prompts").pipe(
        Flag.withDescription("cut prompts longer than the context (keeping the text nearest the completion) instead of refusing them"),
        Flag.withDefault(false)
      )
    },
    (o) =>
      Commands.reportFailure(serveCheckpoint(load, {
        checkpoint: o.checkpoint,
        port: o.port,
        host: o.host,
        modelName: Option.getOrElse(o.modelName, () => path.basename(path.resolve(o.checkpoint))),
        truncatePrompts: o.truncatePrompts
      }))
  ).pipe(Command.withDescription("Serve a checkpoint over an OpenAI-compatible HTTP API (completions, chat, FIM, streaming)"))

/**
 * `pretrain serve`: the trained transformer of a checkpoint (or a run directory's newest
 * checkpoint) with the `tokenizer.json` beside it or in its run directory.
 *
 * @since 0.1.0 @category commands
 */
export const serveCommand = makeServeCommand(loadForInference)
