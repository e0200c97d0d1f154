/**
 * What the trainer's benchmarks share: a synthetic batch, the CPU backend's training throughput
 * and the PyTorch peer (`torch_train.py`) run on the same weights.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Batch from "../src/Batch.ts"
import * as Checkpoint from "../src/Checkpoint.ts"
import type { Model } from "../src/Model.ts"
import { AdamW } from "../src/Optimizer.ts"

/** User CPU seconds of this thread. */
export const threadSeconds = (): number => process.threadCpuUsage().user / 1e6

/** A B x T batch of spread-out tokens and targets below `vocabSize`, one document per row. */
export const syntheticBatch = (B: number, T: number, vocabSize: number): Batch.Batch => {
  const batch = Batch.alloc(B, T)
  for (let i = 0; i < B * T; i++) {
    batch.tokens[i] = (i * 2654435761) % vocabSize
    batch.targets[i] = (i * 40503) % vocabSize
  }
  return batch
}

/** CPU backend, one thread: training tokens per thread CPU-second over `steps` AdamW steps after a warm-up step. */
export const cpuTrainingTokensPerSec = (model: Model, batch: Batch.Batch, steps: number): number => {
  const opt = AdamW.forModel(model)
  const step = () => {
    model.zeroGrad()
    model.forward(batch, 1)
    model.backward()
    opt.update(model.params, model.grads, 1e-4, 1)
  }
  step()
  const t0 = threadSeconds()
  for (let s = 0; s < steps; s++) step()
  return (batch.B * batch.T * steps) / (threadSeconds() - t0)
}

/** What `torch_train.py` prints. */
export interface TorchResult {
  /** The torch version. */
  readonly torch: string
  /** The CUDA device's name, or "one CPU thread". */
  readonly device: string
  readonly tokensPerSec: number
  /** GFLOP/s of each requested matmul shape, one CPU thread. */
  readonly matmul: Record<string, number>
}

/**
 * Runs the PyTorch peer (`torch_train.py`, see there for `spec`) on `model`, written as safetensors
 * to a temporary directory, with BLAS held to one thread. Returns its result, or the last line of
 * its error output when it fails (no torch, say).
 */
export const torchPeer = (model: Model, spec: object): TorchResult | string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainer-bench-"))
  try {
    Checkpoint.writeModel(dir, model)
    const peer = spawnSync("/usr/bin/python3", [path.join(import.meta.dirname, "torch_train.py"), JSON.stringify({ ...spec, dir })], {
      encoding: "utf8",
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
    })
    if (peer.status !== 0) return peer.stderr?.trim().split("\n").at(-1) ?? String(peer.error)
    return JSON.parse(peer.stdout.trim().split("\n").at(-1)!) as TorchResult
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
