/**
 * A first-in first-out queue that runs one task at a time: requests wait for the model instead of
 * failing, and each generation runs alone on the CPU.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 @category models */
export class Queue {
  private tail: Promise<unknown> = Promise.resolve()
  private queued = 0

  /** Tasks waiting or running. */
  get size(): number {
    return this.queued
  }

  /** Run `task` after every task queued before it has settled; its result or failure is returned. */
  run<A>(task: () => Promise<A>): Promise<A> {
    this.queued++
    const result = this.tail.then(task).finally(() => {
      this.queued--
    })
    this.tail = result.catch(() => undefined)
    return result
  }
}
