/**
 * The `Tokenize` operator on worker threads against what this machine can do in parallel at all.
 * Input: the held-out Docs (real code from node_modules) `BENCH_REPEATS` times (default 20, 60 MB),
 * cl100k_base. Each round, interleaved so that load from other jobs hits every configuration alike:
 *
 * - the ceiling: the single-thread encoder in a child process alone, then in two child processes
 *   at once (same input): their MB per CPU-second against one process alone is what "linear" can
 *   mean on this machine (shared caches, memory bandwidth, a hypervisor), and their combined wall
 *   rate against one process is the best two-way speed-up;
 * - the single-thread encoder in this thread (`process.threadCpuUsage()`), fresh from a snapshot;
 * - the operator with 1 and 2 workers (more on larger machines), `as: "typed"` and `as: "array"`:
 *   wall MB/s and speed-up over the single thread; MB per CPU-second of the workers over their whole
 *   life (`worker.cpuUsage()`: start, tokenizer restore, receiving, encoding, sending) and without
 *   their start (`Usage.workerStartCpuSeconds`); the stream thread's CPU share (what it spends
 *   packing texts and building Docs, out of all CPU the operator used).
 *
 * Ours runs from `dist` when the package is built (the workers then load JavaScript, as users run
 * it), else from `src`. Run under `flock` on a machine shared with other jobs.
 * Run: `npm run bench -w @pretrain/tokenizer` (BENCH_SCALING_ROUNDS, default 3).
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Stream } from "effect"
import { corpus, fmt } from "./corpus.ts"

const built = fs.existsSync(new URL("../dist/index.js", import.meta.url))
const { Tokenize, Tokenizer }: typeof import("../src/index.ts") = await import(built ? "../dist/index.js" : "../src/index.ts")

process.env.BENCH_TRAIN_MB = "0"
const repeats = Number(process.env.BENCH_REPEATS ?? 20)
const { heldOut, heldOutBytes } = corpus()
const docs = Array.from({ length: repeats }, () => heldOut.map((content) => ({ content }))).flat()
const docMB = (repeats * heldOutBytes) / 1e6
const cpuSeconds = (u: { user: number; system: number }) => (u.user + u.system) / 1e6
const median = (xs: ReadonlyArray<number>) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)]!

interface Run { wall: number; cpu: number }

/** One untimed pass over the held-out text (JIT), then the timed pass over all Docs, in this thread. */
const encodeHere = (tokenizer: InstanceType<typeof Tokenizer>, warm: boolean): Run => {
  if (warm) for (const d of heldOut) tokenizer.encode(d)
  const t0 = performance.now()
  const c0 = process.threadCpuUsage()
  for (const d of docs) tokenizer.encode(d.content)
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(process.threadCpuUsage(c0)) }
}

const [, , mode, childFile] = process.argv
if (mode === "--child") {
  // A separate process: load the tokenizer, warm up, encode, report.
  console.log(JSON.stringify(encodeHere(Tokenizer.fromFileSync(childFile!), true)))
  process.exit(0)
}

const { cl100kTokenizer } = await import("./cl100k.ts")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenizer-scaling-"))
const file = path.join(dir, "cl100k.json")
cl100kTokenizer().saveSync(file)
const tokenizer = Tokenizer.fromFileSync(file)
const snapshot = tokenizer.snapshot()
const child = () =>
  new Promise<Run>((resolve, reject) =>
    execFile(process.execPath, [import.meta.filename, "--child", file], { maxBuffer: 1 << 20 }, (e, out) => (e ? reject(e) : resolve(JSON.parse(out.trim().split("\n").pop()!))))
  )

const rounds = Number(process.env.BENCH_SCALING_ROUNDS ?? 3)
const cores = os.availableParallelism()
const workerCounts = [1, 2, ...(cores > 3 ? [Math.min(cores - 1, 8)] : [])]
const modes = ["typed", "array"] as const
interface Sample { wall: number; streamCpu: number; workerCpu: number; startCpu: number }
const alone: Array<Run> = []
const pair: Array<{ wall: number; cpu: number }> = []
const reference: Array<Run> = []
const samples = new Map<string, Array<Sample>>()
const warmed = Tokenizer.fromSnapshot(snapshot)
for (const d of heldOut) warmed.encode(d)
for (let r = 0; r < rounds; r++) {
  alone.push(await child())
  const [a, b] = await Promise.all([child(), child()])
  pair.push({ wall: Math.max(a!.wall, b!.wall), cpu: (a!.cpu + b!.cpu) / 2 })
  reference.push(encodeHere(Tokenizer.fromSnapshot(snapshot), false))
  for (const as of modes) {
    for (const workers of workerCounts) {
      const usage = Tokenize.usage()
      const start = performance.now()
      const m0 = process.threadCpuUsage()
      await Effect.runPromise(Stream.runDrain(Stream.fromIterable(docs).pipe(Tokenize.tokenize(tokenizer, { workers, as, usage }))))
      const key = `${as}/${workers}`
      if (!samples.has(key)) samples.set(key, [])
      samples.get(key)!.push({
        wall: (performance.now() - start) / 1000,
        streamCpu: cpuSeconds(process.threadCpuUsage(m0)),
        workerCpu: usage.workerCpuSeconds.reduce((x, y) => x + y, 0),
        startCpu: usage.workerStartCpuSeconds.reduce((x, y) => x + y, 0)
      })
    }
  }
}

const load = () => os.loadavg().map((x) => fmt(x)).join(" ")
console.log(`Tokenize on worker threads: ${fmt(docMB)} MB of Docs (${docs.length}), cl100k_base, ours from ${built ? "dist" : "src"}; medians of ${rounds} rounds; ${cores} cores; load average ${load()}`)
const aloneCpuRate = docMB / median(alone.map((x) => x.cpu))
const pairCpuRate = docMB / median(pair.map((x) => x.cpu))
const aloneWall = docMB / median(alone.map((x) => x.wall))
const pairWall = (2 * docMB) / median(pair.map((x) => x.wall))
console.log(
  `ceiling, single-thread encoder in separate processes: 1 process ${fmt(aloneWall)} MB/s wall, ${fmt(aloneCpuRate)} MB per CPU-s; ` +
    `2 processes at once ${fmt(pairWall)} MB/s wall together (${fmt(pairWall / aloneWall)}x), ${fmt(pairCpuRate)} MB per CPU-s each = ${fmt(pairCpuRate / aloneCpuRate)}x alone`
)
const refWall = docMB / median(reference.map((x) => x.wall))
const refCpuRate = docMB / median(reference.map((x) => x.cpu))
console.log(`single-thread encoder in this thread: ${fmt(refWall)} MB/s wall, ${fmt(refCpuRate)} MB per CPU-s`)
for (const as of modes) {
  for (const workers of workerCounts) {
    const ss = samples.get(`${as}/${workers}`)!
    const wall = docMB / median(ss.map((x) => x.wall))
    const perWorker = docMB / median(ss.map((x) => x.workerCpu))
    const steady = docMB / median(ss.map((x) => x.workerCpu - x.startCpu))
    const streamShare = median(ss.map((x) => x.streamCpu / (x.streamCpu + x.workerCpu)))
    console.log(
      `as ${as.padEnd(5)} ${workers} worker(s): ${fmt(wall).padStart(6)} MB/s wall = ${fmt(wall / refWall)}x the single thread; ` +
        `workers ${fmt(perWorker)} MB per CPU-s = ${fmt(perWorker / refCpuRate)}x (without their start ${fmt(steady / refCpuRate)}x; ` +
        `start ${fmt((1000 * median(ss.map((x) => x.startCpu))) / workers, 0)} ms CPU each); ` +
        `stream thread ${fmt(100 * streamShare, 1)}% of the CPU (${fmt(docMB / median(ss.map((x) => x.streamCpu)), 0)} MB per CPU-s)`
    )
  }
}
console.log(`load average at the end: ${load()}`)
fs.rmSync(dir, { recursive: true, force: true })
