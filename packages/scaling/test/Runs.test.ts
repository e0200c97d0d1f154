import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { Runs, RunsParseError, RunsReadError } from "../src/index.ts"

const failure = (f: () => unknown): RunsParseError => {
  try {
    f()
  } catch (e) {
    if (e instanceof RunsParseError) return e
    throw e
  }
  throw new Error("expected a RunsParseError")
}

describe("Runs", () => {
  it("reads params,tokens,loss with quotes, CRLF and extra columns", () => {
    const runs = Runs.parseRunsCsv("name,params,tokens,loss\r\n\"a, b\",1e8,2e9,3.1\r\nc,2e8,4e9,2.9\r\n")
    expect(runs).toEqual([{ params: 1e8, tokens: 2e9, loss: 3.1 }, { params: 2e8, tokens: 4e9, loss: 2.9 }])
  })

  it("derives tokens from a FLOPs column", () => {
    expect(Runs.parseRunsCsv("N,C,L\n1e9,6e18,2.5\n")).toEqual([{ params: 1e9, tokens: 1e9, loss: 2.5 }])
  })

  it("names the file, line and column of a bad value", () => {
    const e = failure(() => Runs.parseRunsCsv("params,tokens,loss\n1e8,2e9,3.1\n1e8,2e9,x\n", "runs.csv"))
    expect(e.message).toBe("runs.csv, line 3, column loss: expected a positive number, got \"x\"")
    expect(failure(() => Runs.parseRunsCsv("params,tokens,loss\n-1,2e9,3\n", "r.csv")).message).toContain("line 2, column params")
    expect(failure(() => Runs.parseRunsCsv("params,loss\n1,2\n", "r.csv")).message).toContain("line 1: missing column tokens")
    expect(failure(() => Runs.parseRunsCsv("params,tokens,loss\n1e8,2e9\n", "r.csv")).message).toContain("line 2, column loss: row has 2 fields")
    expect(failure(() => Runs.parseRunsCsv("params,tokens,loss\n", "r.csv")).message).toContain("no runs")
  })

  it("reads JSON arrays and { runs }, naming the bad index", () => {
    expect(Runs.parseRunsJson("[{\"params\":1,\"tokens\":2,\"loss\":3}]")).toEqual([{ params: 1, tokens: 2, loss: 3 }])
    expect(Runs.parseRunsJson("{\"runs\":[{\"params\":6,\"flops\":36,\"loss\":3}]}")).toEqual([{ params: 6, tokens: 1, loss: 3 }])
    expect(failure(() => Runs.parseRunsJson("[{\"params\":1,\"tokens\":2}]", "r.json")).message).toBe("r.json, runs[0], column loss: expected a positive number, got undefined")
    expect(failure(() => Runs.parseRunsJson("{", "r.json")).message).toContain("invalid JSON")
  })

  it("readRuns fails with typed errors", () => {
    const missing = Effect.runSyncExit(Runs.readRuns("/nonexistent/runs.csv"))
    expect(Exit.isFailure(missing) && String(missing.cause)).toContain("RunsReadError")
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scaling-runs-"))
    const file = path.join(dir, "bad.csv")
    fs.writeFileSync(file, "params,tokens,loss\n1,2,oops\n")
    const error = Effect.runSync(Effect.flip(Runs.readRuns(file)))
    expect(error).toBeInstanceOf(RunsParseError)
    expect(error.message).toBe(`${file}, line 2, column loss: expected a positive number, got "oops"`)
    expect(Effect.runSync(Effect.flip(Runs.readRuns(dir)))).toBeInstanceOf(RunsReadError)
  })
})
