/**
 * Test fixtures: a tokenizer trained on a few strings and small deterministic `LanguageModel`s: a
 * bigram table, a fixed script, and a longest-suffix continuation of a corpus.
 */
import { type Tokenizer, Trainer } from "@pretrain/tokenizer"
import type { GenerationSession, LanguageModel } from "../../src/LanguageModel.ts"

/** Texts the test tokenizer is trained on (code, with multi-byte characters). */
export const trainingTexts: ReadonlyArray<string> = [
  "def add(a, b):\n    return a + b\n",
  "def greet(name):\n    print(\"héllo wörld €\", name)\n",
  "price = 12 # euros: € 🙂\n",
  "hello world, hello there\n"
]

/** A small StarCoder-style tokenizer (its 19 special tokens, FIM included). */
export const trainTokenizer = (): Tokenizer =>
  Trainer.train(trainingTexts, { vocabSize: 19 + 256 + 60, special: "starcoder" }).tokenizer

/**
 * A session of at most `contextLength` tokens: refuses an empty feed and one past the context (so
 * tests see any overflow), then answers `next(tokens, length)` with `length` counting `tokens`.
 */
const boundedSession = (contextLength: number, next: (tokens: ArrayLike<number>, length: number) => Float32Array): GenerationSession => {
  let length = 0
  return {
    get length() {
      return length
    },
    feed(tokens: ArrayLike<number>): Float32Array {
      if (tokens.length === 0) throw new Error("feed needs at least one token")
      if (length + tokens.length > contextLength) throw new Error(`context overflow: ${length} + ${tokens.length} > ${contextLength}`)
      length += tokens.length
      return next(tokens, length)
    }
  }
}

/**
 * Logits: `high` on the successor of the last fed token, 0 elsewhere; a token without successor
 * predicts `fallback`. Counts sessions and fed tokens so tests can check the KV-cache protocol.
 */
export class BigramModel implements LanguageModel {
  readonly vocabSize: number
  readonly contextLength: number
  readonly next: Int32Array
  sessions = 0
  fed = 0
  private readonly high: number

  constructor(vocabSize: number, contextLength: number, corpus: ReadonlyArray<ArrayLike<number>>, options: { readonly fallback?: number; readonly high?: number } = {}) {
    this.vocabSize = vocabSize
    this.contextLength = contextLength
    this.high = options.high ?? 20
    this.next = new Int32Array(vocabSize).fill(options.fallback ?? 0)
    const seen = new Uint8Array(vocabSize)
    for (const ids of corpus) {
      for (let i = 0; i + 1 < ids.length; i++) {
        const a = ids[i]!
        if (seen[a] === 0) {
          seen[a] = 1
          this.next[a] = ids[i + 1]!
        }
      }
    }
  }

  /** A bigram model over `texts` encoded by `tokenizer` (special tokens in the texts recognised). */
  static fromTexts(tokenizer: Tokenizer, texts: ReadonlyArray<string>, contextLength = 256, fallback?: number): BigramModel {
    return new BigramModel(tokenizer.vocabSize, contextLength, texts.map((t) => tokenizer.encode(t)), fallback === undefined ? {} : { fallback })
  }

  session(): GenerationSession {
    this.sessions++
    const logits = new Float32Array(this.vocabSize)
    return boundedSession(this.contextLength, (tokens) => {
      this.fed += tokens.length
      logits.fill(0)
      logits[this.next[tokens[tokens.length - 1]!]!] = this.high
      return logits
    })
  }
}

/**
 * Emits `script` after whatever prompt it is fed (the first `feed`), then `after` forever, under any
 * sampler (every other logit is `-Infinity`).
 * Throws if fed past its context, so tests see any overflow.
 */
export class ScriptModel implements LanguageModel {
  readonly vocabSize: number
  readonly contextLength: number
  readonly script: ReadonlyArray<number>
  readonly after: number
  fed = 0

  constructor(vocabSize: number, contextLength: number, script: ReadonlyArray<number>, after = 0) {
    this.vocabSize = vocabSize
    this.contextLength = contextLength
    this.script = script
    this.after = after
  }

  session(): GenerationSession {
    const logits = new Float32Array(this.vocabSize)
    let promptLength = -1
    return boundedSession(this.contextLength, (tokens, length) => {
      this.fed += tokens.length
      if (promptLength < 0) promptLength = length
      const k = length - promptLength
      logits.fill(-Infinity)
      logits[k < this.script.length ? this.script[k]! : this.after] = 5
      return logits
    })
  }
}

/** The id of the single-byte token of each byte. */
export const byteIds = (tokenizer: Tokenizer): Int32Array => {
  const ids = new Int32Array(256).fill(-1)
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const b = tokenizer.decodeToBytes([id])
    if (b.length === 1 && ids[b[0]!] === -1 && !tokenizer.addedTokens.some((t) => t.id === id)) ids[b[0]!] = id
  }
  return ids
}

/** The ids of `text` one UTF-8 byte per token. */
export const byteTokens = (tokenizer: Tokenizer, text: string): Array<number> => {
  const ids = byteIds(tokenizer)
  return Array.from(new TextEncoder().encode(text), (b) => ids[b]!)
}

/**
 * Continues the longest suffix of its context found in a corpus (the first occurrence on ties):
 * logits `high` on the token that follows it, 0 elsewhere. Greedy decoding reproduces a corpus
 * document from any prefix of it. Records which session fed each call, so tests can check that
 * generations never interleave.
 */
export class CorpusModel implements LanguageModel {
  readonly vocabSize: number
  readonly contextLength: number
  readonly corpus: Int32Array
  /** Session number of every feed, in order. */
  readonly feeds: Array<number> = []
  private sessions = 0
  private readonly high: number
  private readonly fallback: number

  constructor(vocabSize: number, contextLength: number, docs: ReadonlyArray<ArrayLike<number>>, options: { readonly high?: number; readonly fallback?: number } = {}) {
    this.vocabSize = vocabSize
    this.contextLength = contextLength
    this.corpus = Int32Array.from(docs.flatMap((d) => Array.from(d)))
    this.high = options.high ?? 30
    this.fallback = options.fallback ?? 0
  }

  /** The token the corpus continues `context` with. */
  predict(context: ReadonlyArray<number>): number {
    const c = this.corpus
    let best = -1
    let bestLength = 0
    for (let j = 1; j < c.length; j++) {
      let k = 0
      while (k < context.length && k < j && c[j - 1 - k] === context[context.length - 1 - k]) k++
      if (k > bestLength) {
        bestLength = k
        best = j
      }
    }
    return best < 0 ? this.fallback : c[best]!
  }

  session(): GenerationSession {
    const id = this.sessions++
    const logits = new Float32Array(this.vocabSize)
    const context: Array<number> = []
    return boundedSession(this.contextLength, (tokens) => {
      for (let i = 0; i < tokens.length; i++) context.push(tokens[i]!)
      this.feeds.push(id)
      logits.fill(0)
      logits[this.predict(context)] = this.high
      return logits
    })
  }
}
