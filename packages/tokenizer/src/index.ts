/**
 * @pretrain/tokenizer: code-aware byte-level BPE training with digit splitting, a fast encoder and
 * Hugging Face tokenizer.json interop.
 *
 * @since 0.1.0
 */
export * as Bpe from "./Bpe.ts"
export * as ByteLevel from "./ByteLevel.ts"
export * as Commands from "./Commands.ts"
export * as Compression from "./Compression.ts"
export * as Demo from "./Demo.ts"
export * from "./Errors.ts"
export * as Inputs from "./Inputs.ts"
export * as ParallelTrain from "./ParallelTrain.ts"
export { PieceCounter } from "./PieceCounter.ts"
export type { CounterOptions, PruneReport } from "./PieceCounter.ts"
export * as PreTokenizer from "./PreTokenizer.ts"
export * as SpecialTokens from "./SpecialTokens.ts"
export * as Tokenize from "./Tokenize.ts"
export { Tokenizer } from "./Tokenizer.ts"
export type { AddedTokenJson, BpeModelJson, DecodeOptions, EncodeOptions, TokenizerJson, TokenizerSnapshot } from "./Tokenizer.ts"
export * as TokenizerFile from "./TokenizerFile.ts"
export * as Trainer from "./Trainer.ts"
