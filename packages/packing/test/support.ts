/** Small inputs for the tests: synthetic repositories, a tiny trained tokenizer, temp dirs. */
import * as fs from "node:fs"
import * as os from "node:os"
import { spawnSync } from "node:child_process"
import * as path from "node:path"
import { Tokenizer, Trainer } from "@pretrain/tokenizer"

export const tempDir = (prefix = "packing-"): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

export interface InputDoc {
  readonly content: string
  readonly repo_name: string
  readonly path: string
  readonly star_events_count?: number
}

const words = ["alpha", "beta", "gamma", "delta", "return", "const", "value", "index", "😀", "naïve", "for", "while", "<file_sep>"]

/** A deterministic small corpus: `repos` repositories of 1-6 files of varied length. */
export const corpus = (repos = 24, seed = 7): Array<InputDoc> => {
  let s = seed
  const rand = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 8) % n
  }
  const out: Array<InputDoc> = []
  for (let r = 0; r < repos; r++) {
    const files = 1 + rand(6)
    for (let f = 0; f < files; f++) {
      const lines = 1 + rand(r % 5 === 0 ? 120 : 25)
      let content = ""
      for (let l = 0; l < lines; l++) {
        content += `${"  ".repeat(rand(3))}function f${l}(x) { ${words[rand(words.length)]} ${words[rand(words.length)]} ${rand(1000)} }\n`
      }
      out.push({ content, repo_name: `org${r % 4}/repo-${r}`, path: `src/dir${f % 2}/file${f}.js`, star_events_count: rand(3000) })
    }
  }
  return out
}

/** Write docs as JSONL spread over `files` files round-robin (so repositories are scattered). */
export const writeScattered = (dir: string, docs: ReadonlyArray<InputDoc>, files = 3): string => {
  const input = path.join(dir, "input")
  fs.mkdirSync(input, { recursive: true })
  const parts: Array<Array<string>> = Array.from({ length: files }, () => [])
  docs.forEach((d, i) => parts[i % files]!.push(JSON.stringify(d)))
  parts.forEach((lines, i) => fs.writeFileSync(path.join(input, `part-${i}.jsonl`), lines.join("\n") + "\n"))
  return input
}

let cached: Tokenizer | undefined

/** A tiny byte-level BPE with the StarCoder2 special tokens (or `special`), trained on the corpus. */
export const tinyTokenizer = (special: "starcoder2" | "starcoder" = "starcoder2"): Tokenizer => {
  if (special === "starcoder2" && cached !== undefined) return cached
  const { tokenizer } = Trainer.train(corpus().map((d) => d.content), { vocabSize: 400, special })
  if (special === "starcoder2") cached = tokenizer
  return tokenizer
}

/** Save the tiny tokenizer into `dir`; returns the file. */
export const tokenizerFile = (dir: string, special: "starcoder2" | "starcoder" = "starcoder2"): string => {
  const file = path.join(dir, `tokenizer-${special}.json`)
  tinyTokenizer(special).saveSync(file)
  return file
}

/**
 * Read a Megatron dataset with the independent python3 + numpy reader (`read_megatron.py`).
 * Returns `undefined` when python3 or numpy is missing (the caller skips, or fails under CI=true).
 */
export const pythonRead = (prefix: string): { dtype: string; sequences: Array<Array<number>>; document_indices: Array<number> } | undefined => {
  // the python3 on PATH, or Debian's (where .ci/run installs python3-numpy when PATH's lacks numpy)
  const python = ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import numpy"]).status === 0)
  if (python === undefined) {
    if (process.env.CI === "true") throw new Error("python3 with numpy is required under CI=true (apt-get install python3-numpy)")
    console.warn("skipping the independent Megatron reader: python3 with numpy is not available")
    return undefined
  }
  const r = spawnSync(python, [path.join(import.meta.dirname, "read_megatron.py"), prefix], { encoding: "utf8", maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`read_megatron.py failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
