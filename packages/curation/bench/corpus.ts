/**
 * The benchmarks' corpus: the workspace's node_modules ingested with `pretrain ingest`'s pipeline
 * (one Doc per file, provenance and licenses from each package.json) into a temporary Parquet dataset.
 */
import { Commands, Parquet, runPipeline } from "@pretrain/dataflow"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

/** The node_modules directory: the first non-flag argument, else the workspace's. */
export const nodeModulesArg = (args: ReadonlyArray<string>, valueFlags: ReadonlyArray<string> = []): string =>
  args.find((a, i) => !a.startsWith("--") && !valueFlags.includes(args[i - 1] ?? "")) ?? path.resolve(here, "../../../node_modules")

/** Ingest `root` into a fresh temporary directory; `corpus` holds the Parquet parts. */
export const ingest = async (root: string): Promise<{ readonly work: string; readonly corpus: string }> => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "curate-bench-"))
  const corpus = path.join(work, "corpus")
  console.log(`node_modules: ${root}`)
  const t0 = performance.now()
  await Effect.runPromise(runPipeline(Commands.ingestPipeline({ input: root, out: corpus, tasks: 1 }), { workers: 0, quiet: true }))
  console.log(`ingested into ${corpus} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  return { work, corpus }
}

/** One ingested file. */
export interface CorpusFile {
  readonly repo: string
  readonly path: string
  readonly content: string
}

/** Every file of an ingested corpus. */
export const readCorpus = (corpus: string): Array<CorpusFile> =>
  fs.readdirSync(corpus).filter((f) => f.endsWith(".parquet")).flatMap((f) =>
    Parquet.readFileSync(path.join(corpus, f)).map((row) => ({ repo: String(row.repo_name), path: String(row.path), content: row.content as string }))
  )

/** The JS/TS files under 200,000 characters: the hosts that PII and benchmark strings are planted into. */
export const isPlantHost = (f: CorpusFile): boolean => /\.(?:[cm]?js|ts)$/.test(f.path) && f.content.length < 200_000
