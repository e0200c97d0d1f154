/**
 * Reading side of `pretrain ingest node_modules`: the workspace's real node_modules through
 * `NodeModules.source`, single-threaded, no sink. Prints MB/s of content and files/s (median of 3
 * runs after a warm-up run), for the whole tree as one task and as 4 shards read one after the
 * other (each shard lists the packages again, as each task does), plus the listing cost alone.
 *
 * Run: `cd packages/dataflow && npx node bench/ingest.bench.ts [node_modules dir]`
 */
import { Effect, Stream } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { NodeModules, Stats } from "../src/index.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = process.argv[2] ?? path.resolve(here, "../../../node_modules")

interface Figures {
  readonly docs: number
  readonly bytes: number
  readonly ms: number
  readonly drops: Record<string, number>
}

const readAll = (world: number): Promise<Figures> => {
  const source = NodeModules.source(root)
  const stats = new Stats.TaskStats()
  let docs = 0
  let bytes = 0
  const one = (rank: number) =>
    source.read({ rank, world }).pipe(
      Stream.runForEachArray((chunk) =>
        Effect.sync(() => {
          docs += chunk.length
          for (let i = 0; i < chunk.length; i++) bytes += chunk[i]!.length_bytes as number
        })
      )
    )
  const start = performance.now()
  return Effect.runPromise(
    Effect.forEach(Array.from({ length: world }, (_, r) => r), one, { discard: true }).pipe(
      Effect.provideService(Stats.Telemetry, stats)
    )
  ).then(() => ({ docs, bytes, ms: performance.now() - start, drops: { ...stats.drops } }))
}

const report = (label: string, f: Figures) => {
  const s = f.ms / 1000
  console.log(
    `${label.padEnd(28)} ${f.docs.toString().padStart(6)} files  ${(f.bytes / 1e6).toFixed(1).padStart(6)} MB  ` +
      `${f.ms.toFixed(0).padStart(5)} ms  ${(f.bytes / 1e6 / s).toFixed(0).padStart(5)} MB/s  ` +
      `${(f.docs / s).toFixed(0).padStart(6)} files/s`
  )
}

const listStart = performance.now()
const pkgs = NodeModules.listPackages(root)
const listMs = performance.now() - listStart
console.log(`node_modules: ${root}`)
console.log(`listPackages: ${pkgs.length} packages in ${listMs.toFixed(1)} ms`)

/** Median of `runs` timed runs, after one untimed run that warms the page cache and the JIT. */
const median = async (world: number, runs = 3): Promise<Figures> => {
  await readAll(world)
  const all: Array<Figures> = []
  for (let i = 0; i < runs; i++) all.push(await readAll(world))
  return all.sort((a, b) => a.ms - b.ms)[Math.floor(runs / 2)]!
}

const whole = await median(1)
report("NodeModules.source, 1 task", whole)
report("NodeModules.source, 4 shards", await median(4))
console.log(`skipped: ${JSON.stringify(whole.drops)}`)

// End to end: `pretrain ingest node_modules` (8 tasks on 2 worker threads, reading + ZSTD Parquet),
// the end-to-end ingest rate (goal: 50 MB/s). Median of 3 forced runs after a warm-up.
const { runPipeline } = await import("../src/Run.ts")
const ingestModule = path.resolve(here, "../src/commands/IngestPipeline.ts")
const fs = await import("node:fs")
const os = await import("node:os")
const out = fs.mkdtempSync(path.join(os.tmpdir(), "ingest-bench-"))
const goalMBs = 50
const ingestOnce = async () => {
  const start = performance.now()
  const r = await Effect.runPromise(runPipeline(ingestModule, { params: { input: root, out, tasks: 8 }, workers: 2, force: true, quiet: true }))
  const stats = r.stages[0]!.stats
  return { ms: performance.now() - start, bytes: stats.bytesOut, docs: stats.docsOut }
}
await ingestOnce()
const runs = [await ingestOnce(), await ingestOnce(), await ingestOnce()].sort((a, b) => a.ms - b.ms)
const mid = runs[1]!
const mbs = mid.bytes / 1e6 / (mid.ms / 1000)
const parquetBytes = fs.readdirSync(out).filter((f) => f.endsWith(".parquet")).reduce((a, f) => a + fs.statSync(path.join(out, f)).size, 0)
console.log(
  `pretrain ingest (2 workers)   ${String(mid.docs).padStart(6)} files  ${(mid.bytes / 1e6).toFixed(1).padStart(6)} MB  ` +
    `${mid.ms.toFixed(0).padStart(5)} ms  ${mbs.toFixed(0).padStart(5)} MB/s  (goal ${goalMBs} MB/s: ${(mbs / goalMBs).toFixed(2)}x)  ` +
    `Parquet ${(parquetBytes / 1e6).toFixed(1)} MB`
)
fs.rmSync(out, { recursive: true, force: true })
