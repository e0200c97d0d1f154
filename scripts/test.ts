/**
 * `npm test`: build every package (Nx, cached), run every package's vitest suite one project at a
 * time with its output shown, then print one closing line with the totals across packages.
 */
import { spawn } from "node:child_process"

const env = { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", FORCE_COLOR: "0" }
const extra = process.argv.slice(2)

const run = (args: ReadonlyArray<string>, capture: Array<string>): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn("npx", ["nx", ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
    const forward = (stream: NodeJS.WriteStream) => (data: Buffer) => {
      stream.write(data)
      capture.push(data.toString("utf8"))
    }
    child.stdout.on("data", forward(process.stdout))
    child.stderr.on("data", forward(process.stderr))
    child.on("close", (code) => resolve(code ?? 1))
  })

const out: Array<string> = []
const built = await run(["run-many", "-t", "build", "--output-style=static"], out)
if (built !== 0) process.exit(built)
const code = await run(["run-many", "-t", "test", "--parallel=1", "--output-style=static", "--skip-nx-cache", ...extra], out)

// vitest prints "Tests  12 passed | 1 failed (13)" per project
let passed = 0
let failed = 0
let skipped = 0
// eslint-disable-next-line no-control-regex
for (const line of out.join("").replace(/\x1b\[[0-9;]*m/g, "").split("\n")) {
  const m = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line)
  if (m === null) continue
  for (const [, n, kind] of m[1]!.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (kind === "passed") passed += Number(n)
    else if (kind === "failed") failed += Number(n)
    else skipped += Number(n)
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`)
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0)
