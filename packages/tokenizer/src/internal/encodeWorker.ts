/**
 * Worker thread for the tokenize operator: rebuilds the tokenizer from the snapshot it is given and
 * answers each batch of texts with all ids back to back (end-of-text ids included) and the offset
 * where each text's ids start. Both arrays are transferred, not copied. Imports no Effect.
 */
import { parentPort, workerData } from "node:worker_threads"
import { Tokenizer, type TokenizerSnapshot } from "../Tokenizer.ts"

export interface EncodeWorkerData {
  readonly snapshot: TokenizerSnapshot
  /** Id appended after each text. */
  readonly eos: number | undefined
}

export interface EncodeRequest {
  readonly id: number
  readonly texts: ReadonlyArray<string>
}

export interface EncodeReply {
  readonly id: number
  readonly ids: Uint32Array<ArrayBuffer>
  readonly offsets: Uint32Array<ArrayBuffer>
}

const data = workerData as EncodeWorkerData
const tokenizer = Tokenizer.fromSnapshot(data.snapshot)
const options = { eos: data.eos }
parentPort!.on("message", (req: EncodeRequest) => {
  const { ids, offsets } = tokenizer.encodeBatch(req.texts, options)
  const reply: EncodeReply = { id: req.id, ids, offsets }
  parentPort!.postMessage(reply, [ids.buffer, offsets.buffer])
})
