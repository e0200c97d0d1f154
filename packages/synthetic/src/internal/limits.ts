/**
 * Request pacing shared by the network backends: a concurrency bound and a requests-per-second
 * spacing, applied around one attempt of a request.
 */
import { Effect, Semaphore } from "effect"

/** Wraps effects so that at most `concurrency` run at once and starts are `1 / rps` seconds apart. */
export const limiter = (concurrency: number, requestsPerSecond: number | undefined) => {
  const semaphore = Semaphore.makeUnsafe(Math.max(1, concurrency))
  const spacing = requestsPerSecond === undefined || requestsPerSecond <= 0 ? 0 : 1000 / requestsPerSecond
  let nextSlot = 0
  const pace = spacing === 0
    ? Effect.void
    : Effect.suspend(() => {
      const now = Date.now()
      const at = Math.max(now, nextSlot)
      nextSlot = at + spacing
      return at > now ? Effect.sleep(at - now) : Effect.void
    })
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    semaphore.withPermits(1)(Effect.andThen(pace, effect))
}
