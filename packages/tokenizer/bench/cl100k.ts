/**
 * cl100k_base as a tokenizer.json, built from the `.tiktoken` rank file that ships with the
 * gpt-tokenizer package: vocab = ranks; merges recovered by running BPE on each token's bytes with
 * the lower-ranked tokens (the last merge gives its pair); pre-tokenizer = our cl100k preset with
 * digits in groups of 3 (the cl100k regex itself). Used so that our encoder and the peers encode
 * with the same vocabulary.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { ByteLevel, PreTokenizer, Tokenizer, type TokenizerJson } from "../src/index.ts"
import { repoRoot } from "./corpus.ts"

export const cl100kTokenizer = (): Tokenizer => {
  const lines = fs.readFileSync(path.join(repoRoot, "node_modules/gpt-tokenizer/data/cl100k_base.tiktoken"), "utf8").trim().split("\n")
  const tokens: Array<string> = []
  const rank = new Map<string, number>()
  for (const line of lines) {
    const [b64, r] = line.split(" ")
    const s = ByteLevel.fromBytes(Buffer.from(b64!, "base64"))
    tokens[Number(r)] = s
    rank.set(s, Number(r))
  }
  const merges: Array<[string, string]> = []
  for (let r = 0; r < tokens.length; r++) {
    const t = tokens[r]!
    if (t.length < 2) continue
    let parts = [...t]
    while (parts.length > 2) {
      let best = -1
      let bestRank = Infinity
      for (let i = 0; i < parts.length - 1; i++) {
        const q = rank.get(parts[i]! + parts[i + 1]!)
        if (q !== undefined && q < r && q < bestRank) {
          bestRank = q
          best = i
        }
      }
      if (best < 0) break
      parts = [...parts.slice(0, best), parts[best]! + parts[best + 1]!, ...parts.slice(best + 2)]
    }
    if (parts.length === 2) merges.push([parts[0]!, parts[1]!])
  }
  const vocab: Record<string, number> = Object.create(null)
  tokens.forEach((t, i) => (vocab[t] = i))
  const special = [["<|endoftext|>", 100257], ["<|fim_prefix|>", 100258], ["<|fim_middle|>", 100259], ["<|fim_suffix|>", 100260], ["<|endofprompt|>", 100276]] as const
  const json: TokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special.map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: PreTokenizer.preset("cl100k-code", "groups"),
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges
    }
  }
  return new Tokenizer(json, "cl100k_base")
}
