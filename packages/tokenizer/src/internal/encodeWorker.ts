/**
 * Worker thread for the tokenize operator: rebuilds the tokenizer from the snapshot it is given, answers
 * each batch of texts with all ids back to back and the offset where each text's ids start.
 */
import { parentPort, workerData } from "node:worker_threads"
import { IdBuffer } from "./IdBuffer.ts"
import { Tokenizer, type TokenizerSnapshot } from "../Tokenizer.ts"

export interface EncodeRequest {
  readonly id: number
  readonly texts: ReadonlyArray<string>
}

export interface EncodeReply {
  readonly id: number
  readonly ids: Uint32Array
  readonly offsets: Uint32Array
}

const tokenizer = Tokenizer.fromSnapshot(workerData as TokenizerSnapshot)
parentPort!.on("message", (req: EncodeRequest) => {
  const all = new IdBuffer(1 << 16)
  const offsets = new Uint32Array(req.texts.length + 1)
  req.texts.forEach((text, i) => {
    const ids = tokenizer.encode(text)
    all.reserve(ids.length)
    all.data.set(ids, all.length)
    all.length += ids.length
    offsets[i + 1] = all.length
  })
  const ids = all.take()
  const reply: EncodeReply = { id: req.id, ids, offsets }
  parentPort!.postMessage(reply, [ids.buffer as ArrayBuffer, offsets.buffer])
})
