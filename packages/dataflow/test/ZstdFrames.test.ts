/**
 * zstd files of several frames (concatenated files, piecewise writers, skippable frames) are read
 * whole (Node's own zstd decoders, one-shot and streaming, stop after the first frame).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { InputReadError, Jsonl, Shard } from "../src/index.ts"
import { decompressSync, FrameCutter } from "../src/internal/zstdFrames.ts"
import { tmpDirs } from "./support/tmp.ts"

const tmp = tmpDirs("dataflow-zstd-")

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => Jsonl.encodeLine({ content: `doc ${from + i} ${Math.sin(from + i)}` })).join("")
const zstd = (text: string | Buffer, checksum: 0 | 1) =>
  zlib.zstdCompressSync(Buffer.from(text), { params: { [zlib.constants.ZSTD_c_checksumFlag]: checksum, [zlib.constants.ZSTD_c_compressionLevel]: 3 } })
const skippable = (payload: Buffer) => {
  const head = Buffer.alloc(8)
  head.writeUInt32LE(0x184d2a53, 0)
  head.writeUInt32LE(payload.length, 4)
  return Buffer.concat([head, payload])
}

// Frames with and without checksums, of ordinary lines, of barely compressible base64, of one
// repeated character, an empty frame and a skippable frame.
const random = crypto.randomBytes(300_000).toString("base64")
const texts = [
  lines(0, 4000),
  lines(4000, 10),
  Jsonl.encodeLine({ content: random }),
  Jsonl.encodeLine({ content: "z".repeat(500_000) }),
  "",
  lines(4010, 3000)
]
const frames = [zstd(texts[0]!, 1), zstd(texts[1]!, 0), zstd(texts[2]!, 1), zstd(texts[3]!, 0), zstd(texts[4]!, 1), skippable(Buffer.from("metadata")), zstd(texts[5]!, 1)]
const whole = Buffer.concat(frames)
const expected = texts.join("")

describe("zstd streams of several frames", () => {
  it("the cutter ends each frame where it ends, whatever the chunk sizes", () => {
    const ends: Array<number> = []
    let total = 0
    for (const f of frames) ends.push(total += f.length)
    for (const seed of [1, 2, 3]) {
      const cutter = new FrameCutter()
      const found: Array<number> = []
      let at = 0
      let x = seed
      while (at < whole.length) {
        x = (x * 1103515245 + 12345) & 0x7fffffff
        const chunk = whole.subarray(at, Math.min(whole.length, at + 1 + (x % 4000)))
        for (let from = 0; from < chunk.length;) {
          const end = cutter.feed(chunk, from)
          if (end < 0) break
          found.push(at + end)
          from = end
        }
        at += chunk.length
      }
      assert.deepStrictEqual(found, ends)
      assert.isTrue(cutter.atFrameStart)
    }
    assert.strictEqual(decompressSync(whole).toString(), expected)
  })

  it.effect("the JSONL source reads every frame of a .jsonl.zst", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("multi"), "docs.jsonl.zst")
      fs.writeFileSync(file, whole)
      const docs = yield* Stream.runCollect(Jsonl.source(file).read(Shard.whole))
      const contents = [...docs].map((d) => d.content)
      assert.strictEqual(contents.length, 4000 + 10 + 1 + 1 + 3000)
      assert.strictEqual(contents[4009], `doc 4009 ${Math.sin(4009)}`)
      assert.strictEqual(contents[4010], random)
      assert.strictEqual(contents.at(-1), `doc 7009 ${Math.sin(7009)}`)
    }))

  it.effect("a stream cut inside a later frame fails naming the file", () =>
    Effect.gen(function*() {
      const file = path.join(tmp("cut"), "docs.jsonl.zst")
      fs.writeFileSync(file, whole.subarray(0, whole.length - 100))
      const error = yield* Effect.flip(Stream.runCollect(Jsonl.source(file).read(Shard.whole)))
      assert.instanceOf(error, InputReadError)
      assert.include(error.message, file)
      assert.throws(() => decompressSync(whole.subarray(0, whole.length - 100)), /truncated/)
    }))
})
