/**
 * Parquet read/write throughput against DuckDB, on the same data in the same run.
 *
 *   cd packages/dataflow && npx node bench/parquet.bench.ts [--mb 60] [--runs 5]
 *
 * Corpus: ~60 MB of real JavaScript/TypeScript from the workspace's node_modules (one repository per
 * installed package, nested ones included, files up to 1 MB, at most 10 MB per package), as rows of
 * `repo_name, path, language, content`. Throughput is MB of `content` (UTF-8) per second; each figure
 * is the median of `--runs` timed runs after one warm-up.
 *
 * - write: DuckDB `COPY t TO ... (FORMAT parquet, COMPRESSION zstd)` from a table already loaded
 *   (its best case; loading it through the appender is shown separately) vs `Parquet.sink` from JS
 *   values (ZSTD level 3).
 * - read: `SELECT * FROM read_parquet(...)` + `getRowObjectsJS()` vs `Parquet.source` collected into
 *   row objects, both on the file DuckDB wrote (and on ours).
 *
 * Goals: reading >= 0.5x and writing >= 0.3x DuckDB.
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Parquet from "../src/Parquet.ts"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const targetMb = arg("mb", 60)
const runs = arg("runs", 5)

const here = path.dirname(fileURLToPath(import.meta.url))
const nodeModules = path.resolve(here, "../../../node_modules")

interface Row {
  repo_name: string
  path: string
  language: string
  content: string
}

const languages: Record<string, string> = {
  ".js": "JavaScript",
  ".mjs": "JavaScript",
  ".cjs": "JavaScript",
  ".ts": "TypeScript",
  ".mts": "TypeScript",
  ".cts": "TypeScript"
}

/** Installed package directories (scoped ones as `@scope/name`, nested `node_modules` too), sorted. */
const packages = (root: string, out: Array<readonly [name: string, dir: string]> = []) => {
  let names: Array<string>
  try {
    names = fs.readdirSync(root).sort()
  } catch {
    return out
  }
  const add = (name: string) => {
    const dir = path.join(root, name)
    out.push([name, dir])
    packages(path.join(dir, "node_modules"), out)
  }
  for (const name of names) {
    if (name.startsWith(".")) continue
    if (name.startsWith("@")) for (const sub of fs.readdirSync(path.join(root, name)).sort()) add(`${name}/${sub}`)
    else add(name)
  }
  return out
}

const buildCorpus = (): { rows: Array<Row>; bytes: number } => {
  const rows: Array<Row> = []
  let bytes = 0
  const target = targetMb * 1e6
  for (const [pkg, pkgDir] of packages(nodeModules)) {
    if (bytes >= target) break
    let pkgBytes = 0
    const walk = (dir: string) => {
      let entries: Array<fs.Dirent>
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true })
      } catch {
        return
      }
      entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
      for (const e of entries) {
        if (bytes >= target || pkgBytes >= 10e6) return
        const full = path.join(dir, e.name)
        if (e.isDirectory()) {
          if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(full)
        } else if (e.isFile()) {
          const language = languages[path.extname(e.name)]
          if (language === undefined) continue
          const size = fs.statSync(full).size
          if (size === 0 || size > 1e6) continue
          const content = fs.readFileSync(full, "utf8")
          const n = Buffer.byteLength(content)
          rows.push({ repo_name: pkg, path: path.relative(pkgDir, full), language, content })
          bytes += n
          pkgBytes += n
        }
      }
    }
    walk(pkgDir)
  }
  return { rows, bytes }
}

const median = (xs: Array<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Median milliseconds of `runs` runs after one warm-up. */
const time = async (label: string, f: () => Promise<unknown>): Promise<number> => {
  await f()
  const times: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await f()
    times.push(performance.now() - t)
  }
  const ms = median(times)
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(0).padStart(5)} MB/s`)
  return ms
}

const t0 = performance.now()
const { rows, bytes } = buildCorpus()
const mb = bytes / 1e6
const repos = new Set(rows.map((r) => r.repo_name)).size
console.log(
  `corpus: ${rows.length} files from ${repos} packages, ${mb.toFixed(1)} MB of content (built in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s); ${os.cpus().length} CPUs, Node ${process.version}, median of ${runs} runs`
)

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pq-bench-"))
const duckFile = path.join(work, "duck.parquet")
const oursDir = path.join(work, "ours")

const db = await DuckDBInstance.create(":memory:")
const con = await db.connect()
await con.run("CREATE TABLE t (repo_name VARCHAR, path VARCHAR, language VARCHAR, content VARCHAR)")

console.log("\nwrite (ZSTD):")
const load = async () => {
  await con.run("DELETE FROM t")
  const appender = await con.createAppender("t")
  for (const r of rows) {
    appender.appendVarchar(r.repo_name)
    appender.appendVarchar(r.path)
    appender.appendVarchar(r.language)
    appender.appendVarchar(r.content)
    appender.endRow()
  }
  appender.closeSync()
}
await time("DuckDB appender (load JS values, not timed in ratio)", load)
const duckWrite = await time("DuckDB COPY TO parquet (zstd)", () =>
  con.run(`COPY t TO '${duckFile}' (FORMAT parquet, COMPRESSION zstd)`))
const sink = Parquet.sink<Row>(oursDir)
const oursWrite = await time("Parquet.sink (zstd)", () => {
  fs.rmSync(oursDir, { recursive: true, force: true })
  return Effect.runPromise(sink.write(Stream.fromIterable(rows), { rank: 0, world: 1 }))
})
const oursFile = path.join(oursDir, "part-00000-0000.parquet")
console.log(
  `  file sizes: DuckDB ${(fs.statSync(duckFile).size / 1e6).toFixed(1)} MB, ours ${
    (fs.statSync(oursFile).size / 1e6).toFixed(1)
  } MB`
)

console.log("\nread into JS row objects:")
const duckRead = async (file: string) => {
  const reader = await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
  const out = reader.getRowObjectsJS()
  if (out.length !== rows.length) throw new Error(`DuckDB read ${out.length} rows`)
}
const oursRead = async (file: string) => {
  const out = await Effect.runPromise(Stream.runCollect(Parquet.source(file).read({ rank: 0, world: 1 })))
  if (out.length !== rows.length) throw new Error(`we read ${out.length} rows`)
}
const duckReadDuck = await time("DuckDB read_parquet (DuckDB's file)", () => duckRead(duckFile))
const oursReadDuck = await time("Parquet.source (DuckDB's file)", () => oursRead(duckFile))
await time("DuckDB read_parquet (our file)", () => duckRead(oursFile))
await time("Parquet.source (our file)", () => oursRead(oursFile))

const writeRatio = duckWrite / oursWrite
const readRatio = duckReadDuck / oursReadDuck
console.log("\nratios (ours / DuckDB throughput):")
console.log(`  write ${writeRatio.toFixed(2)}x (goal >= 0.3x) ${writeRatio >= 0.3 ? "ok" : "BELOW GOAL"}`)
console.log(`  read  ${readRatio.toFixed(2)}x (goal >= 0.5x) ${readRatio >= 0.5 ? "ok" : "BELOW GOAL"}`)

con.closeSync()
db.closeSync()
fs.rmSync(work, { recursive: true, force: true })
