/**
 * Worker of `bench/scaling.bench.ts`: signs the documents of one shard, received as one UTF-8
 * buffer plus offsets (transferred, not cloned; one message per shard, not per document), and
 * answers with the signatures (transferred) and the thread's own CPU time for the work.
 */
import { parentPort } from "node:worker_threads"
import { MinHasher } from "../../src/MinHash.ts"
import { Shingler } from "../../src/Shingle.ts"

const shingler = new Shingler({ mode: "bigcode", n: 5 })
const hasher = new MinHasher({ numPerm: 256, seed: 42 })
const decoder = new TextDecoder()

parentPort!.on("message", (job: { text: Uint8Array; offsets: Uint32Array }) => {
  const cpu = process.threadCpuUsage()
  const t = performance.now()
  const n = job.offsets.length - 1
  const out = new Uint32Array(256 * n)
  for (let i = 0; i < n; i++) {
    const content = decoder.decode(job.text.subarray(job.offsets[i]!, job.offsets[i + 1]!))
    const h = shingler.hashes(content)
    if (h.length > 0) hasher.signature(h, out.subarray(256 * i, 256 * i + 256))
  }
  const used = process.threadCpuUsage(cpu)
  parentPort!.postMessage({ signatures: out, cpuSeconds: (used.user + used.system) / 1e6, seconds: (performance.now() - t) / 1000 }, [out.buffer])
})
