/**
 * Worker thread for parallel piece counting: receives batches of documents as packed UTF-8
 * ({@link PackedTexts}), answers with the distinct pieces and their counts as typed arrays, and
 * hands the batch's buffers back for reuse. One counter is kept for the worker's life and emptied
 * after each batch, keeping its arrays.
 */
import { parentPort, workerData } from "node:worker_threads"
import { type CounterOptions, PieceCounter } from "../PieceCounter.ts"
import type { PieceTableData } from "./PieceTable.ts"
import type { PackedTexts } from "./TextBatch.ts"

export interface CountRequest extends PackedTexts {
  readonly id: number
}

export interface CountReply {
  readonly id: number
  readonly data: PieceTableData
  /** The request's buffers, handed back. */
  readonly bytes: ArrayBuffer
  readonly offsets: ArrayBuffer
}

const options = workerData as CounterOptions
const counter = new PieceCounter({ ...options, maxPieces: Number.MAX_SAFE_INTEGER })
const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
parentPort!.on("message", (req: CountRequest) => {
  for (let i = 0; i < req.count; i++) counter.countText(decoder.decode(req.bytes.subarray(req.offsets[i]!, req.offsets[i + 1]!)))
  const data = counter.table.data()
  counter.table.reset()
  const reply: CountReply = { id: req.id, data, bytes: req.bytes.buffer, offsets: req.offsets.buffer }
  parentPort!.postMessage(reply, [data.chars.buffer, data.start.buffer, data.len.buffer, data.hash.buffer, data.count.buffer, reply.bytes, reply.offsets])
})
