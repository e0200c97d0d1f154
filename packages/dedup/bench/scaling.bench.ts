/**
 * Scaling of MinHash signatures with worker threads (bigcode 5-grams, 256 permutations), measured
 * so that it means something on a shared machine: besides wall-clock throughput, each worker's own
 * CPU time (`process.threadCpuUsage`), so per-worker throughput (MB per CPU-second of that worker)
 * shows whether adding a worker costs per-document work (cloning, messages, contention) whatever
 * else runs; medians of several runs; the load average is printed before and after.
 *
 * 1. Kernel: each worker gets its shard as one transferred UTF-8 buffer plus offsets (one message
 *    per shard), returns the signatures transferred; workers are started and warmed before timing.
 * 2. The multi-stage `signatures` stage alone through dataflow's executor (`runPipeline` with
 *    `only`; each task reads its own JSONL shard in its worker, no document crosses threads): wall
 *    time of the whole call (worker start-up included), CPU time of the worker threads (process
 *    CPU time less the main thread's) per MB, and the main thread's own CPU time.
 * 3. The whole multi-stage dedup (`MultiStage.run`: signatures, buckets, clustering rounds,
 *    filter): wall time, worker CPU time per MB, and the `signatures` stage's share of the wall time
 *    (from the progress reporter).
 *
 * 1- and 2-worker runs of 2 and 3 alternate, so a neighbour's load shifts both alike.
 *
 * `node bench/scaling.bench.ts` (DEDUP_BENCH_MB: corpus size, default 20, real files repeated past what node_modules holds; DEDUP_BENCH_RUNS: runs, default 5).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { type Progress, runPipeline, type Stats } from "@pretrain/dataflow"
import { Effect } from "effect"
import * as MultiStage from "../src/MultiStage.ts"
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
// past the real code on this machine: further copies, each marked (near-duplicates of the originals,
// the same per-document work for the signature stage)
for (let copy = 1, real = docs.length; bytes < targetMb * 1e6 && real > 0; copy++) {
  for (let i = 0; i < real && bytes < targetMb * 1e6; i++) {
    const d = docs[i]!
    const content = `${d.content}\n// copy ${copy}\n`
    docs.push({ ...d, content, path: `copy-${copy}/${d.path}` })
    bytes += Buffer.byteLength(content)
  }
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

// the multi-stage dedup on the executor: 4 JSONL shards of about equal size
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dedup-scaling-"))
const input = path.join(dir, "in")
fs.mkdirSync(input)
const tasks = 4
{
  let p = 0
  let acc = 0
  let lines: Array<string> = []
  for (const d of docs) {
    lines.push(JSON.stringify(d))
    acc += Buffer.byteLength(d.content)
    if (acc >= ((p + 1) * bytes) / tasks && p < tasks - 1) {
      fs.writeFileSync(path.join(input, `part-${p++}.jsonl`), lines.join("\n") + "\n")
      lines = []
    }
  }
  fs.writeFileSync(path.join(input, `part-${p}.jsonl`), lines.join("\n") + "\n")
}
const params = (workers: number): MultiStage.Params => ({ input, work: path.join(dir, `w${workers}`), out: path.join(dir, `o${workers}`), format: "jsonl", tasks })

/** CPU seconds of the whole process and of the main thread around `f`, and its wall seconds. */
const timed = async <A>(f: () => Promise<A>) => {
  const c = process.cpuUsage()
  const m = process.threadCpuUsage()
  const t = performance.now()
  const value = await f()
  const seconds = (performance.now() - t) / 1000
  const all = process.cpuUsage(c)
  const main = process.threadCpuUsage(m)
  const mainCpu = (main.user + main.system) / 1e6
  return { value, seconds, mainCpu, workerCpu: (all.user + all.system) / 1e6 - mainCpu }
}

/** A reporter recording when each stage started and finished. */
const stageClock = () => {
  const started = new Map<string, number>()
  const took = new Map<string, number>()
  const reporter: Progress.Reporter = {
    stageStarted: (info) => started.set(info.stage, performance.now()),
    taskProgress: () => {},
    taskDone: () => {},
    taskFailed: () => {},
    stageFinished: (stats) => took.set(stats.stage, (performance.now() - started.get(stats.stage)!) / 1000),
    stageFailed: () => {},
    close: () => {}
  }
  return { reporter, took }
}

interface Sample {
  readonly wall: number
  readonly workerMbPerCpu: number
  readonly mainCpu: number
  readonly signatures: number
  /** Wall seconds outside the tasks' own time (worker start-up, set-up, barrier): wall less the tasks' wall time per worker. */
  readonly outside: number
  readonly stages: number
  /** Wall seconds per stage, from the progress reporter. */
  readonly took: ReadonlyMap<string, number>
}

const busy = (stats: Stats.StageStatsJson, workers: number) => stats.perTask.reduce((a, p) => a + p.wallMs, 0) / 1000 / workers

const signatureStage = async (workers: number): Promise<Sample> => {
  const r = await timed(() =>
    Effect.runPromise(runPipeline(path.join(import.meta.dirname, "../src/MultiStage.ts"), { params: params(workers), workers, only: "signatures", force: true, quiet: true }))
  )
  return { wall: r.seconds, workerMbPerCpu: mb / r.workerCpu, mainCpu: r.mainCpu, signatures: r.seconds, outside: r.seconds - busy(r.value.stages[0]!.stats, workers), stages: 1, took: new Map() }
}

const wholeRun = async (workers: number): Promise<Sample> => {
  const clock = stageClock()
  const r = await timed(() => Effect.runPromise(MultiStage.run(params(workers), { workers, force: true, reporter: clock.reporter })))
  const outside = r.seconds - r.value.stages.reduce((a, s) => a + busy(s.stats, Math.min(workers, s.ran.length)), 0)
  return { wall: r.seconds, workerMbPerCpu: mb / r.workerCpu, mainCpu: r.mainCpu, signatures: clock.took.get("signatures")!, outside, stages: r.value.stages.length, took: clock.took }
}

const alternate = async (measure: (workers: number) => Promise<Sample>) => {
  await measure(1) // warm-up: the main thread imports the pipeline module once
  const one: Array<Sample> = []
  const two: Array<Sample> = []
  for (let r = 0; r < runs; r++) {
    one.push(await measure(1))
    two.push(await measure(2))
  }
  const pick = (xs: ReadonlyArray<Sample>) => ({
    wall: median(xs.map((x) => x.wall)),
    workerMbPerCpu: median(xs.map((x) => x.workerMbPerCpu)),
    mainCpu: median(xs.map((x) => x.mainCpu)),
    signatures: median(xs.map((x) => x.signatures)),
    outside: median(xs.map((x) => x.outside)),
    stages: xs[0]!.stages,
    took: [...xs[0]!.took.keys()].map((stage) => [stage, median(xs.map((x) => x.took.get(stage) ?? 0))] as const),
    speedups: xs === two ? one.map((o, i) => o.wall / two[i]!.wall) : []
  })
  return { one: pick(one), two: pick(two) }
}

const report = (title: string, s: Awaited<ReturnType<typeof alternate>>, withSignatures: boolean) => {
  console.log(`${title} (${s.one.stages} stage${s.one.stages > 1 ? "s" : ""}, ${tasks} tasks per data stage; medians of ${runs})`)
  for (const [w, x] of [[1, s.one], [2, s.two]] as const) {
    console.log(
      `  ${w} worker${w > 1 ? "s" : " "}: ${x.wall.toFixed(2)} s wall, ${(mb / x.wall).toFixed(2)} MB/s (${(x.wall - x.outside).toFixed(2)} s in tasks, ${x.outside.toFixed(2)} s outside: start-up, set-up, barriers); ` +
        `worker threads ${x.workerMbPerCpu.toFixed(2)} MB per CPU-second; main thread ${x.mainCpu.toFixed(2)} CPU-s` +
        (withSignatures ? `; signatures stage ${x.signatures.toFixed(2)} s` : "")
    )
  }
  console.log(
    `  speed-up with 2 workers: x${(s.one.wall / s.two.wall).toFixed(2)} wall (per pair: ${s.two.speedups.map((x) => x.toFixed(2)).join(", ")}); ` +
      `over the tasks' own time x${((s.one.wall - s.one.outside) / (s.two.wall - s.two.outside)).toFixed(2)}; ` +
      `per-worker MB per CPU-second ${(100 * s.two.workerMbPerCpu / s.one.workerMbPerCpu).toFixed(0)}% of 1 worker's` +
      (withSignatures ? `; signatures stage x${(s.one.signatures / s.two.signatures).toFixed(2)}` : "")
  )
  if (withSignatures) {
    console.log(`  seconds per stage, 1 / 2 workers: ${s.one.took.map(([stage, t], i) => `${stage} ${t.toFixed(2)}/${(s.two.took[i]?.[1] ?? 0).toFixed(2)}`).join(", ")}`)
  }
}

report("signatures stage alone (runPipeline, only: signatures; JSONL read + shingle + sign + sorted spill files)", await alternate(signatureStage), false)
report("whole multi-stage dedup (MultiStage.run)", await alternate(wholeRun), true)
console.log(`load average after: ${load()}`)
fs.rmSync(dir, { recursive: true, force: true })
