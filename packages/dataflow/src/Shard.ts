/**
 * Which part of the input a task reads: task `rank` of `world` tasks. Sources split their inputs
 * into ordered units (files, then Parquet row groups) and give each task a contiguous block, so the
 * assignment depends only on the inputs and the task count, never on how many workers run them.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 @category models */
export interface Shard {
  readonly rank: number
  readonly world: number
}

/** The whole input as one task. @since 0.1.0 @category constructors */
export const whole: Shard = { rank: 0, world: 1 }

/**
 * The contiguous block `[start, end)` of `count` ordered units that task `rank` of `world` owns.
 * Blocks differ in size by at most one unit and cover every unit exactly once.
 *
 * @since 0.1.0 @category combinators
 */
export const range = (count: number, shard: Shard): readonly [start: number, end: number] => {
  validate(shard)
  return [Math.floor((shard.rank * count) / shard.world), Math.floor(((shard.rank + 1) * count) / shard.world)]
}

/**
 * The units that task `rank` of `world` owns, in input order.
 *
 * @since 0.1.0 @category combinators
 */
export const pick = <A>(units: ReadonlyArray<A>, shard: Shard): ReadonlyArray<A> => {
  const [start, end] = range(units.length, shard)
  return units.slice(start, end)
}

/** @since 0.1.0 @category guards */
export const validate = (shard: Shard): void => {
  if (!Number.isInteger(shard.world) || shard.world < 1) throw new RangeError(`world size must be >= 1, got ${shard.world}`)
  if (!Number.isInteger(shard.rank) || shard.rank < 0 || shard.rank >= shard.world) {
    throw new RangeError(`rank must be in [0, ${shard.world}), got ${shard.rank}`)
  }
}
