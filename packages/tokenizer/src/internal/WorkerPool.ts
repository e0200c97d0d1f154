/**
 * A small pool of worker threads answering one request at a time each. `submit` resolves with the
 * reply to that request; requests are queued when every worker is busy.
 */
import { Worker } from "node:worker_threads"

/** URL of a worker module next to this one, `.ts` when running from source, `.js` from dist. */
export const workerUrl = (name: string): URL =>
  new URL(import.meta.url.endsWith(".ts") ? `./${name}.ts` : `./${name}.js`, import.meta.url)

export class WorkerPool<Req extends { readonly id: number }, Rep extends { readonly id: number }> {
  private readonly idle: Array<Worker> = []
  private readonly all: Array<Worker> = []
  private readonly queue: Array<{ req: Req; transfer: ReadonlyArray<ArrayBuffer> }> = []
  private readonly waiting = new Map<number, { resolve: (r: Rep) => void; reject: (e: unknown) => void; worker?: Worker }>()
  private failed: unknown = undefined

  constructor(url: URL, size: number, workerData: unknown, resourceLimits?: { readonly maxYoungGenerationSizeMb?: number }) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, resourceLimits === undefined ? { workerData } : { workerData, resourceLimits })
      worker.on("message", (rep: Rep) => {
        const w = this.waiting.get(rep.id)
        this.waiting.delete(rep.id)
        this.release(worker)
        w?.resolve(rep)
      })
      worker.on("error", (e) => this.fail(e))
      worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`worker exited with code ${code}`))
      })
      this.all.push(worker)
      this.idle.push(worker)
    }
  }

  private fail(e: unknown): void {
    this.failed = e
    for (const w of this.waiting.values()) w.reject(e)
    this.waiting.clear()
  }

  private release(worker: Worker): void {
    const next = this.queue.shift()
    if (next === undefined) this.idle.push(worker)
    else this.send(worker, next.req, next.transfer)
  }

  private send(worker: Worker, req: Req, transfer: ReadonlyArray<ArrayBuffer>): void {
    worker.postMessage(req, transfer as Array<ArrayBuffer>)
  }

  submit(req: Req, transfer: ReadonlyArray<ArrayBuffer> = []): Promise<Rep> {
    if (this.failed !== undefined) return Promise.reject(this.failed)
    return new Promise<Rep>((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject })
      const worker = this.idle.pop()
      if (worker === undefined) this.queue.push({ req, transfer })
      else this.send(worker, req, transfer)
    })
  }

  /** Each worker's thread CPU time over its whole life, in seconds (empty where Node cannot tell). */
  async cpuSeconds(): Promise<Array<number>> {
    if (this.all.length === 0 || typeof this.all[0]!.cpuUsage !== "function") return []
    const usage = await Promise.all(this.all.map((w) => w.cpuUsage().catch(() => undefined)))
    return usage.flatMap((u) => u === undefined ? [] : [(u.user + u.system) / 1e6])
  }

  close(): Promise<void> {
    return Promise.all(this.all.map((w) => w.terminate())).then(() => undefined)
  }
}
