/**
 * @pretrain/packing: repository-aware formatting (StarCoder2 and StarCoder1 layouts),
 * fill-in-the-middle, sequence packing (concat and best-fit) with document boundaries, and token
 * datasets (Parquet, Megatron-LM `.bin`/`.idx`) with a random-access reader.
 *
 * @since 0.1.0
 */
export * as Commands from "./Commands.ts"
export * as Demo from "./Demo.ts"
export * from "./Errors.ts"
export * as Example from "./Example.ts"
export * as Fim from "./Fim.ts"
export * as Layout from "./Layout.ts"
export * as Megatron from "./Megatron.ts"
export * as Pack from "./Pack.ts"
export * as Packer from "./Packer.ts"
export { Rng } from "./internal/rng.ts"
export * as Settings from "./Settings.ts"
export * as TokenDataset from "./TokenDataset.ts"
export * as Tokens from "./Tokens.ts"
