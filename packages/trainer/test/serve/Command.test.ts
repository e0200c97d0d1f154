import * as net from "node:net"
import { NodeServices } from "@effect/platform-node"
import { Effect, Fiber } from "effect"
import { Command } from "effect/cli"
import OpenAI from "openai"
import { afterEach, describe, expect, it, vi } from "vitest"
import { makeServeCommand } from "../../src/serve/Command.ts"
import { CorpusModel, trainTokenizer } from "./Fixtures.ts"

const tokenizer = trainTokenizer()
const EOS = tokenizer.tokenToId("<|endoftext|>")!
const model = new CorpusModel(tokenizer.vocabSize, 64, [[...tokenizer.encode("hello world, hello there\n"), EOS]], { fallback: EOS })

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

const runCommand = (load: Parameters<typeof makeServeCommand>[0], argv: ReadonlyArray<string>) =>
  Effect.runFork(Command.runWith(makeServeCommand(load), { version: "test" })(argv).pipe(Effect.provide(NodeServices.layer)))

afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = 0
})

describe("serve command", () => {
  it("loads the checkpoint, serves it under the directory's name until interrupted", async () => {
    const logged: Array<string> = []
    vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void logged.push(a.join(" ")))
    const port = await freePort()
    const loaded: Array<string> = []
    const fiber = runCommand(async (dir) => {
      loaded.push(dir)
      return { model, tokenizer }
    }, ["--checkpoint", "/tmp/runs/tiny-coder", "--port", String(port)])
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "none", maxRetries: 0 })
    let models: Array<string> | undefined
    for (let i = 0; i < 200 && models === undefined; i++) {
      models = await client.models.list().then((l) => l.data.map((m) => m.id), () => undefined)
      if (models === undefined) await new Promise((r) => setTimeout(r, 25))
    }
    expect(models).toEqual(["tiny-coder"])
    expect(loaded).toEqual(["/tmp/runs/tiny-coder"])
    expect(logged.join("\n")).toContain(`http://127.0.0.1:${port}/v1`)
    const out = await client.completions.create({ model: "tiny-coder", prompt: "hello", temperature: 0, max_tokens: 20 })
    expect(out.choices[0]!.text).toBe(" world, hello there\n")
    await Effect.runPromise(Fiber.interrupt(fiber))
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError)
  })

  it("reports a checkpoint that fails to load and exits with code 1", async () => {
    const errors: Array<string> = []
    vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => void errors.push(a.join(" ")))
    const fiber = runCommand(() => {
      throw new Error("no config.json")
    }, ["--checkpoint", "missing", "--port", "0"])
    await Effect.runPromise(Fiber.join(fiber))
    expect(errors.join("\n")).toContain("cannot load missing: no config.json")
    expect(process.exitCode).toBe(1)
  })
})
