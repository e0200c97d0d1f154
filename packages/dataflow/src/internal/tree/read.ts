/**
 * Reading the text files of a source tree into Docs, shared by `SourceTree` and `NodeModules`:
 * synchronous reads into one reusable buffer, in chunks of many files (no Effect per file), binary
 * files (known extension, or a NUL byte in the first 8000 bytes) and invalid UTF-8 skipped with a
 * reason through the task's stats, one strict `TextDecoder` for the whole stream.
 */
import { Cause, Effect, type Pull, Stream } from "effect"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import type { Doc } from "../../Doc.ts"
import { InputReadError } from "../../Errors.ts"
import { detectLanguage, extensionOf } from "../../Language.ts"
import { Telemetry } from "../../Stats.ts"

/**
 * Why a file of a source tree did not become a Doc: `binary` (known extension or a NUL byte in its
 * first 8000 bytes), `non-utf8`, `too-large`, `missing` (listed, then gone: a file git tracks but the
 * work tree lacks), `not-a-file` (a listed path that is now a FIFO, device or directory).
 */
export type SkipReason = "binary" | "non-utf8" | "too-large" | "missing" | "not-a-file"

/** Opening with O_NONBLOCK never hangs on a FIFO; it changes nothing for regular files. */
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)

/** Default largest file read, in bytes (1 MiB, as The Stack's own cut-off). */
export const defaultMaxFileBytes = 1 << 20

/** Bytes of a file's start searched for a NUL byte (what git uses to call a file binary). */
export const binarySniffBytes = 8000

/**
 * Extensions (lower-case, no dot) of files that are binary whatever their bytes: images, fonts,
 * archives, compiled code, media, databases, model weights. Skipped without being read.
 */
export const binaryExtensions: ReadonlySet<string> = new Set((
  "png jpg jpeg gif bmp ico icns tif tiff webp avif heic psd xcf cur ani " +
  "woff woff2 ttf otf eot pfb pfm " +
  "zip gz tgz bz2 xz lz lz4 lzma zst zstd 7z rar tar jar war ear aar apk ipa crx xpi vsix nupkg whl egg deb rpm dmg iso img msi cab " +
  "exe dll so dylib node a lib o obj ko elf out class pyc pyo pyd beam wasm dex bc " +
  "pdf doc docx xls xlsx ppt pptx odt ods odp epub mobi " +
  "mp3 mp4 m4a m4v aac flac ogg oga ogv opus wav wma webm mkv mov avi wmv flv mpg mpeg mid midi " +
  "sqlite sqlite3 db mdb accdb dbf parquet arrow feather orc avro npy npz pkl pickle pt pth ckpt onnx safetensors tflite pb h5 hdf5 " +
  "bin dat pak blend fbx glb 3ds max swf fla keystore jks p12 pfx der crt.der gpg"
).split(" "))

/** One file to read: its absolute path, its path inside its repository, and the repository it belongs to. */
export interface FileJob<G> {
  readonly abs: string
  readonly rel: string
  readonly group: G
}

/** What a source adds around the content it read. */
export interface DocBuilder<G> {
  /** Source name: the operator name in stats and rejects. */
  readonly name: string
  readonly maxFileBytes: number
  /** The Doc of a file that was read and decoded. */
  readonly doc: (
    job: FileJob<G>,
    content: string,
    blobId: string,
    language: string | null,
    extension: string,
    length: number
  ) => Doc
  /** The record reported for a skipped file (its provenance, no content). */
  readonly rejected: (job: FileJob<G>, language: string | null, extension: string, length: number) => Record<string, unknown>
}

/** Aim for chunks of about this many content bytes or files, whichever comes first. */
const chunkBytes = 4 << 20
const chunkFiles = 1024

/** Git's blob id of bytes: SHA-1 of `blob <len>\0<bytes>`. */
const blobIdOf = (bytes: Uint8Array): string =>
  createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex")

const errnoOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null ? (cause as { code?: string }).code : undefined

/**
 * Stream the Docs of `jobs`, in order. Each pull reads up to ~4 MiB / 1024 files synchronously and
 * emits them as one chunk; skipped files are reported to the task's {@link Telemetry} with a
 * {@link SkipReason}. An I/O error other than a vanished file fails the stream with
 * {@link InputReadError} naming the file.
 */
export const readJobs = <G>(
  makeJobs: () => Iterator<FileJob<G>>,
  builder: DocBuilder<G>
): Stream.Stream<Doc, InputReadError> =>
  Stream.fromPull(Effect.map(Effect.service(Telemetry), (stats) => {
    const jobs = makeJobs()
    const op = stats.operator(builder.name)
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
    const max = builder.maxFileBytes
    let buffer = Buffer.allocUnsafe(Math.min(64 << 10, max + 1))
    let done = false

    const reject = (job: FileJob<G>, reason: SkipReason, language: string | null, extension: string, length: number) =>
      stats.reject({ record: builder.rejected(job, language, extension, length), reason, operator: builder.name, file: job.abs })

    /** Read one file into `out`; returns its byte length (0 when skipped). Throws on I/O errors. */
    const readOne = (job: FileJob<G>, out: Array<Doc>): number => {
      const extension = extensionOf(job.rel)
      if (extension !== "" && binaryExtensions.has(extension.toLowerCase())) {
        reject(job, "binary", detectLanguage({ path: job.rel }), extension, sizeOf(job.abs))
        return 0
      }
      let fd: number
      try {
        fd = fs.openSync(job.abs, openFlags)
      } catch (cause) {
        if (errnoOf(cause) === "ENOENT") {
          reject(job, "missing", detectLanguage({ path: job.rel }), extension, 0)
          return 0
        }
        throw cause
      }
      let length = 0
      try {
        const stat = fs.fstatSync(fd)
        if (!stat.isFile()) {
          reject(job, "not-a-file", detectLanguage({ path: job.rel }), extension, 0)
          return 0
        }
        const size = stat.size
        if (size > max) {
          reject(job, "too-large", detectLanguage({ path: job.rel }), extension, size)
          return 0
        }
        if (buffer.length < size + 1) buffer = Buffer.allocUnsafe(Math.min(Math.max(size + 1, buffer.length * 2), max + 1))
        // Read until EOF (the file may have grown since fstat) or past the limit.
        for (;;) {
          const n = fs.readSync(fd, buffer, length, buffer.length - length, null)
          if (n === 0) break
          length += n
          if (length === buffer.length) {
            if (length > max) break
            buffer = Buffer.concat([buffer], Math.min(buffer.length * 2, max + 1))
          }
        }
      } finally {
        fs.closeSync(fd)
      }
      if (length > max) {
        reject(job, "too-large", detectLanguage({ path: job.rel }), extension, length)
        return 0
      }
      const bytes = buffer.subarray(0, length)
      if (bytes.subarray(0, binarySniffBytes).indexOf(0) !== -1) {
        reject(job, "binary", detectLanguage({ path: job.rel }), extension, length)
        return 0
      }
      let content: string
      try {
        content = decoder.decode(bytes)
      } catch {
        reject(job, "non-utf8", detectLanguage({ path: job.rel }), extension, length)
        return 0
      }
      out.push(builder.doc(job, content, blobIdOf(bytes), detectLanguage({ path: job.rel, content }), extension, length))
      return length
    }

    type Docs = readonly [Doc, ...Array<Doc>]
    const pull = Effect.suspend((): Pull.Pull<Docs, InputReadError> => {
      if (done) return Cause.done()
      const start = performance.now()
      const out: Array<Doc> = []
      let bytes = 0
      let seen = 0
      let failure: InputReadError | undefined
      // Never emit an empty chunk: a run of skipped files keeps reading.
      let current: string | undefined
      try {
        while (out.length === 0 || (bytes < chunkBytes && out.length < chunkFiles)) {
          current = undefined
          const next = jobs.next()
          if (next.done === true) {
            done = true
            break
          }
          seen++
          current = next.value.abs
          bytes += readOne(next.value, out)
        }
      } catch (cause) {
        failure = cause instanceof InputReadError
          ? cause
          : new InputReadError({ file: current ?? builder.name, cause })
      }
      op.docsIn += seen
      op.docsOut += out.length
      op.timeMs += performance.now() - start
      if (failure !== undefined) {
        done = true
        return Effect.fail(failure)
      }
      if (out.length === 0) return Cause.done()
      return Effect.succeed(out as unknown as Docs)
    })
    return pull
  }))

const sizeOf = (abs: string): number => fs.statSync(abs, { throwIfNoEntry: false })?.size ?? 0
