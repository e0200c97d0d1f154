/**
 * @pretrain/cli: the `pretrain` binary.
 *
 * @since 0.1.0
 */
export * from "./Cli.ts"
export * as Report from "./Report.ts"
