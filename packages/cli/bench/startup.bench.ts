/**
 * Start-up cost of the `pretrain` binary (`pretrain --version`, every package's commands loaded)
 * next to a bare `node -e 0` in the same run: what a user pays per CLI call.
 *
 * Run: `npm run bench -w @pretrain/cli` (after `npm run build`).
 */
import { spawnSync } from "node:child_process"
import * as path from "node:path"

const bin = path.resolve(import.meta.dirname, "../dist/bin.js")
const time = (args: ReadonlyArray<string>, runs = 7): number => {
  const samples: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const r = spawnSync(process.execPath, args, { stdio: "ignore" })
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}`)
    samples.push(performance.now() - start)
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

const bare = time(["-e", "0"])
const cli = time([bin, "--version"])
console.log(`node -e 0            ${bare.toFixed(0).padStart(5)} ms`)
console.log(`pretrain --version   ${cli.toFixed(0).padStart(5)} ms  (${(cli / bare).toFixed(1)}x a bare node start)`)
