/**
 * A source over an installed `node_modules` tree, where each installed package is one repository:
 * `repo_name` is the package name, with `repo_version`, `repo_url` (normalised from the
 * `repository` field), `detected_licenses` and `license_type` from its package.json, and `path`
 * relative to the package's own directory. Scoped packages (`@scope/name`) and nested installs
 * (`a/node_modules/b`) are repositories of their own, never files of their parent. This is the
 * default corpus of the demo: real code from hundreds of projects on every machine after `npm ci`.
 *
 * ```ts
 * import { NodeModules } from "@pretrain/dataflow"
 *
 * const packages = NodeModules.listPackages("node_modules")
 * // [{ name: "@babel/core", version: "7.28.0", licenses: ["MIT"], licenseType: "permissive", ... }, ...]
 * const source = NodeModules.source("node_modules")
 * // source.read({ rank: 1, world: 8 }) reads the second eighth of the sorted package list
 * ```
 *
 * Files are read as `SourceTree` reads them: text only, with `binary`, `non-utf8` and `too-large`
 * files skipped with their reason. Tasks are sharded by package, so one task owns whole
 * repositories (what repository-level operators such as repo-aware packing need).
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as nodePath from "node:path"
import type { Doc } from "./Doc.ts"
import { InputNotFound, InputReadError } from "./Errors.ts"
import * as Shard from "./Shard.ts"
import type { Source } from "./Source.ts"
import { defaultMaxFileBytes, type DocBuilder, type FileJob, readJobs } from "./internal/tree/read.ts"
import { compareCodeUnits, walkFiles } from "./internal/tree/walk.ts"
import { manifestLicenses, type LicenseType } from "./internal/tree/license.ts"

export {
  /**
   * The licenses of an SPDX expression (`(MIT OR Apache-2.0)`, loosely `Apache License 2.0`) and its
   * license type: `OR` takes its most permissive side, `AND` its least, unknown ids are not
   * permissive, an empty expression is `no_license`.
   *
   * @since 0.1.0 @category utils
   */
  classifyLicenseExpression,
  /**
   * Is this SPDX id (as {@link normalizeLicenseId} spells it) a permissive license?
   *
   * @since 0.1.0 @category utils
   */
  isPermissive,
  /**
   * The licenses a package.json declares (`license`, or legacy `licenses` arrays and `{ type }`
   * objects, read as a choice among them) and their license type.
   *
   * @since 0.1.0 @category utils
   */
  manifestLicenses,
  /**
   * The canonical SPDX spelling of a license name (`apache 2.0` → `Apache-2.0`); unknown names are
   * returned trimmed, `SEE LICENSE IN ...` becomes `LicenseRef-scancode-unknown-license-reference`.
   *
   * @since 0.1.0 @category utils
   */
  normalizeLicenseId,
  /**
   * The Stack v2's `license_type`: `permissive`, `non_permissive` or `no_license`.
   *
   * @since 0.1.0 @category models
   */
  type LicenseType
} from "./internal/tree/license.ts"
export {
  /**
   * A package.json `repository` (string, npm shorthand or `{ type, url }`) as an `https://` URL, or
   * `null`.
   *
   * @since 0.1.0 @category utils
   */
  normalizeRepositoryUrl
} from "./internal/tree/repository.ts"
import { normalizeRepositoryUrl } from "./internal/tree/repository.ts"

/**
 * Name of this source in stats and rejects.
 *
 * @since 0.1.0 @category constants
 */
export const name = "node-modules"

/**
 * One installed package.
 *
 * @since 0.1.0 @category models
 */
export interface PackageInfo {
  /** Package name from its package.json (the directory's name when it has none). */
  readonly name: string
  readonly version: string | null
  /** Absolute directory of the package. */
  readonly dir: string
  /** Directory relative to the root, `/`-separated: `@scope/a/node_modules/b`. The sort key. */
  readonly location: string
  readonly repoUrl: string | null
  readonly licenses: ReadonlyArray<string>
  readonly licenseType: LicenseType
}

/** @since 0.1.0 @category models */
export interface Options {
  /** Files larger than this many bytes are skipped as `too-large` (default 1 MiB). */
  readonly maxFileBytes?: number | undefined
  /**
   * Follow symbolic links to package directories (pnpm's layout, workspace links), each real
   * directory read once. Default `false`: linked packages are left out.
   */
  readonly followSymlinks?: boolean | undefined
}

const readManifest = (dir: string): Record<string, unknown> | undefined => {
  let text: string
  try {
    text = fs.readFileSync(nodePath.join(dir, "package.json"), "utf8")
  } catch {
    return undefined
  }
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
  } catch {
    return {}
  }
}

const packageInfo = (dir: string, location: string, dirName: string): PackageInfo | undefined => {
  const manifest = readManifest(dir)
  if (manifest === undefined) return undefined
  const { licenseType, licenses } = manifestLicenses(manifest)
  return {
    name: typeof manifest.name === "string" && manifest.name !== "" ? manifest.name : dirName,
    version: typeof manifest.version === "string" ? manifest.version : null,
    dir,
    location,
    repoUrl: normalizeRepositoryUrl(manifest.repository),
    licenses,
    licenseType
  }
}

/**
 * Resolve the root argument: a `node_modules` directory, or a project directory holding one.
 * Throws {@link InputNotFound} when neither exists.
 */
const resolveRoot = (root: string): string => {
  const resolved = nodePath.resolve(root)
  const stat = fs.statSync(resolved, { throwIfNoEntry: false })
  if (stat === undefined || !stat.isDirectory()) throw new InputNotFound({ path: root })
  if (nodePath.basename(resolved) !== "node_modules") {
    const inner = nodePath.join(resolved, "node_modules")
    if (fs.statSync(inner, { throwIfNoEntry: false })?.isDirectory() === true) return inner
  }
  return resolved
}

/**
 * The packages installed under a `node_modules` directory (or a project directory holding one),
 * sorted by location: every directory with a package.json directly under it, under its `@scope/`
 * directories, and recursively under each package's own `node_modules`. Hidden entries (`.bin`,
 * `.cache`, `.package-lock.json`, pnpm's `.pnpm`) are not packages. Throws {@link InputNotFound}
 * when the root does not exist.
 *
 * @since 0.1.0 @category utils
 */
export const listPackages = (
  root: string = "node_modules",
  options: { readonly followSymlinks?: boolean | undefined } = {}
): ReadonlyArray<PackageInfo> => {
  const base = resolveRoot(root)
  const follow = options.followSymlinks === true
  const seen = new Set<string>()
  const out: Array<PackageInfo> = []

  const isDir = (abs: string, entry: fs.Dirent): boolean => {
    if (entry.isDirectory()) return true
    if (!follow || !entry.isSymbolicLink()) return false
    return fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true
  }

  const visitPackage = (abs: string, location: string, dirName: string) => {
    if (follow) {
      const real = fs.realpathSync(abs)
      if (seen.has(real)) return
      seen.add(real)
    }
    const info = packageInfo(abs, location, dirName)
    if (info !== undefined) out.push(info)
    const nested = nodePath.join(abs, "node_modules")
    if (fs.statSync(nested, { throwIfNoEntry: false })?.isDirectory() === true) visitModules(nested, location + "/node_modules")
  }

  const visitModules = (dir: string, prefix: string) => {
    let entries: Array<fs.Dirent>
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => compareCodeUnits(a.name, b.name))
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue
      const abs = nodePath.join(dir, entry.name)
      if (!isDir(abs, entry)) continue
      const location = prefix === "" ? entry.name : `${prefix}/${entry.name}`
      if (entry.name.startsWith("@")) {
        let scoped: Array<fs.Dirent>
        try {
          scoped = fs.readdirSync(abs, { withFileTypes: true })
        } catch {
          continue
        }
        scoped.sort((a, b) => compareCodeUnits(a.name, b.name))
        for (const child of scoped) {
          if (child.name.startsWith(".")) continue
          const childAbs = nodePath.join(abs, child.name)
          if (isDir(childAbs, child)) visitPackage(childAbs, `${location}/${child.name}`, `${entry.name}/${child.name}`)
        }
      } else {
        visitPackage(abs, location, entry.name)
      }
    }
  }

  visitModules(base, "")
  return out.sort((a, b) => compareCodeUnits(a.location, b.location))
}

const builder = (maxFileBytes: number): DocBuilder<PackageInfo> => ({
  name,
  maxFileBytes,
  doc: (job, content, blobId, language, extension, length): Doc => ({
    content,
    blob_id: blobId,
    repo_name: job.group.name,
    repo_version: job.group.version,
    repo_url: job.group.repoUrl,
    path: job.rel,
    language,
    extension,
    detected_licenses: job.group.licenses,
    license_type: job.group.licenseType,
    length_bytes: length
  }),
  rejected: (job, language, extension, length) => ({
    repo_name: job.group.name,
    repo_version: job.group.version,
    path: job.rel,
    language,
    extension,
    length_bytes: length
  })
})

/** A package's files: every regular file under its directory except nested `node_modules`. */
const skipNested = { skipDir: (dirName: string) => dirName === "node_modules" }

function* jobsOf(packages: ReadonlyArray<PackageInfo>): Generator<FileJob<PackageInfo>> {
  for (const pkg of packages) {
    let files: Array<string>
    try {
      files = walkFiles(pkg.dir, skipNested)
    } catch (cause) {
      throw new InputReadError({ file: pkg.dir, cause })
    }
    const prefix = pkg.dir + nodePath.sep
    for (let i = 0; i < files.length; i++) yield { abs: prefix + files[i]!, rel: files[i]!, group: pkg }
  }
}

/**
 * {@link listPackages} as an Effect failing with {@link InputNotFound} or {@link InputReadError}.
 *
 * @since 0.1.0 @category utils
 */
export const packages = (
  root: string = "node_modules",
  options: { readonly followSymlinks?: boolean | undefined } = {}
): Effect.Effect<ReadonlyArray<PackageInfo>, InputNotFound | InputReadError> =>
  Effect.try({
    try: () => listPackages(root, options),
    catch: (cause) => cause instanceof InputNotFound ? cause : new InputReadError({ file: root, cause })
  })

/**
 * A {@link Source} of the text files of every package under `root` (default `node_modules`),
 * sharded by package: task `rank` of `world` reads a contiguous block of the sorted package list,
 * each package's files in sorted path order. Fails with {@link InputNotFound} when the root does not
 * exist and {@link InputReadError} when a package cannot be listed or a file read.
 *
 * @since 0.1.0 @category constructors
 */
export const source = (root: string = "node_modules", options: Options = {}): Source<Doc> => {
  const build = builder(options.maxFileBytes ?? defaultMaxFileBytes)
  const listOptions = { followSymlinks: options.followSymlinks }
  return {
    name,
    read: (shard) =>
      Stream.unwrap(Effect.map(packages(root, listOptions), (all) => {
        const mine = Shard.pick(all, shard)
        return readJobs(() => jobsOf(mine), build)
      }))
  }
}
