/**
 * @pretrain/dedup: exact and MinHash-LSH near-deduplication (one machine or multi-stage), cluster
 * output with survivor ranking, and a membership index.
 *
 * @since 0.1.0
 */
export * as Clusters from "./Clusters.ts"
export * as Dedup from "./Dedup.ts"
export * from "./Errors.ts"
export * as ExactDedup from "./ExactDedup.ts"
export * as LshIndex from "./LshIndex.ts"
export * as LshParams from "./LshParams.ts"
export * as MinHash from "./MinHash.ts"
export * as NearDedup from "./NearDedup.ts"
export * as Operators from "./Operators.ts"
export * as Shingle from "./Shingle.ts"
export * as Survivor from "./Survivor.ts"
export * as UnionFind from "./UnionFind.ts"
export * as Commands from "./Commands.ts"
export * as Demo from "./Demo.ts"
export * as MultiStage from "./MultiStage.ts"
export * as Membership from "./Membership.ts"
