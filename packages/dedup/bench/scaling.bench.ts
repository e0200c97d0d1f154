/**
 * Scaling of MinHash signatures with worker threads (bigcode 5-grams, 256 permutations), measured
 * so that it means something on a shared machine: besides wall-clock throughput, each worker's own
 * CPU time (`process.threadCpuUsage`), so per-worker throughput (MB per CPU-second of that worker)
 * shows whether adding a worker costs per-document work (cloning, messages, contention) whatever
 * else runs; medians of several runs; the load average is printed before and after.
 *
 * 1. Kernel: each worker gets its shard as one transferred UTF-8 buffer plus offsets (one message
 *    per shard), returns the signatures transferred; workers are started and warmed before timing.
 * 2. The multi-stage `signatures` stage through dataflow's executor (each task reads its own JSONL
 *    shard in its worker; no document crosses threads): wall time, and CPU time of the whole
 *    process (every thread) per MB.
 *
 * `node bench/scaling.bench.ts` (DEDUP_BENCH_MB: corpus size, default 20; DEDUP_BENCH_RUNS: runs, default 5).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { runPipeline } from "@pretrain/dataflow"
import { Effect } from "effect"
import { realCode } from "../test/support/corpus.ts"

const targetMb = Number(process.env.DEDUP_BENCH_MB ?? 20)
const runs = Number(process.env.DEDUP_BENCH_RUNS ?? 5)
const docs: Array<{ content: string; repo_name: string; path: string }> = []
let bytes = 0
for (const d of realCode(100_000, { minBytes: 200, maxBytes: 200_000 })) {
  if (bytes >= targetMb * 1e6) break
  docs.push(d)
  bytes += Buffer.byteLength(d.content)
}
const mb = bytes / 1e6
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(", ")
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`corpus: ${docs.length} files, ${mb.toFixed(1)} MB; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? "cpu"}); load average ${load()}`)

/** One shard as one buffer: UTF-8 texts back to back, and offsets. */
const shard = (part: ReadonlyArray<{ content: string }>) => {
  const encoded = part.map((d) => Buffer.from(d.content))
  const offsets = new Uint32Array(part.length + 1)
  for (let i = 0; i < part.length; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length
  const text = new Uint8Array(offsets[part.length]!)
  encoded.forEach((b, i) => text.set(b, offsets[i]!))
  return { text, offsets }
}

interface Done {
  readonly signatures: Uint32Array
  readonly cpuSeconds: number
  readonly seconds: number
}

const kernel = async (workers: number) => {
  const pool = Array.from({ length: workers }, () => new Worker(new URL("./support/sign-worker.ts", import.meta.url)))
  const job = (w: Worker, part: ReadonlyArray<{ content: string }>) =>
    new Promise<Done>((resolve, reject) => {
      const s = shard(part)
      w.once("message", resolve)
      w.once("error", reject)
      w.postMessage(s, [s.text.buffer, s.offsets.buffer])
    })
  await Promise.all(pool.map((w) => job(w, docs.slice(0, 200)))) // start and warm up
  const wall: Array<number> = []
  const perWorker: Array<number> = []
  const cpu: Array<number> = []
  for (let r = 0; r < runs; r++) {
    const parts = pool.map((_, k) => docs.slice(Math.floor((k * docs.length) / workers), Math.floor(((k + 1) * docs.length) / workers)))
    const partMb = parts.map((p) => p.reduce((a, d) => a + Buffer.byteLength(d.content), 0) / 1e6)
    const t = performance.now()
    const done = await Promise.all(pool.map((w, k) => job(w, parts[k]!)))
    wall.push(mb / ((performance.now() - t) / 1000))
    done.forEach((d, k) => perWorker.push(partMb[k]! / d.cpuSeconds))
    cpu.push(done.reduce((a, d) => a + d.cpuSeconds, 0))
  }
  await Promise.all(pool.map((w) => w.terminate()))
  return { wall: median(wall), perWorker: median(perWorker), cpu: median(cpu) }
}

const k1 = await kernel(1)
const k2 = await kernel(2)
console.log(`kernel, 1 worker:  ${k1.wall.toFixed(2)} MB/s wall; per worker ${k1.perWorker.toFixed(2)} MB per CPU-second; ${k1.cpu.toFixed(2)} CPU-s in all (median of ${runs})`)
console.log(`kernel, 2 workers: ${k2.wall.toFixed(2)} MB/s wall (x${(k2.wall / k1.wall).toFixed(2)}); per worker ${k2.perWorker.toFixed(2)} MB per CPU-second (${(100 * k2.perWorker / k1.perWorker).toFixed(0)}% of 1 worker's); ${k2.cpu.toFixed(2)} CPU-s in all`)
console.log(`  capacity with a free core per worker: 2 x ${k2.perWorker.toFixed(2)} = ${(2 * k2.perWorker).toFixed(2)} MB/s (x${((2 * k2.perWorker) / k1.perWorker).toFixed(2)} of 1 worker)`)

// the multi-stage signature stage on the executor: 4 tasks over JSONL shards
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dedup-scaling-"))
const input = path.join(dir, "in")
fs.mkdirSync(input)
const tasks = 4
for (let p = 0; p < tasks; p++) {
  const slice = docs.slice(Math.floor((p * docs.length) / tasks), Math.floor(((p + 1) * docs.length) / tasks))
  fs.writeFileSync(path.join(input, `part-${p}.jsonl`), slice.map((d) => JSON.stringify(d)).join("\n") + "\n")
}
const stage = async (workers: number) => {
  const wall: Array<number> = []
  const cpu: Array<number> = []
  const tasksWall: Array<number> = []
  const startup: Array<number> = []
  for (let r = 0; r < Math.max(1, Math.ceil(runs / 2)); r++) {
    const c = process.cpuUsage()
    const t = performance.now()
    const result = await Effect.runPromise(runPipeline(path.join(import.meta.dirname, "../src/MultiStage.ts"), {
      params: { input, work: path.join(dir, `w${workers}`), out: path.join(dir, `o${workers}`), tasks },
      workers,
      only: "signatures",
      force: true,
      quiet: true
    }))
    const u = process.cpuUsage(c)
    wall.push(mb / ((performance.now() - t) / 1000))
    cpu.push((u.user + u.system) / 1e6)
    // steady state: the tasks' own wall time (worker start-up and the barrier left out)
    const stats = result.stages[0]!.stats
    const busy = stats.perTask.reduce((a, p) => a + p.wallMs, 0) / 1000 / workers
    tasksWall.push(mb / busy)
    startup.push((performance.now() - t) / 1000 - busy)
  }
  return { wall: median(wall), cpu: median(cpu), tasks: median(tasksWall), startup: median(startup) }
}
const s1 = await stage(1)
const s2 = await stage(2)
const show = (w: number, s: typeof s1) =>
  console.log(
    `signatures stage (JSONL read + shingle + sign + sorted spill files, ${tasks} tasks), ${w} worker${w > 1 ? "s" : ""}: ${s.wall.toFixed(2)} MB/s wall` +
      (w > 1 ? ` (x${(s.wall / s1.wall).toFixed(2)})` : "") +
      `, ${s.tasks.toFixed(2)} MB/s over the tasks' own time; ${s.startup.toFixed(2)} s outside the tasks (worker start-up, set-up, barrier); ` +
      `${s.cpu.toFixed(2)} CPU-s, all threads (${(mb / s.cpu).toFixed(2)} MB per CPU-second)`
  )
show(1, s1)
show(2, s2)
console.log(`load average after: ${load()}`)
fs.rmSync(dir, { recursive: true, force: true })
