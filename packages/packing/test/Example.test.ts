import { Trainer } from "@pretrain/tokenizer"
import { describe, expect, it } from "vitest"
import { MissingSpecialToken } from "../src/Errors.ts"
import * as Example from "../src/Example.ts"
import * as Fim from "../src/Fim.ts"
import * as Layout from "../src/Layout.ts"
import * as Pack from "../src/Pack.ts"
import { corpus, tinyTokenizer } from "./support.ts"

describe("Encoder", () => {
  const tokenizer = tinyTokenizer()
  const enc = Example.encoder(tokenizer, "tiny.json")

  it("the token stream decodes back to the formatted text, for every repository of the corpus", () => {
    const docs = corpus()
    const repos = new Map<string, Array<Layout.FileRecord>>()
    for (const d of docs) {
      const list = repos.get(d.repo_name) ?? []
      list.push({ repo: d.repo_name, path: d.path, content: d.content })
      repos.set(d.repo_name, list)
    }
    for (const [repo, files] of repos) {
      const f = Layout.repository(repo, files, { seed: 11, fim: { rate: 0.9 }, fimRepoRate: 0.9 })
      const ids = enc.encode(f.parts)
      expect(enc.decode(ids)).toBe(Example.render(f.parts))
      // FIM round trip on the ids: split at sentinels, undo FIM, get the file texts back exactly
      const restored = Example.render(Fim.undo(enc.toParts(ids)))
      expect(restored).toBe(Example.render(Layout.repository(repo, files, { seed: 11, fim: { rate: 0 } }).parts))
    }
  })

  it("encodes sentinel strings written in file content as text, not as the sentinel", () => {
    const parts = [Example.special("<file_sep>"), "x = '<file_sep>'\n", Example.special("<|endoftext|>")]
    const ids = enc.encode(parts)
    const sep = tokenizer.tokenToId("<file_sep>")!
    expect(Array.from(ids).filter((id) => id === sep).length).toBe(1)
    expect(enc.toParts(ids)).toEqual(parts)
  })

  it("fails with MissingSpecialToken naming the file and every missing token", () => {
    const starcoder = tinyTokenizer("starcoder")
    let error: unknown
    try {
      Pack.checkTokenizer(starcoder, "starcoder.json", { input: "x", tokenizer: "starcoder.json", out: "o", seqLen: 8, layout: "starcoder2" })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MissingSpecialToken)
    expect((error as MissingSpecialToken).tokens).toEqual(["<file_sep>", "<repo_name>"])
    expect((error as Error).message).toContain("starcoder.json: the tokenizer has no <file_sep>, <repo_name> tokens (needed for layout starcoder2)")
    // StarCoder1 layout works with the starcoder preset
    expect(() => Pack.checkTokenizer(starcoder, "starcoder.json", { input: "x", tokenizer: "t", out: "o", seqLen: 8, layout: "starcoder1" })).not.toThrow()
  })

  it("names missing FIM sentinels", () => {
    const plain = Trainer.train(["def f(x):\n    return x\n"], { vocabSize: 300, special: ["<|endoftext|>", "<repo_name>", "<file_sep>"] }).tokenizer
    expect(() => Pack.checkTokenizer(plain, "plain.json", { input: "x", tokenizer: "plain.json", out: "o", seqLen: 8 })).toThrow(
      /plain\.json: the tokenizer has no <fim_prefix>, <fim_middle>, <fim_suffix> tokens \(needed for FIM at rate 0\.5\)/
    )
    expect(() => Pack.checkTokenizer(plain, "plain.json", { input: "x", tokenizer: "plain.json", out: "o", seqLen: 8, fimRate: 0 })).not.toThrow()
  })
})
