/**
 * Byte-level BPE training from piece counts. Rules:
 *
 * - Special tokens take ids `0..k-1` in the order given; then all 256 bytes, ordered as HF orders its
 *   byte-level alphabet (by mapped code point), so no byte is ever unknown; then one token per merge.
 * - Each step merges the adjacent pair with the highest count; **ties go to the smaller
 *   `(left id, right id)` pair** (HF's rule), so the result is deterministic. Merging is left to
 *   right inside each piece, as the encoder does.
 * - Counts are float64 (exact to 2^53): they never overflow, unlike HF's i32 pair counts.
 * - `vocabSize` includes special tokens and the alphabet. Training stops early when the best count
 *   is below `minFrequency` (or 1).
 * - `maxTokenLength` (bytes): merges that would create a longer token are never counted.
 *
 * The merge loop runs on typed arrays: pieces as id sequences rewritten in place, a pair index,
 * per-pair occurrence lists and a lazy max-heap; each merge touches only the pieces that hold the
 * pair and updates neighbouring pair counts incrementally.
 *
 * ```ts
 * const counter = new PieceCounter({ preset: "starcoder" })
 * counter.addDocument("def add(a, b):\n    return a + b\n")
 * const tokenizer = Trainer.trainFromCounts(counter.counts, { vocabSize: 300 }).tokenizer
 * ```
 *
 * @since 0.1.0
 */
import * as ByteLevel from "./ByteLevel.ts"
import { TrainOptionsError } from "./Errors.ts"
import { PairIndex } from "./internal/PairIndex.ts"
import { byteLengthOfUnits, encodeInto, maxBytes } from "./internal/utf8.ts"
import { PieceTable } from "./internal/PieceTable.ts"
import { PieceCounter, type PruneReport } from "./PieceCounter.ts"
import * as PreTokenizer from "./PreTokenizer.ts"
import * as SpecialTokens from "./SpecialTokens.ts"
import { type AddedTokenJson, Tokenizer, type TokenizerJson } from "./Tokenizer.ts"

/** @since 0.1.0 @category models */
export interface TrainOptions {
  /** Final vocabulary size, special tokens and the 256 bytes included. */
  readonly vocabSize: number
  /** Pre-tokenizer preset (default `starcoder`). */
  readonly preset?: PreTokenizer.Preset | undefined
  /** How digits are split (default `individual`). */
  readonly digits?: PreTokenizer.DigitsMode | undefined
  /** Special tokens: a preset or a list (default `["<|endoftext|>"]`). */
  readonly special?: SpecialTokens.SpecialPreset | ReadonlyArray<string> | undefined
  /** Stop when the best pair occurs fewer times (default 0, as HF). */
  readonly minFrequency?: number | undefined
  /** Longest token in bytes (default: no limit). */
  readonly maxTokenLength?: number | undefined
  /** Cap on distinct pieces held while counting (default 4,000,000). */
  readonly maxPieces?: number | undefined
  /** Characters per counting batch (default 1 Mi); pruning is checked between batches. */
  readonly batchChars?: number | undefined
}

/** @since 0.1.0 @category models */
export interface TrainStats {
  readonly documents: number
  readonly characters: number
  /** Distinct pieces the merge loop saw. */
  readonly distinctPieces: number
  readonly merges: number
  readonly vocabSize: number
  /** Pieces removed by the distinct-piece cap. */
  readonly pruned: PruneReport
}

/** @since 0.1.0 @category models */
export interface TrainResult {
  readonly tokenizer: Tokenizer
  readonly stats: TrainStats
}

/** Validate options; throws {@link TrainOptionsError}. @since 0.1.0 @category utils */
export const validate = (options: TrainOptions): void => {
  const special = SpecialTokens.resolve(options.special ?? ["<|endoftext|>"])
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < special.length + 256) {
    throw new TrainOptionsError({ option: "vocabSize", reason: `must be an integer of at least ${special.length + 256} (special tokens + 256 bytes), got ${options.vocabSize}` })
  }
  if (options.preset !== undefined && !PreTokenizer.presets.includes(options.preset)) {
    throw new TrainOptionsError({ option: "preset", reason: `unknown preset ${String(options.preset)} (${PreTokenizer.presets.join(", ")})` })
  }
  if (options.digits !== undefined && !["individual", "groups", "none"].includes(options.digits)) {
    throw new TrainOptionsError({ option: "digits", reason: `unknown digits mode ${String(options.digits)} (individual, groups, none)` })
  }
  if (options.maxTokenLength !== undefined && !(options.maxTokenLength >= 2)) {
    throw new TrainOptionsError({ option: "maxTokenLength", reason: "must be at least 2" })
  }
  if (new Set(special).size !== special.length) throw new TrainOptionsError({ option: "special", reason: "duplicate special tokens" })
}

/** A piece counter configured for these options. @since 0.1.0 @category constructors */
export const counterFor = (options: TrainOptions): PieceCounter =>
  new PieceCounter({
    preset: options.preset,
    digits: options.digits,
    special: SpecialTokens.resolve(options.special ?? ["<|endoftext|>"]),
    maxPieces: options.maxPieces,
    batchChars: options.batchChars
  })

/**
 * Train on whole documents in this thread (see `ParallelTrain` for worker threads).
 *
 * @since 0.1.0 @category training
 */
export const train = (documents: Iterable<string>, options: TrainOptions): TrainResult => {
  validate(options)
  const counter = counterFor(options)
  for (const doc of documents) counter.addDocument(doc)
  counter.endBatch()
  return trainFromCounter(counter, options)
}

/**
 * Run the merge loop over a filled counter. The counter's counts are released (emptied) once the
 * pieces are loaded into the merge loop, so they do not add to its peak memory.
 *
 * @since 0.1.0 @category training
 */
export const trainFromCounter = (counter: PieceCounter, options: TrainOptions): TrainResult => {
  const table = counter.table
  counter.table = new PieceTable()
  const result = trainFromTable(table, options)
  return {
    tokenizer: result.tokenizer,
    stats: { ...result.stats, documents: counter.documents, characters: counter.characters, pruned: { ...counter.pruned } }
  }
}

const grow32 = (a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> => {
  if (n <= a.length) return a
  const b = new Int32Array(Math.max(n, a.length * 2))
  b.set(a)
  return b
}
const grow64 = (a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> => {
  if (n <= a.length) return a
  const b = new Float64Array(Math.max(n, a.length * 2))
  b.set(a)
  return b
}

/**
 * The merge loop over piece counts (`piece text → occurrences`).
 *
 * @since 0.1.0 @category training
 */
export const trainFromCounts = (counts: ReadonlyMap<string, number>, options: TrainOptions): TrainResult => {
  const table = new PieceTable()
  for (const [piece, count] of counts) table.addRange(piece, 0, piece.length, count)
  return trainFromTable(table, options)
}

/** The merge loop over a piece table, which it consumes. */
const trainFromTable = (table: PieceTable, options: TrainOptions): TrainResult => {
  validate(options)
  const special = SpecialTokens.resolve(options.special ?? ["<|endoftext|>"])
  // The loop's arrays are out of scope (collectable) before the tokenizer's tables are built.
  const { tokens, merges, distinctPieces } = mergeLoop(table, options, special)
  const json = toJson(tokens, special, merges, options)
  return {
    tokenizer: new Tokenizer(json, "<trained>"),
    stats: {
      documents: 0,
      characters: 0,
      distinctPieces,
      merges: merges.length,
      vocabSize: tokens.length,
      pruned: { rounds: 0, pieces: 0, occurrences: 0, maxCount: 0 }
    }
  }
}

const mergeLoop = (
  table: PieceTable,
  options: TrainOptions,
  special: ReadonlyArray<string>
): { tokens: Array<string>; merges: Array<readonly [number, number]>; distinctPieces: number } => {
  const minFrequency = options.minFrequency ?? 0
  const maxLen = options.maxTokenLength ?? Number.MAX_SAFE_INTEGER
  const tokens: Array<string> = [...special]
  const tokenId = new Map<string, number>()
  special.forEach((t, i) => tokenId.set(t, i))
  let tokenLen = new Int32Array(Math.max(1024, options.vocabSize))
  const byteToId = new Int32Array(256)
  for (const b of ByteLevel.alphabetOrder) {
    const ch = ByteLevel.byteToChar[b]!
    let id = tokenId.get(ch)
    if (id === undefined) {
      id = tokens.length
      tokens.push(ch)
      tokenId.set(ch, id)
    }
    tokenLen[id] = 1
    byteToId[b] = id
  }

  // Pieces → id sequences (pieces of one byte hold no pair and are skipped), sized exactly.
  const distinctPieces = table.size
  const multi = (e: number) => table.len[e]! > 1 || table.chars[table.start[e]!]! >= 0x80
  let words = 0
  let total = 0
  let initialPairs = 0
  for (let e = 0; e < table.size; e++) {
    if (multi(e)) {
      const n = byteLengthOfUnits(table.chars, table.start[e]!, table.start[e]! + table.len[e]!)
      words++
      total += n
      initialPairs += n - 1
    }
  }
  const sym = new Int32Array(total)
  const wStart = new Int32Array(words)
  const wLen = new Int32Array(words)
  const wCount = new Float64Array(words)
  let scratch = new Uint8Array(1024)
  let w = 0
  let off = 0
  for (let e = 0; e < table.size; e++) {
    if (!multi(e)) continue
    const piece = table.key(e)
    if (scratch.length < maxBytes(piece.length)) scratch = new Uint8Array(maxBytes(piece.length) * 2)
    const len = encodeInto(piece, 0, piece.length, scratch)
    wStart[w] = off
    wLen[w] = len
    wCount[w] = table.count[e]!
    for (let i = 0; i < len; i++) sym[off + i] = byteToId[scratch[i]!]!
    off += len
    w++
  }
  table.clear()

  // Pair counts and occurrence lists (linked lists in a typed-array pool, sized for the initial
  // occurrences and grown by half when merges add more).
  const pairs = new PairIndex(1 << 16)
  let pCount = new Float64Array(1 << 16)
  let pHead = new Int32Array(1 << 16)
  let pTail = new Int32Array(1 << 16)
  let pStamp = new Int32Array(1 << 16)
  let pMerged = new Uint8Array(1 << 16)
  let occWord = new Int32Array(Math.max(1024, initialPairs + (initialPairs >> 3)))
  let occNext = new Int32Array(occWord.length)
  let occSize = 0
  let occFree = -1
  const pairOf = (a: number, b: number): number => {
    const before = pairs.size
    const p = pairs.add(a, b)
    if (p === before) {
      if (p >= pCount.length) {
        pCount = grow64(pCount, p + 1)
        pHead = grow32(pHead, p + 1)
        pTail = grow32(pTail, p + 1)
        pStamp = grow32(pStamp, p + 1)
        const m = new Uint8Array(pCount.length)
        m.set(pMerged)
        pMerged = m
      }
      pHead[p] = -1
      pTail[p] = -1
      pStamp[p] = -1
    }
    return p
  }
  const addOcc = (p: number, word: number): void => {
    const tail = pTail[p]!
    if (tail >= 0 && occWord[tail] === word) return
    let o = occFree
    if (o >= 0) occFree = occNext[o]!
    else {
      if (occSize === occWord.length) {
        const n = occSize + (occSize >> 1)
        const ow = new Int32Array(n)
        ow.set(occWord)
        occWord = ow
        const on = new Int32Array(n)
        on.set(occNext)
        occNext = on
      }
      o = occSize++
    }
    occWord[o] = word
    occNext[o] = -1
    if (tail >= 0) occNext[tail] = o
    else pHead[p] = o
    pTail[p] = o
  }
  for (let i = 0; i < words; i++) {
    const s = wStart[i]!
    const c = wCount[i]!
    for (let j = s; j < s + wLen[i]! - 1; j++) {
      const p = pairOf(sym[j]!, sym[j + 1]!)
      pCount[p] += c
      addOcc(p, i)
    }
  }

  // Lazy max-heap of (pair, count at push): higher count first, then smaller (a, b).
  let hPair = new Int32Array(Math.max(16, pairs.size))
  let hCount = new Float64Array(hPair.length)
  let hSize = 0
  // pairs.a / pairs.b are read through `pairs` each time: they are reallocated when the index grows.
  const better = (p: number, c: number, q: number, d: number): boolean => {
    if (c !== d) return c > d
    const A = pairs.a
    if (A[p] !== A[q]) return A[p]! < A[q]!
    const B = pairs.b
    return B[p]! < B[q]!
  }
  const push = (p: number, c: number): void => {
    if (hSize === hPair.length) {
      hPair = grow32(hPair, hSize + 1)
      hCount = grow64(hCount, hSize + 1)
    }
    let k = hSize++
    while (k > 0) {
      const parent = (k - 1) >> 1
      if (!better(p, c, hPair[parent]!, hCount[parent]!)) break
      hPair[k] = hPair[parent]!
      hCount[k] = hCount[parent]!
      k = parent
    }
    hPair[k] = p
    hCount[k] = c
  }
  const popInto = (): void => {
    const lp = hPair[--hSize]!
    const lc = hCount[hSize]!
    let k = 0
    for (;;) {
      let c = 2 * k + 1
      if (c >= hSize) break
      if (c + 1 < hSize && better(hPair[c + 1]!, hCount[c + 1]!, hPair[c]!, hCount[c]!)) c++
      if (!better(hPair[c]!, hCount[c]!, lp, lc)) break
      hPair[k] = hPair[c]!
      hCount[k] = hCount[c]!
      k = c
    }
    hPair[k] = lp
    hCount[k] = lc
  }
  for (let p = 0; p < pairs.size; p++) if (pCount[p]! > 0) push(p, pCount[p]!)

  const merges: Array<readonly [number, number]> = []
  const wStamp = new Int32Array(words).fill(-1)
  let touched = new Int32Array(1024)
  let nTouched = 0
  let step = 0
  let newId = 0
  let wc = 0
  let word = 0
  const delta = (x: number, y: number, d: number): void => {
    if (d > 0 && tokenLen[x]! + tokenLen[y]! > maxLen) return
    const q = pairOf(x, y)
    pCount[q] += d * wc
    if (d > 0) {
      addOcc(q, word)
      if (pStamp[q] !== step) {
        pStamp[q] = step
        if (nTouched === touched.length) touched = grow32(touched, nTouched + 1)
        touched[nTouched++] = q
      }
    }
  }
  while (tokens.length < options.vocabSize && hSize > 0) {
    const p = hPair[0]!
    const c = hCount[0]!
    popInto()
    if (pMerged[p] === 1) continue
    if (c !== pCount[p]) {
      if (pCount[p]! > 0) push(p, pCount[p]!)
      continue
    }
    if (c < 1 || c < minFrequency) break
    const a = pairs.a[p]!
    const b = pairs.b[p]!
    const text = tokens[a]! + tokens[b]!
    let id = tokenId.get(text)
    if (id === undefined) {
      id = tokens.length
      tokens.push(text)
      tokenId.set(text, id)
      if (id >= tokenLen.length) tokenLen = grow32(tokenLen, id + 1)
      tokenLen[id] = tokenLen[a]! + tokenLen[b]!
    }
    newId = id
    merges.push([a, b])
    pMerged[p] = 1
    pCount[p] = 0
    step++
    nTouched = 0
    for (let o = pHead[p]!; o >= 0; o = occNext[o]!) {
      word = occWord[o]!
      if (wStamp[word] === step) continue
      wStamp[word] = step
      wc = wCount[word]!
      const start = wStart[word]!
      const end = start + wLen[word]!
      let r = start
      let out = start
      while (r < end) {
        if (sym[r] === a && r + 1 < end && sym[r + 1] === b) {
          if (out > start) {
            const prev = sym[out - 1]!
            delta(prev, a, -1)
            delta(prev, newId, 1)
          }
          if (r + 2 < end) {
            const next = sym[r + 2]!
            delta(b, next, -1)
            delta(newId, next, 1)
          }
          sym[out++] = newId
          r += 2
        } else sym[out++] = sym[r++]!
      }
      wLen[word] = out - start
    }
    // The merged pair's occurrence list is dead: recycle its entries.
    if (pHead[p]! >= 0) {
      occNext[pTail[p]!] = occFree
      occFree = pHead[p]!
      pHead[p] = -1
      pTail[p] = -1
    }
    for (let i = 0; i < nTouched; i++) {
      const q = touched[i]!
      if (pMerged[q] === 0 && pCount[q]! > 0) push(q, pCount[q]!)
    }
  }

  return { tokens, merges, distinctPieces }
}

/** The tokenizer.json document of a training result. */
const toJson = (
  tokens: ReadonlyArray<string>,
  special: ReadonlyArray<string>,
  merges: ReadonlyArray<readonly [number, number]>,
  options: TrainOptions
): TokenizerJson => {
  const vocab: Record<string, number> = Object.create(null)
  tokens.forEach((t, id) => {
    vocab[t] = id
  })
  const added: Array<AddedTokenJson> = special.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true
  }))
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: PreTokenizer.preset(options.preset ?? "starcoder", options.digits ?? "individual"),
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => [tokens[a]!, tokens[b]!] as const)
    }
  }
}
