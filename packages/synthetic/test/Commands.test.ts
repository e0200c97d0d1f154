import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Checkpoint, Config, Model } from "@pretrain/trainer"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { afterAll, describe, expect, it, vi } from "vitest"
import { commands, synth } from "../src/Commands.ts"
import { tokenizer } from "./fixtures/models.ts"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-commands-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const run = (args: ReadonlyArray<string>) => Effect.runPromise(Command.runWith(synth, { version: "test" })(args).pipe(Effect.provide(NodeServices.layer)))

describe("pretrain synth", () => {
  it("exports the synth command for the CLI", () => {
    expect(commands).toEqual([synth])
  })

  it("oss-instruct on an in-house checkpoint: samples --n requests, rejects unparsable answers with the reason, writes report.json", async () => {
    const tok = tokenizer()
    const checkpoint = path.join(tmp, "nano")
    Checkpoint.writeModel(checkpoint, Model.Model.init(Config.named("gpt2-nano", tok.vocabSize, { contextLength: 512 }), 2))
    tok.saveSync(path.join(checkpoint, "tokenizer.json"))
    const seeds = path.join(tmp, "code")
    fs.mkdirSync(seeds)
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(seeds, `f${i}.py`), `def f${i}(x):\n    return x * ${i}\n`)
    const out = path.join(tmp, "out")
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
    try {
      await run(["oss-instruct", "--backend", `inhouse:${checkpoint}`, "--seeds", seeds, "--out", out, "--n", "3", "--per-seed", "2", "--max-tokens", "4", "--attempts", "1", "--json"])
    } finally {
      log.mockRestore()
    }
    expect(process.exitCode ?? 0).toBe(0)
    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"))
    expect(report).toMatchObject({ generator: "oss-instruct", promptSet: { prompts: 3 }, run: { requests: 3, kept: 0, rejected: { "invalid-output": 3 }, failed: 0 } })
    const rejects = fs.readFileSync(path.join(out, "rejects.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(rejects).toHaveLength(3)
    for (const r of rejects) {
      expect(r.detail).toMatch(/after 1 attempts/)
      expect(r.provenance).toMatchObject({ backend: "in-house nano", model: "nano", template: "oss-instruct@1", params: { maxTokens: 4, seed: 0 } })
    }
  })
})
