/**
 * A byte-level BPE tokenizer as Hugging Face's tokenizer.json describes it: added (special) tokens
 * split out first, then the pre-tokenizer, then BPE inside each piece; decoding maps ids back to
 * bytes and decodes UTF-8 once over the whole sequence. Reads any byte-level BPE tokenizer.json
 * (ours, GPT-2's, StarCoder's, one written by HF's trainer) and writes files that HF `tokenizers`
 * and `@huggingface/tokenizers` load.
 *
 * ```ts
 * const tok = Tokenizer.fromFileSync("tokenizer.json")
 * const ids = tok.encode("def f(x):\n    return x\n")
 * tok.decode(ids) // the same text
 * ```
 *
 * Ids equal HF's `encode(text, { addSpecialTokens: false })`: a post-processor (which only adds
 * template tokens or changes offsets) is kept in the file but not applied.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { BpeModel, type BpeTables } from "./Bpe.ts"
import * as ByteLevel from "./ByteLevel.ts"
import { TokenizerFileError, UnsupportedTokenizer } from "./Errors.ts"
import { IdBuffer } from "./internal/IdBuffer.ts"
import { encodeInto, maxBytes } from "./internal/utf8.ts"
import * as PreTokenizer from "./PreTokenizer.ts"
import * as SpecialTokens from "./SpecialTokens.ts"

/** tokenizer.json `added_tokens[]` entry. @since 0.1.0 @category models */
export interface AddedTokenJson {
  readonly id: number
  readonly content: string
  readonly single_word: boolean
  readonly lstrip: boolean
  readonly rstrip: boolean
  readonly normalized: boolean
  readonly special: boolean
}

/** tokenizer.json `model` of type BPE. @since 0.1.0 @category models */
export interface BpeModelJson {
  readonly type: "BPE"
  readonly dropout: null
  readonly unk_token: string | null
  readonly continuing_subword_prefix: null
  readonly end_of_word_suffix: null
  readonly fuse_unk: boolean
  readonly byte_fallback: boolean
  readonly ignore_merges: boolean
  readonly vocab: Readonly<Record<string, number>>
  readonly merges: ReadonlyArray<readonly [string, string] | string>
}

/** The tokenizer.json document (HF schema, version 1.0). @since 0.1.0 @category models */
export interface TokenizerJson {
  readonly version: string
  readonly truncation: unknown
  readonly padding: unknown
  readonly added_tokens: ReadonlyArray<AddedTokenJson>
  readonly normalizer: unknown
  readonly pre_tokenizer: PreTokenizer.PreTokenizerJson | null
  readonly post_processor: unknown
  readonly decoder: unknown
  readonly model: BpeModelJson
}

/** @since 0.1.0 @category models */
export interface EncodeOptions {
  /** Recognise added/special tokens written in the text (default `true`, as HF does). */
  readonly special?: boolean | undefined
}

/** @since 0.1.0 @category models */
export interface DecodeOptions {
  /** Leave special tokens out of the text (default `false`). */
  readonly skipSpecial?: boolean | undefined
}

/** Short pieces (2 to 16 bytes) go through a direct-mapped table of 2^14 entries (512 KiB) first. */
const FRONT_BITS = 14
const FRONT_MAX_BYTES = 16
/** The UTF-8 buffer kept between calls is at most 4 MiB (longer texts get a buffer of their own). */
const TEXT8_KEEP = 1 << 22

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const decoderUtf8 = new TextDecoder("utf-8", { ignoreBOM: true })
const utf8Encoder = new TextEncoder()

/** Bytes a token string decodes to under the ByteLevel decoder: mapped chars → bytes, others as UTF-8. */
const decodeTokenBytes = (token: string): Uint8Array => {
  const direct = ByteLevel.toBytes(token)
  if (direct !== undefined) return direct
  const parts: Array<number> = []
  for (const ch of token) {
    const c = ch.codePointAt(0)!
    const b = c < 0x144 ? ByteLevel.charToByte[c]! : -1
    if (b >= 0) parts.push(b)
    else parts.push(...utf8Encoder.encode(ch))
  }
  return Uint8Array.from(parts)
}

/**
 * A tokenizer as plain data for another thread: the document without its vocabulary and merges,
 * which travel as the token list, a flat merge array and the model's built lookup tables.
 *
 * @since 0.1.0 @category models
 */
export interface TokenizerSnapshot {
  readonly header: TokenizerJson
  readonly tokens: ReadonlyArray<string | undefined>
  readonly merges: Int32Array
  readonly tables: BpeTables
  readonly file: string
}

/** @since 0.1.0 @category models */
export class Tokenizer {
  readonly model: BpeModel
  readonly preTokenizer: PreTokenizer.Compiled
  /** Added tokens (special or not), by id. */
  readonly addedTokens: ReadonlyArray<AddedTokenJson>
  private readonly added: RegExp | undefined
  private readonly addedBytes: SpecialTokens.ByteMatcher | undefined
  private readonly addedId: Map<string, number>
  private readonly specialIds: Set<number>
  /** Bytes of each id for decoding, built on first use (a worker that only encodes never needs them). */
  private get decodeBytes(): ReadonlyArray<Uint8Array | undefined> {
    if (this.bytesById === undefined) {
      const tokens = this.model.tokens
      const bytes: Array<Uint8Array | undefined> = new Array(this.size)
      for (let id = 0; id < this.size; id++) {
        const t = tokens[id]
        if (t !== undefined) bytes[id] = this.model.tokenBytes[id] ?? decodeTokenBytes(t)
      }
      for (const t of this.addedTokens) bytes[t.id] = decodeTokenBytes(t.content)
      this.bytesById = bytes
    }
    return this.bytesById
  }
  private bytesById: ReadonlyArray<Uint8Array | undefined> | undefined = undefined
  private readonly size: number
  private readonly out = new IdBuffer(4096)
  private scratch = new Uint8Array(1024)
  private readonly onPiece: PreTokenizer.PieceSink
  private readonly onBytes: PreTokenizer.ByteSink
  /** Direct-mapped table of short pieces that encode to one id: packed bytes (4 words), length, id, 2 unused. */
  private readonly front = new Int32Array(8 << FRONT_BITS)
  /** The UTF-8 of the text being encoded (preset pre-tokenizers read pieces from it in place). */
  private text8 = new Uint8Array(1 << 16)
  private vocabIds: Map<string, number> | undefined = undefined
  private document: TokenizerJson | undefined

  /** The document this tokenizer was read from or trained into (rebuilt on demand after a snapshot). */
  get json(): TokenizerJson {
    if (this.document === undefined) {
      const header = this.header
      const vocab: Record<string, number> = Object.create(null)
      this.model.tokens.forEach((t, id) => {
        if (t !== undefined) vocab[t] = id
      })
      const tokens = this.model.tokens
      this.document = {
        ...header,
        model: { ...header.model, vocab, merges: this.model.merges.map(([a, b]) => [tokens[a]!, tokens[b]!] as const) }
      }
    }
    return this.document
  }
  private readonly header: TokenizerJson
  private readonly file: string

  /**
   * Build from a parsed tokenizer.json. Throws {@link TokenizerFileError} for invalid fields and
   * {@link UnsupportedTokenizer} for parts that are not byte-level BPE; both name `file` and the
   * JSON path.
   */
  constructor(json: TokenizerJson, file = "<tokenizer.json>", snapshot?: Omit<TokenizerSnapshot, "header" | "file">) {
    const bad = (position: string, reason: string) => new TokenizerFileError({ file, position, reason })
    const unsupported = (position: string, feature: string) => new UnsupportedTokenizer({ file, position, feature })
    if (!isRecord(json)) throw bad("$", "not a JSON object")
    const model = json.model as unknown
    if (!isRecord(model)) throw bad("model", "missing or not an object")
    if (model.type !== undefined && model.type !== "BPE") throw unsupported("model.type", `model ${String(model.type)}`)
    if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) throw unsupported("model.dropout", "BPE dropout")
    for (const k of ["continuing_subword_prefix", "end_of_word_suffix"] as const) {
      if (model[k] !== undefined && model[k] !== null && model[k] !== "") throw unsupported(`model.${k}`, k)
    }
    if (model.byte_fallback === true) throw unsupported("model.byte_fallback", "byte fallback")
    if (json.normalizer !== null && json.normalizer !== undefined) throw unsupported("normalizer", `normalizer ${String((json.normalizer as { type?: unknown }).type)}`)
    if (json.decoder !== null && json.decoder !== undefined && (json.decoder as { type?: unknown }).type !== "ByteLevel") {
      throw unsupported("decoder", `decoder ${String((json.decoder as { type?: unknown }).type)}`)
    }
    if (!isRecord(model.vocab)) throw bad("model.vocab", "missing or not an object")
    if (!Array.isArray(model.merges)) throw bad("model.merges", "missing or not an array")
    const added = Array.isArray(json.added_tokens) ? json.added_tokens : []
    const tokens: Array<string | undefined> = snapshot === undefined ? [] : [...snapshot.tokens]
    const ids = new Map<string, number>()
    if (snapshot === undefined) {
      for (const token in model.vocab) {
        const id = model.vocab[token]
        if (!Number.isInteger(id) || (id as number) < 0) throw bad(`model.vocab[${JSON.stringify(token)}]`, `id ${String(id)} is not a non-negative integer`)
        tokens[id as number] = token
        ids.set(token, id as number)
      }
    }
    let size = tokens.length
    added.forEach((t, i) => {
      if (!isRecord(t) || typeof t.content !== "string" || !Number.isInteger(t.id)) throw bad(`added_tokens[${i}]`, "needs integer id and string content")
      size = Math.max(size, (t.id as number) + 1)
    })
    tokens.length = size
    const list = model.merges as ReadonlyArray<unknown>
    const merges: Array<readonly [number, number]> = new Array(snapshot === undefined ? list.length : 0)
    for (let i = 0; snapshot === undefined && i < list.length; i++) {
      const m = list[i]
      let left: unknown
      let right: unknown
      if (typeof m === "string") {
        const space = m.indexOf(" ", 1)
        if (space > 0) {
          left = m.slice(0, space)
          right = m.slice(space + 1)
        }
      } else if (Array.isArray(m) && m.length === 2) {
        left = m[0]
        right = m[1]
      }
      if (typeof left !== "string" || typeof right !== "string") throw bad(`model.merges[${i}]`, "not a pair of tokens")
      const a = ids.get(left)
      const b = ids.get(right)
      if (a === undefined || b === undefined) throw bad(`model.merges[${i}]`, `token ${JSON.stringify(a === undefined ? left : right)} is not in the vocabulary`)
      merges[i] = [a, b]
    }
    try {
      this.preTokenizer = PreTokenizer.compile(json.pre_tokenizer ?? null)
    } catch (e) {
      if (e instanceof PreTokenizer.UnsupportedNode) throw unsupported(e.path, e.message)
      throw bad("pre_tokenizer", e instanceof Error ? e.message : String(e))
    }
    if (!this.preTokenizer.byteLevel) throw unsupported("pre_tokenizer", "no ByteLevel pre-tokenizer")
    try {
      this.model = new BpeModel(tokens, snapshot?.merges ?? merges, model.ignore_merges === true, snapshot === undefined ? ids : undefined, snapshot?.tables)
    } catch (e) {
      const rank = e instanceof BpeModel.MergeError ? e.rank : -1
      throw bad(rank >= 0 ? `model.merges[${rank}]` : "model", e instanceof Error ? e.message : String(e))
    }
    if (typeof model.unk_token === "string" && this.model.byteId.some((id) => id < 0)) {
      throw unsupported("model.unk_token", "an unknown token with bytes missing from the vocabulary")
    }
    this.file = file
    this.document = snapshot === undefined ? json : undefined
    this.header = { ...json, model: { ...json.model, vocab: {}, merges: [] } }
    this.addedTokens = added
    this.addedId = new Map(added.map((t) => [t.content, t.id]))
    this.specialIds = new Set(added.filter((t) => t.special).map((t) => t.id))
    this.added = SpecialTokens.matcher(added.map((t) => t.content))
    this.addedBytes = SpecialTokens.byteMatcher(added.map((t) => t.content))
    this.size = size
    this.onPiece = (text, start, end) => {
      // UTF-8 bytes and their FNV-1a hash in one pass (ASCII inline, the rest by encodeInto).
      if (3 * (end - start) > this.scratch.length) this.scratch = new Uint8Array(maxBytes(end - start) * 2)
      const buf = this.scratch
      let h = 0x811c9dc5
      let n = 0
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i)
        if (c >= 0x80) {
          const m = encodeInto(text, i, end, buf.subarray(n))
          for (let j = n; j < n + m; j++) h = Math.imul(h ^ buf[j]!, 0x01000193)
          n += m
          break
        }
        buf[n++] = c
        h = Math.imul(h ^ c, 0x01000193)
      }
      this.model.encodeHashed(buf, n, h >>> 0, this.out)
    }
    this.onBytes = (bytes, start, end) => {
      const len = end - start
      const model = this.model
      const out = this.out
      if (len === 1) {
        const id = model.byteId[bytes[start]!]!
        if (id >= 0) {
          out.reserve(1)
          out.data[out.length++] = id
        } else model.encodeAt(bytes, start, 1, 0, out)
        return
      }
      if (len <= FRONT_MAX_BYTES) {
        // Short pieces: their bytes packed into four int32 words are the key of a direct-mapped
        // table of pieces that encode to one id (hot pieces stay in the CPU cache).
        let w0 = 0
        let w1 = 0
        let w2 = 0
        let w3 = 0
        for (let i = 0; i < len; i++) {
          const b = bytes[start + i]! << ((i & 3) << 3)
          switch (i >> 2) {
            case 0:
              w0 |= b
              break
            case 1:
              w1 |= b
              break
            case 2:
              w2 |= b
              break
            default:
              w3 |= b
          }
        }
        const mix = w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x7feb352d) ^ Math.imul(w3, 0x846ca68b) ^ len
        const slot = (Math.imul(mix ^ (mix >>> 15), 0x85ebca6b) >>> (32 - FRONT_BITS)) << 3
        const front = this.front
        if (front[slot + 4] === len && front[slot] === w0 && front[slot + 1] === w1 && front[slot + 2] === w2 && front[slot + 3] === w3) {
          out.reserve(1)
          out.data[out.length++] = front[slot + 5]!
          return
        }
        let h = 0x811c9dc5
        for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
        const before = out.length
        const unknown = model.unknownBytes
        model.encodeAt(bytes, start, len, h >>> 0, out)
        if (out.length === before + 1 && model.unknownBytes === unknown) {
          front[slot] = w0
          front[slot + 1] = w1
          front[slot + 2] = w2
          front[slot + 3] = w3
          front[slot + 4] = len
          front[slot + 5] = out.data[before]!
        }
        return
      }
      let h = 0x811c9dc5
      for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
      model.encodeAt(bytes, start, len, h >>> 0, out)
    }
  }

  /** Pre-tokenize and encode `text[start, end)` (no added tokens in it). */
  private segment(text: string, start: number, end: number): void {
    const scan = this.preTokenizer.scanBytes
    if (scan === undefined) return this.preTokenizer.split(text, start, end, this.onPiece)
    // The segment's UTF-8 once into a reusable buffer; the scanner reads pieces from it in place.
    // (TextEncoder's native encodeInto: lone surrogates become U+FFFD, as in `encodeInto` and HF.)
    const need = maxBytes(end - start)
    if (need > this.text8.length) this.text8 = new Uint8Array(Math.max(need, Math.min(2 * this.text8.length, TEXT8_KEEP)))
    const n = utf8Encoder.encodeInto(start === 0 && end === text.length ? text : text.slice(start, end), this.text8).written
    scan(this.text8, 0, n, this.onBytes)
    // A buffer grown for one very long text is not kept.
    if (this.text8.length > TEXT8_KEEP) this.text8 = new Uint8Array(1 << 16)
  }

  /**
   * This tokenizer as plain data (structured-cloneable), for {@link Tokenizer.fromSnapshot} in a
   * worker thread: no JSON to parse and no tables to rebuild there.
   *
   * @since 0.1.0
   */
  snapshot(): TokenizerSnapshot {
    const merges = new Int32Array(this.model.merges.length * 2)
    this.model.merges.forEach(([a, b], i) => {
      merges[2 * i] = a
      merges[2 * i + 1] = b
    })
    return { header: this.header, tokens: this.model.tokens, merges, tables: this.model.tables(), file: this.file }
  }

  /** A tokenizer from a {@link Tokenizer.snapshot}. @since 0.1.0 @category constructors */
  static fromSnapshot(snapshot: TokenizerSnapshot): Tokenizer {
    return new Tokenizer(snapshot.header, snapshot.file, snapshot)
  }

  /** Parse a tokenizer.json string (`file` names it in errors). @since 0.1.0 @category constructors */
  static fromString(text: string, file = "<tokenizer.json>"): Tokenizer {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new TokenizerFileError({ file, reason: e instanceof Error ? e.message : String(e) })
    }
    return new Tokenizer(json as TokenizerJson, file)
  }

  /** Read a tokenizer.json file synchronously. @since 0.1.0 @category constructors */
  static fromFileSync(file: string): Tokenizer {
    let text: string
    try {
      text = fs.readFileSync(file, "utf8")
    } catch (e) {
      throw new TokenizerFileError({ file, reason: e instanceof Error ? e.message : String(e) })
    }
    return Tokenizer.fromString(text, file)
  }

  /** Number of ids, added tokens included. @since 0.1.0 */
  get vocabSize(): number {
    return this.size
  }

  /** Bytes dropped so far because the vocabulary had no token for them (0 for every tokenizer we train). @since 0.1.0 */
  get unknownBytes(): number {
    return this.model.unknownBytes
  }

  /** The token string of an id (byte-mapped for vocabulary tokens). @since 0.1.0 */
  idToToken(id: number): string | undefined {
    return this.addedTokens.find((t) => t.id === id)?.content ?? this.model.tokens[id]
  }

  /** The id of a token string (an added token's content, or a byte-mapped vocabulary token). @since 0.1.0 */
  tokenToId(token: string): number | undefined {
    const added = this.addedId.get(token)
    if (added !== undefined) return added
    if (this.vocabIds === undefined) {
      const ids = new Map<string, number>()
      this.model.tokens.forEach((t, id) => {
        if (t !== undefined && !ids.has(t)) ids.set(t, id)
      })
      this.vocabIds = ids
    }
    return this.vocabIds.get(token)
  }

  /** Append the ids of `text` to the internal buffer. */
  private run(text: string, options?: EncodeOptions): void {
    const re = options?.special === false ? undefined : this.added
    if (re === undefined) {
      if (text.length > 0) this.segment(text, 0, text.length)
      return
    }
    re.lastIndex = 0
    let last = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > last) this.segment(text, last, m.index)
      this.out.reserve(1)
      this.out.data[this.out.length++] = this.addedId.get(m[0])!
      last = m.index + m[0].length
    }
    if (last < text.length) this.segment(text, last, text.length)
  }

  /**
   * Token ids of `text`.
   *
   * @since 0.1.0
   */
  encode(text: string, options?: EncodeOptions): Uint32Array {
    this.out.length = 0
    this.run(text, options)
    return this.out.take()
  }

  /**
   * Token ids of many texts at once, back to back in one array: the ids of `texts[i]` are
   * `ids.subarray(offsets[i], offsets[i + 1])`, each followed by `eos` when given. One result
   * buffer per batch (what the worker threads of `Tokenize` send back, transferred, not copied).
   *
   * @since 0.1.0
   */
  encodeBatch(texts: ReadonlyArray<string>, options?: EncodeOptions & { readonly eos?: number | undefined }): { readonly ids: Uint32Array<ArrayBuffer>; readonly offsets: Uint32Array<ArrayBuffer> } {
    const offsets = new Uint32Array(texts.length + 1)
    const eos = options?.eos
    const out = this.out
    out.length = 0
    for (let i = 0; i < texts.length; i++) {
      this.run(texts[i]!, options)
      if (eos !== undefined) {
        out.reserve(1)
        out.data[out.length++] = eos
      }
      offsets[i + 1] = out.length
    }
    return { ids: out.take(), offsets }
  }

  /** Append the ids of the UTF-8 text `bytes[start, end)` to the internal buffer. */
  private runUtf8(bytes: Uint8Array, start: number, end: number, special: boolean): void {
    const matcher = special ? this.addedBytes : undefined
    let last = start
    if (matcher !== undefined) {
      for (let at = matcher.find(bytes, last, end); at >= 0; at = matcher.find(bytes, last, end)) {
        if (at > last) this.segmentUtf8(bytes, last, at)
        this.out.reserve(1)
        this.out.data[this.out.length++] = this.addedId.get(matcher.matchToken)!
        last = at + matcher.matchLength
      }
    }
    if (last < end) this.segmentUtf8(bytes, last, end)
  }

  /** Pre-tokenize and encode the UTF-8 `bytes[start, end)` (no added tokens in it), read in place. */
  private segmentUtf8(bytes: Uint8Array, start: number, end: number): void {
    const scan = this.preTokenizer.scanBytes
    if (scan !== undefined) return scan(bytes, start, end, this.onBytes)
    const text = decoderUtf8.decode(bytes.subarray(start, end))
    this.preTokenizer.split(text, 0, text.length, this.onPiece)
  }

  /**
   * {@link encodeBatch} for texts that are already UTF-8, back to back in `bytes` with Arrow-style
   * offsets (text `i` is `bytes[offsets[i], offsets[i + 1])`, as in an Arrow string column): the
   * pre-tokenizer reads the pieces in place, nothing is decoded or copied (for the preset
   * pre-tokenizers). The bytes must be valid UTF-8, as `TextEncoder` writes it (lone surrogates as
   * U+FFFD): the ids are then those of {@link encodeBatch} on the strings, with one exception, an
   * added token holding U+FFFD also matches where the string had a lone surrogate. Throws a
   * `RangeError` for offsets that decrease or leave the buffer.
   *
   * @since 0.1.0
   */
  encodeUtf8Batch(
    bytes: Uint8Array,
    offsets: ArrayLike<number>,
    options?: EncodeOptions & { readonly eos?: number | undefined }
  ): { readonly ids: Uint32Array<ArrayBuffer>; readonly offsets: Uint32Array<ArrayBuffer> } {
    const count = offsets.length - 1
    for (let i = 0; i < count; i++) {
      if (!(offsets[i]! >= 0 && offsets[i]! <= offsets[i + 1]! && offsets[i + 1]! <= bytes.length)) {
        throw new RangeError(`encodeUtf8Batch: offsets[${i}..${i + 1}] = ${offsets[i]}..${offsets[i + 1]} is not a range of the ${bytes.length} bytes`)
      }
    }
    const out = new Uint32Array(Math.max(0, count) + 1)
    const eos = options?.eos
    const special = options?.special !== false
    const ids = this.out
    ids.length = 0
    for (let i = 0; i < count; i++) {
      this.runUtf8(bytes, offsets[i]!, offsets[i + 1]!, special)
      if (eos !== undefined) {
        ids.reserve(1)
        ids.data[ids.length++] = eos
      }
      out[i + 1] = ids.length
    }
    return { ids: ids.take(), offsets: out }
  }

  /**
   * Number of tokens of `text`, without keeping the ids.
   *
   * @since 0.1.0
   */
  count(text: string, options?: EncodeOptions): number {
    this.out.length = 0
    this.run(text, options)
    const n = this.out.length
    this.out.length = 0
    return n
  }

  /**
   * The bytes that `ids` stand for. Unknown ids are skipped, as HF does.
   *
   * @since 0.1.0
   */
  decodeToBytes(ids: ArrayLike<number>, options?: DecodeOptions): Uint8Array {
    let total = 0
    const skip = options?.skipSpecial === true
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      if (skip && this.specialIds.has(id)) continue
      total += this.decodeBytes[id]?.length ?? 0
    }
    const out = new Uint8Array(total)
    let o = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      if (skip && this.specialIds.has(id)) continue
      const b = this.decodeBytes[id]
      if (b !== undefined) {
        out.set(b, o)
        o += b.length
      }
    }
    return out
  }

  /**
   * The text of `ids`: bytes of all tokens, then one lossy UTF-8 decode (so tokens that split a
   * character decode correctly). `decode(encode(x)) === x.toWellFormed()` for every string.
   *
   * @since 0.1.0
   */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decoderUtf8.decode(this.decodeToBytes(ids, options))
  }

  /** The tokenizer.json text. @since 0.1.0 */
  toString(): string {
    return JSON.stringify(this.json, null, 2)
  }

  /** Write tokenizer.json atomically (temporary name, then rename). @since 0.1.0 */
  saveSync(file: string): void {
    const tmp = `${file}.tmp-${process.pid}`
    fs.writeFileSync(tmp, this.toString())
    fs.renameSync(tmp, file)
  }
}
