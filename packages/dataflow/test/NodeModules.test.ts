import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Doc, NodeModules, Shard, Stats } from "../src/index.ts"

const base = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-nodemodules-"))
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

const realNodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../node_modules")

const write = (root: string, rel: string, data: string | Uint8Array) => {
  const file = path.join(root, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, data)
}

const pkg = (root: string, dir: string, manifest: Record<string, unknown>, files: Record<string, string | Uint8Array> = {}) => {
  write(root, `${dir}/package.json`, JSON.stringify(manifest, null, 2))
  for (const [rel, data] of Object.entries(files)) write(root, `${dir}/${rel}`, data)
}

/** A fake project: scoped, nested and linked packages with every license and repository shape. */
const makeTree = () => {
  const project = fs.mkdtempSync(path.join(base, "project-"))
  const nm = path.join(project, "node_modules")
  pkg(nm, "alpha", { name: "alpha", version: "1.0.0", license: "MIT", repository: "github:octo/alpha" }, {
    "index.js": "module.exports = 1\n",
    "lib/util.ts": "export const u = 2\n",
    "bin/cli": "#!/usr/bin/env node\nrequire('..')\n",
    "logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    "notes-latin1.txt": Buffer.from("na\xefve\n", "latin1")
  })
  pkg(nm, "@scope/beta", {
    name: "@scope/beta",
    version: "2.1.0",
    license: "(MIT OR GPL-3.0-or-later)",
    repository: { type: "git", url: "git+ssh://git@github.com/scope/beta.git", directory: "packages/beta" }
  }, { "dist/beta.mjs": "export default 3\n", "README.md": "# beta\n" })
  pkg(nm, "@scope/beta/node_modules/gamma", {
    name: "gamma",
    version: "0.1.0",
    licenses: [{ type: "GPL-2.0", url: "http://x" }],
    repository: "git@gitlab.com:octo/gamma.git"
  }, { "gamma.c": "int g;\n" })
  pkg(nm, "alpha/node_modules/@deep/delta", { name: "@deep/delta", version: "3.0.0" }, { "delta.py": "x = 1\n" })
  pkg(nm, "alpha/node_modules/@deep/delta/node_modules/eps", { name: "eps", version: "0.0.1", license: "Apache-2.0 AND BSD-3-Clause" }, { "e.rb": "puts 1\n" })
  pkg(nm, "see-file", { name: "see-file", version: "1.0.0", license: "SEE LICENSE IN LICENSE.txt" }, { "a.go": "package a\n" })
  pkg(nm, "closed", { name: "closed", version: "1.0.0", license: "UNLICENSED", repository: "https://github.com/octo/closed/tree/main/pkg" }, { "c.js": "1\n" })
  pkg(nm, "legacy", { name: "legacy", version: "1.0.0", license: { type: "BSD", url: "x" } }, { "l.js": "2\n" })
  pkg(nm, "dual-legacy", { name: "dual-legacy", version: "1.0.0", licenses: [{ type: "MIT" }, { type: "GPL-2.0" }] }, { "d.js": "3\n" })
  // Not packages: hidden entries, loose files, directories without package.json.
  write(nm, ".bin/alpha", "#!/bin/sh\n")
  write(nm, ".package-lock.json", "{}")
  write(nm, ".cache/x.js", "cached\n")
  write(nm, "loose-dir/x.js", "no manifest\n")
  // A symbolic link to a package outside the tree (workspace or pnpm layout).
  pkg(project, "linked-src", { name: "linked", version: "9.9.9", license: "ISC" }, { "k.js": "4\n" })
  fs.symlinkSync(path.join(project, "linked-src"), path.join(nm, "linked"))
  return { project, nm }
}

const readAll = (root: string, shard: Shard.Shard = Shard.whole, options: NodeModules.Options = {}) =>
  Effect.gen(function*() {
    const stats = new Stats.TaskStats({ keepRejects: true })
    const docs: Array<Doc> = []
    yield* NodeModules.source(root, options).read(shard).pipe(
      Stream.runForEachArray((chunk) => Effect.sync(() => void docs.push(...chunk))),
      Effect.provideService(Stats.Telemetry, stats)
    )
    return { docs, stats, rejects: stats.takeRejects() }
  })

describe("NodeModules", () => {
  it("lists installed packages: scoped, nested, sorted by location, with license and repository", () => {
    const { nm, project } = makeTree()
    const packages = NodeModules.listPackages(nm)
    assert.deepStrictEqual(packages.map((p) => p.location), [
      "@scope/beta",
      "@scope/beta/node_modules/gamma",
      "alpha",
      "alpha/node_modules/@deep/delta",
      "alpha/node_modules/@deep/delta/node_modules/eps",
      "closed",
      "dual-legacy",
      "legacy",
      "see-file"
    ])
    const by = new Map(packages.map((p) => [p.name, p]))
    const summary = (name: string) => {
      const p = by.get(name)!
      return [p.version, p.licenses, p.licenseType, p.repoUrl]
    }
    assert.deepStrictEqual(summary("alpha"), ["1.0.0", ["MIT"], "permissive", "https://github.com/octo/alpha"])
    assert.deepStrictEqual(summary("@scope/beta"), ["2.1.0", ["MIT", "GPL-3.0-or-later"], "permissive", "https://github.com/scope/beta"])
    assert.deepStrictEqual(summary("gamma"), ["0.1.0", ["GPL-2.0"], "non_permissive", "https://gitlab.com/octo/gamma"])
    assert.deepStrictEqual(summary("@deep/delta"), ["3.0.0", [], "no_license", null])
    assert.deepStrictEqual(summary("eps"), ["0.0.1", ["Apache-2.0", "BSD-3-Clause"], "permissive", null])
    assert.deepStrictEqual(summary("see-file"), ["1.0.0", ["LicenseRef-scancode-unknown-license-reference"], "non_permissive", null])
    assert.deepStrictEqual(summary("closed"), ["1.0.0", ["UNLICENSED"], "non_permissive", "https://github.com/octo/closed"])
    assert.deepStrictEqual(summary("legacy"), ["1.0.0", ["BSD"], "permissive", null])
    assert.deepStrictEqual(summary("dual-legacy"), ["1.0.0", ["MIT", "GPL-2.0"], "permissive", null])
    assert.strictEqual(by.get("gamma")!.dir, path.join(nm, "@scope/beta/node_modules/gamma"))
    // A project directory holding node_modules works too; linked packages only when asked.
    assert.strictEqual(NodeModules.listPackages(project).length, packages.length)
    const linked = NodeModules.listPackages(nm, { followSymlinks: true })
    assert.deepStrictEqual(linked.map((p) => p.location).filter((l) => l === "linked"), ["linked"])
    assert.strictEqual(linked.length, packages.length + 1)
    assert.throws(() => NodeModules.listPackages(path.join(base, "missing")))
  })

  it.effect("each package is a repository: files relative to the package, nested packages not files of the parent", () =>
    Effect.gen(function*() {
      const { nm } = makeTree()
      const { docs, rejects, stats } = yield* readAll(nm)
      const keys = docs.map((d) => `${d.repo_name}:${d.path}`)
      assert.deepStrictEqual(keys, [
        "@scope/beta:README.md",
        "@scope/beta:dist/beta.mjs",
        "@scope/beta:package.json",
        "gamma:gamma.c",
        "gamma:package.json",
        "alpha:bin/cli",
        "alpha:index.js",
        "alpha:lib/util.ts",
        "alpha:package.json",
        "@deep/delta:delta.py",
        "@deep/delta:package.json",
        "eps:e.rb",
        "eps:package.json",
        "closed:c.js",
        "closed:package.json",
        "dual-legacy:d.js",
        "dual-legacy:package.json",
        "legacy:l.js",
        "legacy:package.json",
        "see-file:a.go",
        "see-file:package.json"
      ])
      const cli = docs.find((d) => d.path === "bin/cli")!
      assert.strictEqual(cli.language, "JavaScript")
      assert.strictEqual(cli.repo_version, "1.0.0")
      assert.strictEqual(cli.repo_url, "https://github.com/octo/alpha")
      assert.deepStrictEqual(cli.detected_licenses, ["MIT"])
      assert.strictEqual(cli.license_type, "permissive")
      assert.strictEqual(cli.length_bytes, cli.content.length)
      assert.strictEqual(docs.find((d) => d.path === "gamma.c")!.language, "C")
      assert.strictEqual(docs.find((d) => d.path === "package.json")!.language, "JSON")
      assert.strictEqual(docs.find((d) => d.repo_name === "@deep/delta")!.license_type, "no_license")
      assert.deepStrictEqual(rejects.map((r) => [r.record.repo_name, r.record.path, r.reason, r.operator]), [
        ["alpha", "logo.png", "binary", "node-modules"],
        ["alpha", "notes-latin1.txt", "non-utf8", "node-modules"]
      ])
      assert.deepStrictEqual(stats.drops, { binary: 1, "non-utf8": 1 })
      // Linked packages are read when asked.
      const withLinks = yield* readAll(nm, Shard.whole, { followSymlinks: true })
      assert.deepStrictEqual(withLinks.docs.filter((d) => d.repo_name === "linked").map((d) => d.path), ["k.js", "package.json"])
    }))

  it.effect("a missing root fails with InputNotFound", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Stream.runCollect(NodeModules.source(path.join(base, "none")).read(Shard.whole)))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "InputNotFound")
    }))

  it("normalizes repository fields", () => {
    const cases: Array<[unknown, string | null]> = [
      ["github:octo/repo", "https://github.com/octo/repo"],
      ["octo/repo", "https://github.com/octo/repo"],
      ["gitlab:group/sub/repo", "https://gitlab.com/group/sub/repo"],
      ["bitbucket:team/repo", "https://bitbucket.org/team/repo"],
      ["gist:11081aaa281", "https://gist.github.com/11081aaa281"],
      ["git+https://github.com/octo/repo.git", "https://github.com/octo/repo"],
      ["git://github.com/octo/repo.git", "https://github.com/octo/repo"],
      ["git+ssh://git@github.com/octo/repo.git", "https://github.com/octo/repo"],
      ["ssh://git@github.com:22/octo/repo.git", "https://github.com/octo/repo"],
      ["git@github.com:octo/repo.git", "https://github.com/octo/repo"],
      ["http://github.com/octo/repo", "https://github.com/octo/repo"],
      ["https://www.github.com/Octo/Repo/", "https://github.com/Octo/Repo"],
      ["https://github.com/babel/babel/tree/main/packages/babel-core", "https://github.com/babel/babel"],
      ["https://github.com/octo/repo#readme", "https://github.com/octo/repo"],
      ["https://user:token@github.com/octo/repo.git", "https://github.com/octo/repo"],
      ["https://example.org/some/path.git", "https://example.org/some/path"],
      ["http://example.org/x", "http://example.org/x"],
      [{ type: "git", url: "https://github.com/octo/repo.git", directory: "packages/x" }, "https://github.com/octo/repo"],
      [{ type: "git" }, null],
      ["", null],
      [undefined, null],
      [42, null],
      ["not a url", null]
    ]
    for (const [input, expected] of cases) assert.strictEqual(NodeModules.normalizeRepositoryUrl(input), expected, JSON.stringify(input))
  })

  it("classifies license expressions", () => {
    const cases: Array<[string, ReadonlyArray<string>, NodeModules.LicenseType]> = [
      ["MIT", ["MIT"], "permissive"],
      ["mit", ["MIT"], "permissive"],
      ["ISC", ["ISC"], "permissive"],
      ["0BSD", ["0BSD"], "permissive"],
      ["BSD-2-Clause", ["BSD-2-Clause"], "permissive"],
      ["Apache-2.0", ["Apache-2.0"], "permissive"],
      ["Apache License, Version 2.0", ["Apache-2.0"], "permissive"],
      ["Unlicense", ["Unlicense"], "permissive"],
      ["CC0-1.0", ["CC0-1.0"], "permissive"],
      ["Zlib", ["Zlib"], "permissive"],
      ["BlueOak-1.0.0", ["BlueOak-1.0.0"], "permissive"],
      ["Python-2.0", ["Python-2.0"], "permissive"],
      ["(MIT OR Apache-2.0)", ["MIT", "Apache-2.0"], "permissive"],
      ["MIT OR GPL-2.0", ["MIT", "GPL-2.0"], "permissive"],
      ["MIT AND GPL-2.0", ["MIT", "GPL-2.0"], "non_permissive"],
      ["(MIT AND CC-BY-3.0)", ["MIT", "CC-BY-3.0"], "permissive"],
      ["(MIT AND Zlib) OR GPL-3.0", ["MIT", "Zlib", "GPL-3.0"], "permissive"],
      ["Apache-2.0 AND (MPL-2.0 OR GPL-2.0)", ["Apache-2.0", "MPL-2.0", "GPL-2.0"], "non_permissive"],
      ["GPL-2.0 WITH Classpath-exception-2.0", ["GPL-2.0"], "non_permissive"],
      ["GPL-3.0", ["GPL-3.0"], "non_permissive"],
      ["LGPL-2.1-or-later", ["LGPL-2.1-or-later"], "non_permissive"],
      ["AGPL-3.0-only", ["AGPL-3.0-only"], "non_permissive"],
      ["MPL-2.0", ["MPL-2.0"], "non_permissive"],
      ["EPL-2.0", ["EPL-2.0"], "non_permissive"],
      ["CC-BY-SA-4.0", ["CC-BY-SA-4.0"], "non_permissive"],
      ["UNLICENSED", ["UNLICENSED"], "non_permissive"],
      ["Some Custom License", ["Some Custom License"], "non_permissive"],
      ["", [], "no_license"]
    ]
    for (const [expr, licenses, licenseType] of cases) {
      assert.deepStrictEqual(NodeModules.classifyLicenseExpression(expr), { licenses, licenseType }, expr)
    }
    assert.deepStrictEqual(NodeModules.manifestLicenses({}), { licenses: [], licenseType: "no_license" })
    assert.deepStrictEqual(NodeModules.manifestLicenses({ licenses: "MIT" }), { licenses: ["MIT"], licenseType: "permissive" })
    assert.deepStrictEqual(NodeModules.manifestLicenses(null), { licenses: [], licenseType: "no_license" })
  })

  it.effect("the real node_modules: hundreds of packages, and every shard split reads each file exactly once", () =>
    Effect.gen(function*() {
      const packages = NodeModules.listPackages(realNodeModules)
      assert.isAtLeast(packages.length, 100)
      assert.isTrue(packages.some((p) => p.name.startsWith("@")))
      assert.isTrue(packages.some((p) => p.location.includes("/node_modules/")))
      assert.isTrue(packages.every((p) => !p.location.startsWith(".")))
      const key = (d: Doc) => `${d.repo_name}@${d.repo_version}:${d.path}`
      const whole = yield* readAll(realNodeModules)
      assert.isAtLeast(whole.docs.length, 1000)
      const all = whole.docs.map(key)
      const repos = new Set(whole.docs.map((d) => d.repo_name))
      assert.isAtLeast(repos.size, 100)
      assert.isTrue(whole.docs.every((d) => !d.path!.includes("node_modules/")))
      const languages = new Set(whole.docs.map((d) => d.language))
      assert.includeMembers([...languages], ["JavaScript", "TypeScript", "JSON", "Markdown"])
      for (const world of [2, 5]) {
        const parts: Array<string> = []
        for (let rank = 0; rank < world; rank++) {
          const { docs } = yield* readAll(realNodeModules, { rank, world })
          // A task owns whole repositories: exactly the packages Shard.pick gives it.
          const mine = new Set(Shard.pick(packages, { rank, world }).map((p) => `${p.name}@${p.version}`))
          assert.isTrue(docs.every((d) => mine.has(`${d.repo_name}@${d.repo_version}`)))
          parts.push(...docs.map(key))
        }
        assert.deepStrictEqual(parts, all, `world ${world}`)
      }
    }))
})
