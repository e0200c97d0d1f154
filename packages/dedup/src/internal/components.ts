/**
 * Sharded connected components for the multi-stage mode: clustering as rounds of `C` tasks, each
 * task owning one range of document ids (a *partition*) and never holding more than that range's
 * state plus the messages addressed to it. Every function here is one task of one round: it reads
 * the files of earlier rounds, computes with typed arrays, and returns the files it writes (the
 * caller writes them atomically through dataflow's executor, so every round resumes).
 *
 * Rounds:
 *
 * 1. `link-k` (k = 0 .. C-1). Edge `(a, b)`, `a < b`, lives in the partition owning `b`. A task
 *    keeps a local union-find over its range (root: smallest id) and, per local root, `ext`: the
 *    smallest id *below its range* known to be connected. Uniting two local roots with different
 *    `ext`, or an edge to a second outside id, yields a pair of outside ids to connect: that pair is
 *    sent to the partition owning the larger one (star-compressed per sender, so a task receives at
 *    most one message per node per sender). Messages only go to lower partitions, so partition `q`
 *    is final after round `C-1-q`: at most C rounds, usually 1 or 2.
 * 2. `ask-j` / `answer-j`: pointer doubling over `ext` (each hop goes to a lower partition, so at
 *    most C-1 hops, halved per round pair): a root asks the owner of its pointer for that node's
 *    pointer, and learns whether it is final.
 * 3. `aggregate`, `combine`: per final root (the component's smallest id), sizes, the survivor by
 *    rank and the in-index flag, summed per partition, sent to the root's owner, combined there and
 *    sent back.
 * 4. `assign`: per input shard, the records the filter stage reads, and the clusters file lines.
 *
 * The final root of every document is the smallest id of its connected component, whatever the
 * partition count: the same cluster ids as one union-find over every edge.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { CorruptFile } from "../Errors.ts"
import { growU32 } from "./hash.ts"
import { lowerBound } from "./search.ts"
import { decode, encode, pad, u32Records } from "./spill.ts"

/** One output file of a task: its name (given the task rank) and bytes. */
export interface FileOut {
  readonly name: (rank: number) => string
  readonly data: Uint8Array
}

const NONE = 0xffffffff

/** Document-id partitions: `C` contiguous ranges of `[0, N)`. */
export class Layout {
  /** Input shard offsets (length tasks + 1). */
  readonly offsets: Uint32Array
  readonly total: number
  readonly parts: number
  constructor(offsets: Uint32Array, parts: number) {
    this.offsets = offsets
    this.total = offsets[offsets.length - 1]!
    this.parts = parts
  }
  /** First id of partition `q` (`lo(parts)` is the total). */
  lo(q: number): number {
    return Math.floor((q * this.total + this.parts - 1) / this.parts)
  }
  /** The partition owning id `x`. */
  owner(x: number): number {
    return Math.floor((x * this.parts) / this.total)
  }
}

export const layoutName = (rank: number) => `layout-t${pad(rank, 5)}.bin`
export const encodeLayout = (offsets: ReadonlyArray<number>): FileOut => ({ name: layoutName, data: encode("PDLY", [offsets.length], new Uint8Array(new Uint32Array(offsets).buffer)) })
export const readLayout = (bucketsDir: string, parts: number): Layout => {
  const file = path.join(bucketsDir, layoutName(0))
  const { body, header } = decode(file, "PDLY")
  return new Layout(new Uint32Array(u32Records(file, body, 1, header[0]!)), parts)
}

/** Edge file of bucket task `t` for partition `d`. */
export const edgeName = (d: number) => (t: number) => `edges-d${pad(d, 5)}-t${pad(t, 5)}.bin`

/** Split star edges (a < b) by the partition owning `b`. */
export const splitEdges = (edges: Uint32Array, count: number, layout: Layout): Array<FileOut> => {
  const C = layout.parts
  const sizes = new Uint32Array(C)
  for (let i = 0; i < count; i++) sizes[layout.owner(edges[2 * i + 1]!)]!++
  const parts = Array.from({ length: C }, (_, d) => new Uint32Array(2 * sizes[d]!))
  const fill = new Uint32Array(C)
  for (let i = 0; i < count; i++) {
    const d = layout.owner(edges[2 * i + 1]!)
    const at = fill[d]!++
    parts[d]![2 * at] = edges[2 * i]!
    parts[d]![2 * at + 1] = edges[2 * i + 1]!
  }
  return parts.map((p, d) => ({ name: edgeName(d), data: encode("PDED", [p.length / 2, layout.total], new Uint8Array(p.buffer)) }))
}

const readPairs = (file: string, magic: string): Uint32Array => {
  if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the previous round did not write it" })
  const { body, header } = decode(file, magic)
  return u32Records(file, body, 2, header[0]!)
}

/** A partition's local union-find plus, per local root, the smallest connected id below the range. */
class LinkState {
  readonly lo: number
  readonly n: number
  readonly par: Int32Array<ArrayBuffer>
  readonly ext: Uint32Array<ArrayBuffer>
  private out = new Uint32Array(1024)
  private no = 0

  constructor(lo: number, n: number, par?: Int32Array<ArrayBuffer>, ext?: Uint32Array<ArrayBuffer>) {
    this.lo = lo
    this.n = n
    this.par = par ?? Int32Array.from({ length: n }, (_, i) => i)
    this.ext = ext ?? new Uint32Array(n).fill(NONE)
  }

  find(i: number): number {
    const par = this.par
    while (par[i] !== i) {
      const p = par[i]!
      par[i] = par[p]!
      i = par[i]!
    }
    return i
  }

  private emit(a: number, b: number): void {
    this.out = growU32(this.out, 2 * this.no + 2)
    this.out[2 * this.no] = a > b ? a : b
    this.out[2 * this.no + 1] = a > b ? b : a
    this.no++
  }

  private mergeExt(r: number, e: number): void {
    if (e === NONE) return
    const cur = this.ext[r]!
    if (cur === NONE) this.ext[r] = e
    else if (cur !== e) {
      this.ext[r] = cur < e ? cur : e
      this.emit(cur, e)
    }
  }

  /** Connect `t` (in the range) with `v < t` (anywhere below `t`). */
  union(t: number, v: number): void {
    const rt = this.find(t - this.lo)
    if (v >= this.lo) {
      const rv = this.find(v - this.lo)
      if (rt === rv) return
      const hi = rt > rv ? rt : rv
      const lo = rt > rv ? rv : rt
      this.par[hi] = lo
      this.mergeExt(lo, this.ext[hi]!)
    } else this.mergeExt(rt, v)
  }

  /** The pairs to send, star-compressed: one (node, smallest connected node) per distinct node, by owner. */
  messages(layout: Layout, rank: number): { files: Array<FileOut>; sent: number } {
    const no = this.no
    const nodes = new Uint32Array(2 * no)
    nodes.set(this.out.subarray(0, 2 * no))
    nodes.sort()
    let m = 0
    for (let i = 0; i < nodes.length; i++) if (i === 0 || nodes[i] !== nodes[i - 1]) nodes[m++] = nodes[i]!
    const ids = nodes.subarray(0, m)
    const dense = (x: number) => lowerBound(ids, 1, m, x)
    const par = Int32Array.from({ length: m }, (_, i) => i)
    const find = (i: number) => {
      while (par[i] !== i) {
        par[i] = par[par[i]!]!
        i = par[i]!
      }
      return i
    }
    for (let i = 0; i < no; i++) {
      const a = find(dense(this.out[2 * i]!))
      const b = find(dense(this.out[2 * i + 1]!))
      if (a > b) par[a] = b
      else if (b > a) par[b] = a
    }
    const perDest: Array<Array<number>> = Array.from({ length: rank }, () => [])
    let sent = 0
    for (let i = 0; i < m; i++) {
      const root = find(i)
      if (root === i) continue
      perDest[layout.owner(ids[i]!)]!.push(ids[i]!, ids[root]!)
      sent++
    }
    return { files: perDest.map((p, d) => ({ name: msgName(d), data: encode("PDCM", [p.length / 2], new Uint8Array(new Uint32Array(p).buffer)) })), sent }
  }

  file(): FileOut {
    const body = new Uint8Array(8 * this.n)
    body.set(new Uint8Array(this.par.buffer, 0, 4 * this.n), 0)
    body.set(new Uint8Array(this.ext.buffer, 0, 4 * this.n), 4 * this.n)
    return { name: stateName, data: encode("PDCS", [this.lo, this.n], body) }
  }

  static read(file: string, lo: number, n: number): LinkState {
    if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the previous round did not write it" })
    const { body, header } = decode(file, "PDCS")
    if (header[0] !== lo || header[1] !== n || body.byteLength !== 8 * n) throw new CorruptFile({ file, position: "byte 12", reason: `expected the state of ids ${lo}..${lo + n}` })
    const words = u32Records(file, body, 2, n)
    return new LinkState(lo, n, new Int32Array(words.buffer, 0, n).slice(), words.slice(n, 2 * n))
  }
}

const stateName = (rank: number) => `state-t${pad(rank, 5)}.bin`
const msgName = (d: number) => (rank: number) => `msg-d${pad(d, 5)}-t${pad(rank, 5)}.bin`
const doneName = (rank: number) => `done-t${pad(rank, 5)}.bin`
const doneFile = (sent: number): FileOut => ({ name: doneName, data: encode("PDCD", [sent], new Uint8Array(0)) })

/** Messages a round sent in all (the sum of its tasks' done files); undefined when a file is missing. */
export const roundSent = (dir: string, parts: number): number | undefined => {
  let sent = 0
  for (let q = 0; q < parts; q++) {
    const file = path.join(dir, doneName(q))
    if (!fs.existsSync(file)) return undefined
    sent += decode(file, "PDCD").header[0]!
  }
  return sent
}

/** The first of `dirs` (rounds in order) whose tasks sent nothing: its state is final. */
export const firstQuiet = (dirs: ReadonlyArray<string>, parts: number): number => {
  for (let k = 0; k < dirs.length; k++) if (roundSent(dirs[k]!, parts) === 0) return k
  throw new CorruptFile({ file: dirs[dirs.length - 1]!, position: "byte 0", reason: "no round of this phase completed without messages" })
}

/** Round `link-k`, task `q`. `prev` is round k-1's directory (undefined for k = 0). */
export const linkRound = (layout: Layout, bucketsDir: string, edgeFiles: number, prev: string | undefined, q: number): Array<FileOut> => {
  const lo = layout.lo(q)
  const n = layout.lo(q + 1) - lo
  let state: LinkState
  if (prev === undefined) {
    state = new LinkState(lo, n)
    for (let t = 0; t < edgeFiles; t++) {
      const pairs = readPairs(path.join(bucketsDir, edgeName(q)(t)), "PDED")
      for (let i = 0; i < pairs.length; i += 2) {
        const a = pairs[i]!
        const b = pairs[i + 1]!
        if (a !== b) state.union(a > b ? a : b, a > b ? b : a)
      }
    }
  } else {
    state = LinkState.read(path.join(prev, stateName(q)), lo, n)
    for (let p = q + 1; p < layout.parts; p++) {
      const pairs = readPairs(path.join(prev, msgName(q)(p)), "PDCM")
      for (let i = 0; i < pairs.length; i += 2) state.union(pairs[i]!, pairs[i + 1]!)
    }
  }
  const { files, sent } = state.messages(layout, q)
  return [state.file(), ...files, doneFile(sent)]
}

/** Pointer state of the doubling rounds: per local root with an outside id, its pointer and whether it is final. */
interface Pointers {
  readonly ptr: Uint32Array<ArrayBuffer>
  readonly fin: Uint8Array<ArrayBuffer>
}

const ptrName = (rank: number) => `ptr-t${pad(rank, 5)}.bin`
const queryName = (d: number) => (rank: number) => `query-d${pad(d, 5)}-t${pad(rank, 5)}.bin`
const answerName = (d: number) => (rank: number) => `answer-d${pad(d, 5)}-t${pad(rank, 5)}.bin`

const readPointers = (file: string, n: number): Pointers => {
  const { body } = decode(file, "PDCP")
  if (body.byteLength !== 5 * n) throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: `expected ${5 * n} bytes` })
  return { ptr: new Uint32Array(body.buffer.slice(0, 4 * n)), fin: body.slice(4 * n, 5 * n) }
}

const pointersFile = (p: Pointers): FileOut => {
  const n = p.fin.length
  const body = new Uint8Array(5 * n)
  body.set(new Uint8Array(p.ptr.buffer, 0, 4 * n), 0)
  body.set(p.fin, 4 * n)
  return { name: ptrName, data: encode("PDCP", [n], body) }
}

/** Final link state of partition `q`. */
const finalLink = (layout: Layout, linkDirs: ReadonlyArray<string>, q: number): LinkState => {
  const k = firstQuiet(linkDirs, layout.parts)
  const lo = layout.lo(q)
  return LinkState.read(path.join(linkDirs[k]!, stateName(q)), lo, layout.lo(q + 1) - lo)
}

/** Round `ask-j`, task `q`: apply the answers to the previous asks, ask again for pointers not final. */
export const askRound = (
  layout: Layout,
  linkDirs: ReadonlyArray<string>,
  prev: { readonly ask: string; readonly answer: string } | undefined,
  q: number
): Array<FileOut> => {
  const link = finalLink(layout, linkDirs, q)
  const n = link.n
  let p: Pointers
  if (prev === undefined) {
    p = { ptr: new Uint32Array(n).fill(NONE), fin: new Uint8Array(n) }
    for (let i = 0; i < n; i++) if (link.par[i] === i && link.ext[i] !== NONE) p.ptr[i] = link.ext[i]!
  } else {
    p = readPointers(path.join(prev.ask, ptrName(q)), n)
    const answers: Array<Uint32Array> = []
    for (let s = 0; s < q; s++) {
      const file = path.join(prev.answer, answerName(q)(s))
      if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the previous round did not write it" })
      const { body, header } = decode(file, "PDCA")
      answers.push(u32Records(file, body, 3, header[0]!))
    }
    for (let i = 0; i < n; i++) {
      if (p.ptr[i] === NONE || p.fin[i] === 1) continue
      const target = p.ptr[i]!
      const a = answers[layout.owner(target)]!
      const x = lowerBound(a, 3, a.length / 3, target)
      if (x >= a.length / 3 || a[3 * x] !== target) throw new CorruptFile({ file: prev.answer, position: `task ${q}`, reason: `no answer for id ${target}` })
      p.ptr[i] = a[3 * x + 1]!
      p.fin[i] = a[3 * x + 2]!
    }
  }
  const asks: Array<Array<number>> = Array.from({ length: q }, () => [])
  for (let i = 0; i < n; i++) if (p.ptr[i] !== NONE && p.fin[i] === 0) asks[layout.owner(p.ptr[i]!)]!.push(p.ptr[i]!)
  let sent = 0
  const files: Array<FileOut> = asks.map((list, d) => {
    const u = Uint32Array.from(list).sort()
    let m = 0
    for (let i = 0; i < u.length; i++) if (i === 0 || u[i] !== u[i - 1]) u[m++] = u[i]!
    sent += m
    return { name: queryName(d), data: encode("PDCQ", [m], new Uint8Array(u.buffer, 0, 4 * m)) }
  })
  return [pointersFile(p), ...files, doneFile(sent)]
}

/** Round `answer-j`, task `s`: answer the queries of round `ask-j` with this partition's pointers. */
export const answerRound = (layout: Layout, linkDirs: ReadonlyArray<string>, askDir: string, s: number): Array<FileOut> => {
  const link = finalLink(layout, linkDirs, s)
  const p = readPointers(path.join(askDir, ptrName(s)), link.n)
  const files: Array<FileOut> = []
  for (let q = s + 1; q < layout.parts; q++) {
    const file = path.join(askDir, queryName(s)(q))
    if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the previous round did not write it" })
    const { body, header } = decode(file, "PDCQ")
    const ids = u32Records(file, body, 1, header[0]!)
    const out = new Uint32Array(3 * ids.length)
    for (let i = 0; i < ids.length; i++) {
      const r = link.find(ids[i]! - link.lo)
      out[3 * i] = ids[i]!
      if (link.ext[r] === NONE) {
        out[3 * i + 1] = link.lo + r
        out[3 * i + 2] = 1
      } else {
        out[3 * i + 1] = p.ptr[r]!
        out[3 * i + 2] = p.fin[r]!
      }
    }
    files.push({ name: answerName(q), data: encode("PDCA", [ids.length], new Uint8Array(out.buffer)) })
  }
  return files
}

/** The final root (smallest id of the component) of every id of partition `q`. */
export const finalRoots = (layout: Layout, linkDirs: ReadonlyArray<string>, askDirs: ReadonlyArray<string>, q: number): { lo: number; roots: Uint32Array } => {
  const link = finalLink(layout, linkDirs, q)
  const j = firstQuiet(askDirs, layout.parts)
  const p = readPointers(path.join(askDirs[j]!, ptrName(q)), link.n)
  const roots = new Uint32Array(link.n)
  for (let i = 0; i < link.n; i++) {
    const r = link.find(i)
    if (link.ext[r] === NONE) roots[i] = link.lo + r
    else if (p.fin[r] === 1) roots[i] = p.ptr[r]!
    else throw new CorruptFile({ file: path.join(askDirs[j]!, ptrName(q)), position: `id ${link.lo + i}`, reason: "pointer not resolved" })
  }
  return { lo: link.lo, roots }
}

/** Per-root summary: a cluster's size, survivor (with its rank keys) and in-index flag. */
export const RECORD = 9 // root, size, best, flag, license, stars, forks, revision, visit (f64 each)

/** Is the candidate at `a` (record offset in `x`) a better survivor than the one at `b` in `y`? */
export const betterRecord = (x: Float64Array, a: number, y: Float64Array, b: number, stackV2: boolean): boolean => {
  if (stackV2) {
    if (x[a + 4] !== y[b + 4]) return x[a + 4]! < y[b + 4]!
    for (let k = 5; k < 9; k++) if (x[a + k] !== y[b + k]) return x[a + k]! > y[b + k]!
  }
  return x[a + 2]! < y[b + 2]!
}

export const recordsFile = (name: (rank: number) => string, magic: string, records: Float64Array, count: number): FileOut => ({
  name,
  data: encode(magic, [count], new Uint8Array(records.buffer, 0, 8 * RECORD * count))
})

export const readRecords = (file: string, magic: string): Float64Array => {
  if (!fs.existsSync(file)) throw new CorruptFile({ file, position: "byte 0", reason: "missing: the previous round did not write it" })
  const { body, header } = decode(file, magic)
  if (body.byteLength !== 8 * RECORD * header[0]!) throw new CorruptFile({ file, position: `byte ${body.byteLength}`, reason: `expected ${header[0]} records` })
  return new Float64Array(body.buffer, 0, RECORD * header[0]!)
}
