/**
 * Worker thread for parallel piece counting: receives batches of documents, answers with the
 * distinct pieces and their counts.
 */
import { parentPort, workerData } from "node:worker_threads"
import { type CounterOptions, PieceCounter } from "../PieceCounter.ts"
import type { PieceTableData } from "./PieceTable.ts"

export interface CountRequest {
  readonly id: number
  readonly texts: ReadonlyArray<string>
}

export interface CountReply {
  readonly id: number
  readonly data: PieceTableData
}

const options = workerData as CounterOptions
parentPort!.on("message", (req: CountRequest) => {
  const counter = new PieceCounter({ ...options, maxPieces: Number.MAX_SAFE_INTEGER })
  for (const text of req.texts) counter.countText(text)
  const data = counter.table.data()
  const reply: CountReply = { id: req.id, data }
  parentPort!.postMessage(reply, [data.chars.buffer, data.start.buffer, data.len.buffer, data.hash.buffer, data.count.buffer])
})
