/**
 * The peer: datasketch (ekzhu/datasketch) run by the machine's python3 with numpy, from a checkout
 * kept outside the repository (`DATASKETCH_PATH`, default /tmp/datasketch). It shingles exactly as
 * we do in `bigcode` mode (runs of [A-Za-z_0-9], empty tokens dropped, 5-grams joined by spaces,
 * one shingle of all tokens for shorter documents), signs with `MinHash(num_perm, seed=42)` and
 * `update_batch`, then optionally runs `MinHashLSH` keep-first queries to get candidate edges.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export const datasketchPath = process.env.DATASKETCH_PATH ?? "/tmp/datasketch"

const script = String.raw`
import sys, json, time, re, resource
sys.path.insert(0, sys.argv[1])
from datasketch import MinHash, MinHashLSH
path, num_perm, threshold, ngram, want_lsh = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"
docs = [json.loads(l)["content"] for l in open(path, encoding="utf-8") if l.strip()]
split = re.compile(r"[^A-Za-z_0-9]")
t0 = time.perf_counter()
mhs = []
for c in docs:
    toks = [t for t in split.split(c) if t]
    if len(toks) < ngram:
        grams = {" ".join(toks)} if toks else set()
    else:
        grams = {" ".join(toks[i:i + ngram]) for i in range(len(toks) - ngram + 1)}
    m = MinHash(num_perm=num_perm, seed=42)
    m.update_batch([g.encode("utf-8") for g in grams])
    mhs.append(m if grams else None)
t1 = time.perf_counter()
edges = []
lsh_s = 0.0
if want_lsh:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(mhs):
        if m is None:
            continue
        for j in lsh.query(m):
            edges.append([int(j), i])
        lsh.insert(i, m)
    lsh_s = time.perf_counter() - t1
print(json.dumps({"hash_s": t1 - t0, "lsh_s": lsh_s, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": sum(len(c.encode("utf-8")) for c in docs), "docs": len(docs), "edges": edges}))
`

export interface PeerResult {
  readonly hashSeconds: number
  readonly lshSeconds: number
  readonly peakMb: number
  readonly bytes: number
  readonly docs: number
  readonly edges: ReadonlyArray<readonly [number, number]>
}

/** Why the peer cannot run here, or undefined when it can. */
export const peerUnavailable = (): string | undefined => {
  if (!fs.existsSync(path.join(datasketchPath, "datasketch", "minhash.py"))) return `no datasketch checkout at ${datasketchPath} (set DATASKETCH_PATH)`
  const probe = spawnSync("python3", ["-c", "import numpy, scipy"], { encoding: "utf8" })
  if (probe.status !== 0) return `python3 with numpy and scipy is not available: ${(probe.stderr ?? "").trim().split("\n").pop()}`
  return undefined
}

/** Run datasketch over `docs` (written to a temporary JSONL file). */
export const runPeer = (docs: ReadonlyArray<{ readonly content: string }>, options: { numPerm: number; threshold: number; ngram: number; lsh: boolean }): PeerResult => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dedup-peer-"))
  const file = path.join(dir, "docs.jsonl")
  fs.writeFileSync(file, docs.map((d) => JSON.stringify({ content: d.content })).join("\n") + "\n")
  const scriptFile = path.join(dir, "peer.py")
  fs.writeFileSync(scriptFile, script)
  const r = spawnSync("python3", [scriptFile, datasketchPath, file, String(options.numPerm), String(options.threshold), String(options.ngram), options.lsh ? "1" : "0"], {
    encoding: "utf8",
    maxBuffer: 1 << 30
  })
  fs.rmSync(dir, { recursive: true, force: true })
  if (r.status !== 0) throw new Error(`datasketch run failed: ${r.stderr}`)
  const out = JSON.parse(r.stdout) as { hash_s: number; lsh_s: number; peak_mb: number; bytes: number; docs: number; edges: Array<[number, number]> }
  return { hashSeconds: out.hash_s, lshSeconds: out.lsh_s, peakMb: out.peak_mb, bytes: out.bytes, docs: out.docs, edges: out.edges }
}
