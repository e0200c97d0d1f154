/**
 * The trainer's commands of the `pretrain` CLI, built with `effect/cli`: `train`, `sample` and `serve`.
 * The `@pretrain/cli` package adds them to the binary.
 *
 * @since 0.1.0
 */
import { sampleCommand } from "./commands/sample.ts"
import { trainCommand } from "./commands/train.ts"
import { serveCommand } from "./serve/Command.ts"

export { runTrain, runTrainAsync } from "./commands/train.ts"

/** @since 0.1.0 @category commands */
export const commands = [trainCommand, sampleCommand, serveCommand] as const
