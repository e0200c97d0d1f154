/**
 * A source over a source tree: a directory, or a git repository whose tracked files only are read.
 * Every text file becomes one Doc with The Stack's columns (`content`, `blob_id`, `repo_name`,
 * `path`, `language`, `extension`, `length_bytes`); binary, non-UTF-8 and oversized files are
 * skipped, each with its reason (`binary`, `non-utf8`, `too-large`, `missing`) in the task's stats
 * and rejects.
 *
 * ```ts
 * import { SourceTree } from "@pretrain/dataflow"
 *
 * const source = SourceTree.source("path/to/repo", { repoName: "octo/repo" })
 * // source.read({ rank: 0, world: 4 }) streams the first quarter of the sorted file list
 * ```
 *
 * A directory is a git repository when it holds `.git` (a directory, or a file for a worktree or
 * submodule); then the files are those `git ls-files` lists (regular files only: no symbolic
 * links, no submodules), so untracked and ignored files are never read. Otherwise every regular
 * file under it is read, outside version-control directories, without following symbolic links.
 * Files are read in sorted path order and sharded over that list, so a task's output depends only
 * on the tree and the task count.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as nodePath from "node:path"
import type { Doc } from "./Doc.ts"
import { InputNotFound, InputReadError } from "./Errors.ts"
import * as Shard from "./Shard.ts"
import type { Source } from "./Source.ts"
import { compareCodeUnits, walkFiles } from "./internal/tree/walk.ts"
import { defaultMaxFileBytes, type DocBuilder, type FileJob, readJobs } from "./internal/tree/read.ts"

export {
  /**
   * Extensions (lower-case, no dot) skipped as binary without being read.
   *
   * @since 0.1.0 @category constants
   */
  binaryExtensions,
  /**
   * The default largest file read, in bytes (1 MiB).
   *
   * @since 0.1.0 @category constants
   */
  defaultMaxFileBytes,
  /**
   * Why a file did not become a Doc: `binary`, `non-utf8`, `too-large`, `missing` (listed by git
   * but absent from the work tree) or `not-a-file` (a listed path that is a FIFO, device or directory).
   *
   * @since 0.1.0 @category models
   */
  type SkipReason
} from "./internal/tree/read.ts"

/**
 * Name of this source in stats and rejects.
 *
 * @since 0.1.0 @category constants
 */
export const name = "source-tree"

/** @since 0.1.0 @category models */
export interface Options {
  /** `repo_name` of every Doc; defaults to the directory's name. */
  readonly repoName?: string | undefined
  /**
   * `"auto"` (default): tracked files only when the directory holds `.git`; `true`: require a git
   * repository (fails otherwise); `false`: read every file, even in a git repository.
   */
  readonly git?: boolean | "auto" | undefined
  /** Files larger than this many bytes are skipped as `too-large` (default 1 MiB). */
  readonly maxFileBytes?: number | undefined
  /** Skip files (and, for a directory walk, whole directories) whose relative path this returns `true` for. */
  readonly exclude?: ((path: string) => boolean) | undefined
}

/**
 * The files of a tree that a source would read: its root directory and the sorted, `/`-separated
 * paths relative to it.
 *
 * @since 0.1.0 @category models
 */
export interface Listing {
  readonly root: string
  readonly repoName: string
  /** `true` when the files are a git repository's tracked files. */
  readonly git: boolean
  readonly files: ReadonlyArray<string>
}

/** Environment for git without variables that would point it at another repository. */
const gitEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const key of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX"]) {
    delete env[key]
  }
  return env
}

/**
 * The regular files git tracks in the repository at `root` (index entries with mode 100644 or
 * 100755: symbolic links and submodules are left out), sorted.
 *
 * @since 0.1.0 @category utils
 */
export const gitTrackedFiles = (root: string): Array<string> => {
  const out = execFileSync("git", ["ls-files", "-z", "--stage"], {
    cwd: root,
    env: gitEnv(),
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"]
  }).toString("utf8")
  const files = new Set<string>()
  for (const entry of out.split("\0")) {
    if (entry === "") continue
    // "<mode> <object> <stage>\t<path>"
    const tab = entry.indexOf("\t")
    const mode = entry.slice(0, 6)
    if (tab > 0 && (mode === "100644" || mode === "100755")) files.add(entry.slice(tab + 1))
  }
  return [...files].sort(compareCodeUnits)
}

/**
 * Is `dir` the top of a git work tree (does it hold `.git`)?
 *
 * @since 0.1.0 @category utils
 */
export const isGitRepository = (dir: string): boolean => fs.existsSync(nodePath.join(dir, ".git"))

/**
 * List the files a source over `dirOrRepo` reads, in order (synchronous; throws
 * {@link InputNotFound} or {@link InputReadError}). A single file is a tree of one file in its
 * parent directory.
 *
 * @since 0.1.0 @category utils
 */
export const listFilesSync = (dirOrRepo: string, options: Options = {}): Listing => {
  const resolved = nodePath.resolve(dirOrRepo)
  const stat = fs.statSync(resolved, { throwIfNoEntry: false })
  if (stat === undefined) throw new InputNotFound({ path: dirOrRepo })
  const exclude = options.exclude
  if (!stat.isDirectory()) {
    const root = nodePath.dirname(resolved)
    const file = nodePath.basename(resolved)
    return {
      root,
      repoName: options.repoName ?? nodePath.basename(root),
      git: false,
      files: exclude?.(file) === true ? [] : [file]
    }
  }
  const repoName = options.repoName ?? nodePath.basename(resolved)
  const mode = options.git ?? "auto"
  const git = mode === true || (mode === "auto" && isGitRepository(resolved))
  let files: Array<string>
  try {
    files = git
      ? gitTrackedFiles(resolved)
      : walkFiles(resolved, exclude === undefined ? {} : { skipDir: (_name, rel) => exclude(rel) })
  } catch (cause) {
    throw new InputReadError({ file: dirOrRepo, position: git ? "git ls-files" : undefined, cause })
  }
  if (exclude !== undefined) files = files.filter((f) => !exclude(f))
  return { root: resolved, repoName, git, files }
}

/**
 * {@link listFilesSync} as an Effect.
 *
 * @since 0.1.0 @category utils
 */
export const listFiles = (dirOrRepo: string, options: Options = {}): Effect.Effect<Listing, InputNotFound | InputReadError> =>
  Effect.try({
    try: () => listFilesSync(dirOrRepo, options),
    catch: (cause) =>
      cause instanceof InputNotFound || cause instanceof InputReadError
        ? cause
        : new InputReadError({ file: dirOrRepo, cause })
  })

interface TreeGroup {
  readonly repoName: string
}

const builder = (maxFileBytes: number): DocBuilder<TreeGroup> => ({
  name,
  maxFileBytes,
  doc: (job, content, blobId, language, extension, length): Doc => ({
    content,
    blob_id: blobId,
    repo_name: job.group.repoName,
    path: job.rel,
    language,
    extension,
    length_bytes: length
  }),
  rejected: (job, language, extension, length) => ({
    repo_name: job.group.repoName,
    path: job.rel,
    language,
    extension,
    length_bytes: length
  })
})

function* jobsOf(root: string, files: ReadonlyArray<string>, group: TreeGroup): Generator<FileJob<TreeGroup>> {
  const prefix = root.endsWith(nodePath.sep) ? root : root + nodePath.sep
  for (let i = 0; i < files.length; i++) yield { abs: prefix + files[i]!, rel: files[i]!, group }
}

/**
 * A {@link Source} of the text files of a directory or git repository, sharded over the sorted
 * file list: task `rank` of `world` reads a contiguous block of files. Fails with
 * {@link InputNotFound} when the path does not exist and {@link InputReadError} when it cannot be
 * listed (git failing, an unreadable directory) or a file cannot be read.
 *
 * @since 0.1.0 @category constructors
 */
export const source = (dirOrRepo: string, options: Options = {}): Source<Doc> => {
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes
  const build = builder(maxFileBytes)
  return {
    name,
    read: (shard) =>
      Stream.unwrap(Effect.map(listFiles(dirOrRepo, options), (listing) => {
        const files = Shard.pick(listing.files, shard)
        const group: TreeGroup = { repoName: listing.repoName }
        return readJobs(() => jobsOf(listing.root, files, group), build)
      }))
  }
}
