/**
 * Worker thread for the tokenize operator: rebuilds the tokenizer from the snapshot it is given,
 * receives each batch of texts as packed UTF-8 ({@link PackedTexts}, transferred) and answers with
 * all ids back to back (end-of-text ids included), the offset where each text's ids start, and the
 * batch's buffers handed back for reuse. Everything travels transferred, nothing is cloned; the
 * pre-tokenizer reads the pieces from the received bytes in place. Imports no Effect.
 */
import { parentPort, workerData } from "node:worker_threads"
import { Tokenizer, type TokenizerSnapshot } from "../Tokenizer.ts"
import type { PackedTexts } from "./TextBatch.ts"

export interface EncodeWorkerData {
  readonly snapshot: TokenizerSnapshot
  /** Id appended after each text. */
  readonly eos: number | undefined
}

export interface EncodeRequest extends PackedTexts {
  readonly id: number
}

export interface EncodeReply {
  readonly id: number
  readonly ids: Uint32Array<ArrayBuffer>
  readonly offsets: Uint32Array<ArrayBuffer>
  /** The request's buffers, handed back. */
  readonly textBytes: ArrayBuffer
  readonly textOffsets: ArrayBuffer
  /** On a worker's first reply: the CPU seconds it spent starting (imports, tokenizer restore). */
  readonly startCpuSeconds?: number | undefined
}

const data = workerData as EncodeWorkerData
const tokenizer = Tokenizer.fromSnapshot(data.snapshot)
const options = { eos: data.eos }
const started = process.threadCpuUsage()
let startCpuSeconds: number | undefined = (started.user + started.system) / 1e6
parentPort!.on("message", (req: EncodeRequest) => {
  const { ids, offsets } = tokenizer.encodeUtf8Batch(req.bytes, req.offsets, options)
  const reply: EncodeReply = { id: req.id, ids, offsets, textBytes: req.bytes.buffer, textOffsets: req.offsets.buffer, startCpuSeconds }
  startCpuSeconds = undefined
  parentPort!.postMessage(reply, [ids.buffer, offsets.buffer, reply.textBytes, reply.textOffsets])
})
