/**
 * The execution filter of self-alignment: run a generated solution with its generated tests in a
 * child process and keep the pair only when the process exits 0. Each run gets a fresh temporary
 * directory (its working directory and home, removed afterwards), an environment with nothing but a
 * minimal `PATH` (no proxies, keys or tokens), a wall-clock timeout (the process group is killed),
 * and memory limits:
 *
 * - JavaScript runs on this Node (`process.execPath`) with `--max-old-space-size` and Node's
 *   permission model (`--permission`: reads only in the temporary directory; no writes, child
 *   processes, workers or native addons).
 * - Python runs `python3 -I` with `RLIMIT_AS` set to the limit before the code starts.
 * - For both, the resident set is sampled every 25 ms and the process killed past the limit
 *   (plus the runtime's own baseline).
 *
 * ```ts
 * const verdict = await ExecutionFilter.run("export const add = (a, b) => a + b", "import assert from 'node:assert'\nassert.equal(add(1, 2), 3)")
 * verdict.passed // true
 * ```
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"

/** @since 0.1.0 @category models */
export type Language = "javascript" | "python"

/** @since 0.1.0 @category models */
export interface Options {
  readonly language?: Language | undefined
  /** Wall-clock limit in milliseconds (default 10 000). */
  readonly timeoutMs?: number | undefined
  /** Memory limit in MiB for the program's heap (default 256). */
  readonly memoryMb?: number | undefined
}

/** @since 0.1.0 @category models */
export type Verdict =
  | { readonly passed: true; readonly durationMs: number }
  | { readonly passed: false; readonly reason: "failed" | "timeout" | "memory"; readonly detail: string; readonly durationMs: number }

/** Resident memory the runtime itself needs on top of the program's limit (MiB). */
const BASELINE_MB: Record<Language, number> = { javascript: 96, python: 48 }
const OUTPUT_LIMIT = 16_384

/**
 * The program a solution and its tests become: the solution, then the tests, in one module. A
 * JavaScript solution's `export` keywords are dropped so the tests see its names.
 *
 * @since 0.1.0 @category utils
 */
export const program = (solution: string, tests: string, language: Language): string =>
  language === "javascript"
    ? `${solution.replace(/^export\s+(default\s+)?(?=(async\s+)?(function|const|let|var|class)\b)/gm, "")}\n\n${tests}\n`
    : `${solution}\n\n${tests}\n`

const rssMb = (pid: number): number | undefined => {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
    const m = /VmRSS:\s+(\d+) kB/.exec(status)
    return m === null ? undefined : Number(m[1]) / 1024
  } catch {
    return undefined
  }
}

const MEMORY_MESSAGES = /heap out of memory|Reached heap limit|MemoryError|Cannot allocate memory|Array buffer allocation failed/

/**
 * Runs a program (solution + tests) in a sandboxed child process; resolves to a verdict.
 *
 * @since 0.1.0 @category running
 */
export const runProgram = (code: string, options: Options = {}): Promise<Verdict> => {
  const language = options.language ?? "javascript"
  const timeoutMs = options.timeoutMs ?? 10_000
  const memoryMb = options.memoryMb ?? 256
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-exec-"))
  const file = path.join(dir, language === "javascript" ? "main.mjs" : "main.py")
  fs.writeFileSync(file, code)
  const [command, args] = language === "javascript"
    ? [process.execPath, [`--max-old-space-size=${memoryMb}`, "--permission", `--allow-fs-read=${dir}`, "--disable-warning=ExperimentalWarning", file]]
    : ["python3", ["-I", "-c", `import resource, runpy\nm = ${memoryMb} * 1048576 + ${BASELINE_MB.python} * 1048576\nresource.setrlimit(resource.RLIMIT_AS, (m, m))\nrunpy.run_path(${JSON.stringify(file)}, run_name="__main__")`]]
  const start = performance.now()
  return new Promise<Verdict>((resolve) => {
    const child = spawn(command, args as Array<string>, {
      cwd: dir,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir, TMPDIR: dir, LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let output = ""
    const collect = (b: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += b.toString("utf8")
    }
    child.stdout!.on("data", collect)
    child.stderr!.on("data", collect)
    let killed: "timeout" | "memory" | undefined
    const kill = (why: "timeout" | "memory") => {
      if (killed !== undefined) return
      killed = why
      try {
        process.kill(-child.pid!, "SIGKILL")
      } catch {
        child.kill("SIGKILL")
      }
    }
    const timer = setTimeout(() => kill("timeout"), timeoutMs)
    const rssLimit = memoryMb + BASELINE_MB[language]
    const watch = setInterval(() => {
      const rss = child.pid === undefined ? undefined : rssMb(child.pid)
      if (rss !== undefined && rss > rssLimit) kill("memory")
    }, 25)
    const finish = (verdict: Verdict) => {
      clearTimeout(timer)
      clearInterval(watch)
      fs.rmSync(dir, { recursive: true, force: true })
      resolve(verdict)
    }
    child.on("error", (e) => finish({ passed: false, reason: "failed", detail: `cannot start ${command}: ${e.message}`, durationMs: performance.now() - start }))
    child.on("close", (code, signal) => {
      const durationMs = performance.now() - start
      const detail = output.trim().slice(-2000)
      if (killed === "timeout") finish({ passed: false, reason: "timeout", detail: `killed after ${timeoutMs} ms`, durationMs })
      else if (killed === "memory") finish({ passed: false, reason: "memory", detail: `resident memory over ${rssLimit} MiB`, durationMs })
      else if (code === 0) finish({ passed: true, durationMs })
      else if (MEMORY_MESSAGES.test(output)) finish({ passed: false, reason: "memory", detail, durationMs })
      else finish({ passed: false, reason: "failed", detail: detail === "" ? `exit ${code ?? signal}` : detail, durationMs })
    })
  })
}

/**
 * Runs a solution with its tests; resolves to a verdict.
 *
 * @since 0.1.0 @category running
 */
export const run = (solution: string, tests: string, options: Options = {}): Promise<Verdict> =>
  runProgram(program(solution, tests, options.language ?? "javascript"), options)

/**
 * {@link run} as an Effect.
 *
 * @since 0.1.0 @category running
 */
export const check = (solution: string, tests: string, options: Options = {}): Effect.Effect<Verdict> =>
  Effect.promise(() => run(solution, tests, options))
