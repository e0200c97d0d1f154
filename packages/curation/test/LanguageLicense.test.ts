import { describe, expect, it } from "@effect/vitest"
import { NodeModules } from "@pretrain/dataflow"
import * as fs from "node:fs"
import * as path from "node:path"
import { OptOutError } from "../src/Errors.ts"
import * as LanguageFilter from "../src/LanguageFilter.ts"
import * as LicenseFilter from "../src/LicenseFilter.ts"
import * as LicenseText from "../src/LicenseText.ts"
import * as OptOut from "../src/OptOut.ts"
import { nodeModules } from "./support/corpus.ts"

describe("LanguageFilter", () => {
  it("fills language and extension from path and shebang, with The Stack's names", () => {
    expect(LanguageFilter.annotate({ content: "", path: "src/a.ts" })).toMatchObject({ language: "TypeScript", extension: "ts" })
    expect(LanguageFilter.annotate({ content: "", path: "Dockerfile" })).toMatchObject({ language: "Dockerfile", extension: "" })
    expect(LanguageFilter.annotate({ content: "#!/usr/bin/env python3\n", path: "bin/tool" })).toMatchObject({ language: "Python" })
    const given = { content: "", path: "a.x", language: "Go", extension: "x" }
    expect(LanguageFilter.annotate(given)).toBe(given)
  })

  it("drops unknown languages, or those not listed", () => {
    expect(LanguageFilter.check({ content: "{}", path: "dist/a.js.map" })).toBe("language-unknown")
    expect(LanguageFilter.check({ content: "", path: "a.py" }, { keep: ["Python"], dropUnknown: true })).toBe(true)
    expect(LanguageFilter.check({ content: "", path: "a.rb" }, { keep: ["Python"], dropUnknown: true })).toBe("language-excluded")
  })
})

describe("LicenseFilter", () => {
  const manifest = (pkg: string) => NodeModules.manifestLicenses(JSON.parse(fs.readFileSync(path.join(nodeModules, pkg, "package.json"), "utf8")))

  it("classifies real packages from their package.json and keeps permissive and no-license (The Stack v2)", () => {
    const tslib = manifest("tslib")
    const lightning = manifest("lightningcss")
    expect(LicenseFilter.check({ content: "", detected_licenses: tslib.licenses })).toBe(true)
    expect(LicenseFilter.check({ content: "", detected_licenses: lightning.licenses })).toBe("license:non_permissive")
    expect(LicenseFilter.check({ content: "", license_type: lightning.licenseType })).toBe("license:non_permissive")
    expect(LicenseFilter.check({ content: "" })).toBe(true)
    expect(LicenseFilter.check({ content: "" }, { allow: ["permissive"] })).toBe("license:no_license")
  })

  it("a repository with any non-permissive license is non-permissive", () => {
    expect(LicenseFilter.licenseTypeOf({ content: "", detected_licenses: ["MIT", "GPL-3.0-only"] })).toBe("non_permissive")
    expect(LicenseFilter.licenseTypeOf({ content: "", detected_licenses: ["MIT", "Apache-2.0"] })).toBe("permissive")
  })
})

describe("OptOut", () => {
  it("removes a repository, or every repository of a user, case-insensitively", () => {
    const list = OptOut.parse("# opted out\noctocat\nacme/secret-sauce\nhttps://github.com/Other/Repo.git\n")
    expect(OptOut.check({ content: "", repo_name: "Octocat/hello" }, list)).toBe("opt-out")
    expect(OptOut.check({ content: "", repo_name: "acme/Secret-Sauce" }, list)).toBe("opt-out")
    expect(OptOut.check({ content: "", repo_name: "other/repo" }, list)).toBe("opt-out")
    expect(OptOut.check({ content: "", repo_name: "acme/public" }, list)).toBe(true)
    expect(OptOut.check({ content: "" }, list)).toBe(true)
  })

  it("names the line of a bad entry", () => {
    expect(() => OptOut.parse("ok\nnot a repo\n", "optout.txt")).toThrow(OptOutError)
    expect(() => OptOut.parse("ok\nnot a repo\n", "optout.txt")).toThrow("optout.txt:2")
  })
})

describe("LicenseText", () => {
  const text = (file: string) => fs.readFileSync(path.join(nodeModules, file), "utf8")

  it("identifies real LICENSE files from node_modules", () => {
    expect(LicenseText.identify(text("tslib/LICENSE.txt"))).toBe("0BSD")
    expect(LicenseText.identify(text("effect/LICENSE"))).toBe("MIT")
    expect(LicenseText.identify(text("lightningcss/LICENSE"))).toBe("MPL-2.0")
    expect(LicenseText.identify(text("apache-arrow/LICENSE.txt"))).toBe("Apache-2.0")
    expect(LicenseText.identify(text("isexe/LICENSE"))).toBe("ISC")
    expect(LicenseText.identify(text("ieee754/LICENSE"))).toBe("BSD-3-Clause")
    expect(LicenseText.identify("All rights reserved.")).toBeNull()
  })

  it("classifies a license text as The Stack does", () => {
    expect(LicenseText.classify(text("lightningcss/LICENSE"))).toEqual({ license: "MPL-2.0", licenseType: "non_permissive" })
    expect(LicenseText.classify(text("effect/LICENSE"))).toEqual({ license: "MIT", licenseType: "permissive" })
    expect(LicenseText.isLicenseFile("pkg/LICENSE-MIT")).toBe(true)
    expect(LicenseText.isLicenseFile("src/license.ts")).toBe(false)
  })
})
