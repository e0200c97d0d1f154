import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type Doc, gitBlobId, Shard, SourceTree, Stats } from "../src/index.ts"

const base = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-sourcetree-"))
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))
const tmp = (prefix: string) => fs.mkdtempSync(path.join(base, prefix))

const write = (root: string, rel: string, data: string | Uint8Array) => {
  const file = path.join(root, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, data)
}

const git = (cwd: string, ...args: Array<string>) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args], {
    cwd,
    env: { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined } as NodeJS.ProcessEnv
  }).toString()

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const latin1 = Buffer.from("caf\xe9 cr\xe8me br\xfbl\xe9e\n", "latin1")

/** Read a source's shard with fresh stats that keep rejections. */
const readAll = (source: ReturnType<typeof SourceTree.source>, shard: Shard.Shard = Shard.whole) =>
  Effect.gen(function*() {
    const stats = new Stats.TaskStats({ keepRejects: true })
    const chunks: Array<number> = []
    const docs: Array<Doc> = []
    yield* source.read(shard).pipe(
      Stream.runForEachArray((chunk) => Effect.sync(() => {
        chunks.push(chunk.length)
        docs.push(...chunk)
      })),
      Effect.provideService(Stats.Telemetry, stats)
    )
    return { docs, stats, chunks, rejects: stats.takeRejects() }
  })

const makeRepo = () => {
  const root = tmp("pretrain-git-")
  git(root, "init", "-q")
  write(root, ".gitignore", "*.log\nbuild/\n")
  write(root, "src/main.py", "#!/usr/bin/env python3\nprint('héllo')\n")
  write(root, "src/lib/util.ts", "export const x = 1\n")
  write(root, "Makefile", "all:\n\techo ok\n")
  write(root, "bin/tool", "#!/usr/bin/env node\nconsole.log(1)\n")
  write(root, "README.md", "\ufeff# Title\n")
  write(root, "empty.txt", "")
  write(root, "assets/logo.png", png)
  write(root, "data/blob.dat2", new Uint8Array([65, 66, 0, 67]))
  write(root, "docs/latin1.txt", latin1)
  write(root, "gone.js", "deleted after commit\n")
  write(root, "pipe.txt", "replaced by a FIFO after commit\n")
  fs.symlinkSync("src/main.py", path.join(root, "link.py"))
  git(root, "add", "-A")
  git(root, "commit", "-q", "-m", "init")
  fs.rmSync(path.join(root, "gone.js"))
  fs.rmSync(path.join(root, "pipe.txt"))
  execFileSync("mkfifo", [path.join(root, "pipe.txt")]) // reading it must not hang
  // Untracked and ignored files: never read from a git repository.
  write(root, "untracked.js", "nope\n")
  write(root, "debug.log", "ignored\n")
  write(root, "build/out.js", "ignored\n")
  return root
}

describe("SourceTree", () => {
  it.effect("reads only the tracked text files of a git repository, skipping others with a reason", () =>
    Effect.gen(function*() {
      const root = makeRepo()
      const { docs, rejects, stats } = yield* readAll(SourceTree.source(root))
      assert.deepStrictEqual(docs.map((d) => d.path), [
        ".gitignore",
        "Makefile",
        "README.md",
        "bin/tool",
        "empty.txt",
        "src/lib/util.ts",
        "src/main.py"
      ])
      const byPath = new Map(docs.map((d) => [d.path, d]))
      assert.strictEqual(byPath.get("src/main.py")!.language, "Python")
      assert.strictEqual(byPath.get("src/main.py")!.extension, "py")
      assert.strictEqual(byPath.get("src/main.py")!.repo_name, path.basename(root))
      assert.strictEqual(byPath.get("src/lib/util.ts")!.language, "TypeScript")
      assert.strictEqual(byPath.get("Makefile")!.language, "Makefile")
      assert.strictEqual(byPath.get("Makefile")!.extension, "")
      assert.strictEqual(byPath.get("bin/tool")!.language, "JavaScript")
      assert.strictEqual(byPath.get(".gitignore")!.language, "Ignore List")
      assert.strictEqual(byPath.get("empty.txt")!.content, "")
      // UTF-8 length in bytes; a BOM stays in the content so bytes and content agree.
      assert.strictEqual(byPath.get("src/main.py")!.length_bytes, Buffer.byteLength("#!/usr/bin/env python3\nprint('héllo')\n"))
      assert.strictEqual(byPath.get("README.md")!.content, "\ufeff# Title\n")
      // blob_id is git's own object id for the committed files.
      const staged = git(root, "ls-files", "-s").trim().split("\n").map((l) => l.split(/\s+/))
      const objectOf = new Map(staged.map(([, sha, , file]) => [file!, sha!]))
      for (const d of docs) {
        assert.strictEqual(d.blob_id, objectOf.get(d.path!), d.path!)
        assert.strictEqual(d.blob_id, gitBlobId(d.content))
      }
      assert.deepStrictEqual(
        rejects.map((r) => [r.record.path, r.reason, r.operator]),
        [
          ["assets/logo.png", "binary", "source-tree"],
          ["data/blob.dat2", "binary", "source-tree"],
          ["docs/latin1.txt", "non-utf8", "source-tree"],
          ["gone.js", "missing", "source-tree"],
          ["pipe.txt", "not-a-file", "source-tree"]
        ]
      )
      assert.strictEqual(rejects[0]!.file, path.join(root, "assets/logo.png"))
      assert.deepStrictEqual(stats.drops, { binary: 2, "non-utf8": 1, missing: 1, "not-a-file": 1 })
      assert.strictEqual(stats.operators["source-tree"]!.docsIn, 12)
      assert.strictEqual(stats.operators["source-tree"]!.docsOut, 7)
    }))

  it.effect("git: false reads the work tree (untracked and ignored too, never .git); repoName and exclude apply", () =>
    Effect.gen(function*() {
      const root = makeRepo()
      const { docs } = yield* readAll(SourceTree.source(root, {
        git: false,
        repoName: "octo/repo",
        exclude: (p) => p.startsWith("build")
      }))
      const paths = docs.map((d) => d.path!)
      assert.includeMembers(paths, ["untracked.js", "debug.log", "src/main.py"])
      assert.notInclude(paths, "build/out.js")
      assert.notInclude(paths, "link.py") // symbolic links are not followed
      assert.isFalse(paths.some((p) => p.startsWith(".git/")))
      assert.deepStrictEqual(paths, [...paths].sort())
      assert.isTrue(docs.every((d) => d.repo_name === "octo/repo"))
      const listing = SourceTree.listFilesSync(root)
      assert.isTrue(listing.git)
      assert.isFalse(SourceTree.listFilesSync(root, { git: false }).git)
    }))

  it.effect("a plain directory: recursive, sorted, `/`-separated, too-large files skipped", () =>
    Effect.gen(function*() {
      const root = tmp("pretrain-tree-")
      write(root, "b/z.go", "package main\n")
      write(root, "a.b/c.rs", "fn main() {}\n")
      write(root, "a/deep/er/x.java", "class X {}\n")
      write(root, "big.txt", "x".repeat(5000))
      write(root, "font.woff2", "not really a font but binary by extension")
      const { docs, rejects } = yield* readAll(SourceTree.source(root, { maxFileBytes: 4096 }))
      assert.deepStrictEqual(docs.map((d) => d.path), ["a.b/c.rs", "a/deep/er/x.java", "b/z.go"])
      assert.deepStrictEqual(docs.map((d) => d.language), ["Rust", "Java", "Go"])
      assert.deepStrictEqual(rejects.map((r) => [r.record.path, r.reason, r.record.length_bytes]), [
        ["big.txt", "too-large", 5000],
        ["font.woff2", "binary", 41]
      ])
    }))

  it.effect("a single file is a tree of one file", () =>
    Effect.gen(function*() {
      const root = tmp("pretrain-one-")
      write(root, "only.c", "int main(void) { return 0; }\n")
      const { docs } = yield* readAll(SourceTree.source(path.join(root, "only.c")))
      assert.deepStrictEqual(docs.map((d) => [d.path, d.language, d.repo_name]), [["only.c", "C", path.basename(root)]])
    }))

  it.effect("a missing path fails with InputNotFound", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Stream.runCollect(SourceTree.source("/nonexistent/pretrain/tree").read(Shard.whole)))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "InputNotFound")
      const notRepo = tmp("pretrain-norepo-")
      const exit2 = yield* Effect.exit(Stream.runCollect(SourceTree.source(notRepo, { git: true }).read(Shard.whole)))
      assert.isTrue(Exit.isFailure(exit2))
      assert.include(String(Exit.isFailure(exit2) ? exit2.cause : ""), "InputReadError")
    }))

  it.effect("emits chunks of many files, and shards cover every file exactly once in order", () =>
    Effect.gen(function*() {
      const root = tmp("pretrain-many-")
      for (let i = 0; i < 2500; i++) write(root, `d${i % 7}/f${i}.js`, `export const v${i} = ${i}\n`)
      const whole = yield* readAll(SourceTree.source(root))
      assert.strictEqual(whole.docs.length, 2500)
      assert.isBelow(whole.chunks.length, 10)
      const all = whole.docs.map((d) => d.path)
      for (const world of [1, 2, 3, 7, 16]) {
        const parts: Array<string | null | undefined> = []
        for (let rank = 0; rank < world; rank++) {
          const { docs } = yield* readAll(SourceTree.source(root), { rank, world })
          parts.push(...docs.map((d) => d.path))
        }
        assert.deepStrictEqual(parts, all, `world ${world}`)
      }
    }))
})
