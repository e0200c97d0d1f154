import { assert, describe, it } from "@effect/vitest"
import { detectLanguage, extensionOf, languages, languageOfShebang, languageType } from "../src/index.ts"

const lang = (path: string, content?: string) => detectLanguage(content === undefined ? { path } : { path, content })

describe("Language", () => {
  it("detects languages by extension, with The Stack's names", () => {
    const cases: Array<[string, string]> = [
      ["src/index.js", "JavaScript"],
      ["lib/a.mjs", "JavaScript"],
      ["lib/a.cjs", "JavaScript"],
      ["App.jsx", "JavaScript"],
      ["src/index.ts", "TypeScript"],
      ["types/index.d.ts", "TypeScript"],
      ["x.mts", "TypeScript"],
      ["App.tsx", "TSX"],
      ["main.py", "Python"],
      ["stubs.pyi", "Python"],
      ["Main.java", "Java"],
      ["a.c", "C"],
      ["a.h", "C"],
      ["a.cpp", "C++"],
      ["a.cc", "C++"],
      ["a.hpp", "C++"],
      ["Program.cs", "C#"],
      ["main.go", "Go"],
      ["lib.rs", "Rust"],
      ["index.php", "PHP"],
      ["app.rb", "Ruby"],
      ["run.sh", "Shell"],
      ["README.md", "Markdown"],
      ["package.json", "JSON"],
      ["config.yml", "YAML"],
      ["config.yaml", "YAML"],
      ["index.html", "HTML"],
      ["style.css", "CSS"],
      ["style.scss", "SCSS"],
      ["Main.kt", "Kotlin"],
      ["Main.scala", "Scala"],
      ["App.swift", "Swift"],
      ["View.m", "Objective-C"],
      ["main.dart", "Dart"],
      ["init.lua", "Lua"],
      ["script.pl", "Perl"],
      ["analysis.R", "R"],
      ["analysis.r", "R"],
      ["a.jl", "Julia"],
      ["Main.hs", "Haskell"],
      ["a.ex", "Elixir"],
      ["a.erl", "Erlang"],
      ["core.clj", "Clojure"],
      ["a.ml", "OCaml"],
      ["a.fs", "F#"],
      ["query.sql", "SQL"],
      ["paper.tex", "TeX"],
      ["App.vue", "Vue"],
      ["App.svelte", "Svelte"],
      ["pom.xml", "Maven POM"],
      ["layout.xml", "XML"],
      ["Cargo.toml", "TOML"],
      ["notes.txt", "Text"],
      ["docs/index.rst", "reStructuredText"],
      ["build.gradle", "Gradle"],
      ["build.gradle.kts", "Gradle Kotlin DSL"],
      ["view.html.erb", "HTML+ERB"],
      ["a.ps1", "PowerShell"],
      ["a.bat", "Batchfile"],
      ["kernel.cu", "Cuda"],
      ["shader.wgsl", "WGSL"],
      ["main.tf", "HCL"],
      ["schema.graphql", "GraphQL"],
      ["msg.proto", "Protocol Buffer"],
      ["a.zig", "Zig"],
      ["notebook.ipynb", "Jupyter Notebook"],
      ["data.csv", "CSV"],
      ["fix.patch", "Diff"],
      ["foo.JS", "JavaScript"],
      ["FOO.PY", "Python"]
    ]
    for (const [path, expected] of cases) assert.strictEqual(lang(path), expected, path)
  })

  it("detects languages by file name before extension", () => {
    const cases: Array<[string, string]> = [
      ["Makefile", "Makefile"],
      ["sub/dir/makefile", "Makefile"],
      ["GNUmakefile", "Makefile"],
      ["Makefile.am", "Makefile"],
      ["Makefile.linux", "Makefile"],
      ["Dockerfile", "Dockerfile"],
      ["docker/Dockerfile.prod", "Dockerfile"],
      ["app.dockerfile", "Dockerfile"],
      ["CMakeLists.txt", "CMake"],
      ["Rakefile", "Ruby"],
      ["Gemfile", "Ruby"],
      ["Jenkinsfile", "Groovy"],
      ["BUILD.bazel", "Starlark"],
      ["go.mod", "Go Module"],
      ["Cargo.lock", "TOML"],
      ["yarn.lock", "YAML"],
      ["tsconfig.json", "JSON with Comments"],
      [".bashrc", "Shell"],
      [".zshrc", "Shell"],
      [".gitignore", "Ignore List"],
      [".npmignore", "Ignore List"],
      [".editorconfig", "EditorConfig"],
      ["LICENSE", "Text"],
      ["requirements.txt", "Pip Requirements"],
      ["requirements-dev.txt", "Pip Requirements"],
      ["Windows\\Path\\Makefile", "Makefile"]
    ]
    for (const [path, expected] of cases) assert.strictEqual(lang(path), expected, path)
  })

  it("detects languages by shebang when the name says nothing", () => {
    const cases: Array<[string, string]> = [
      ["#!/usr/bin/env python3\nprint(1)\n", "Python"],
      ["#!/usr/bin/python2.7\n", "Python"],
      ["#!/usr/bin/env node\nconsole.log(1)\n", "JavaScript"],
      ["#!/usr/bin/env nodejs\n", "JavaScript"],
      ["#!/bin/bash -e\necho hi\n", "Shell"],
      ["#!/bin/sh\n", "Shell"],
      ["#! /usr/bin/env zsh\n", "Shell"],
      ["#!/usr/bin/env -S deno run --allow-net\n", "TypeScript"],
      ["#!/usr/bin/env -S NODE_OPTIONS=--x node\n", "JavaScript"],
      ["#!/usr/bin/perl -w\n", "Perl"],
      ["#!/usr/bin/env ruby\n", "Ruby"],
      ["#!/usr/bin/env php\n", "PHP"],
      ["#!/usr/bin/env Rscript\n", "R"],
      ["#!/usr/local/bin/lua5.4\n", "Lua"],
      ["#!/usr/bin/awk -f\n", "Awk"],
      ["#!/usr/bin/env pwsh\n", "PowerShell"],
      ["#!/usr/bin/env fish\n", "fish"],
      ["#!/usr/bin/env tclsh\n", "Tcl"]
    ]
    for (const [content, expected] of cases) {
      assert.strictEqual(lang("bin/tool", content), expected, content)
      assert.strictEqual(languageOfShebang(content), expected, content)
    }
    // Only consulted when the name is unknown; no shebang or an unknown interpreter gives null.
    assert.strictEqual(lang("bin/tool.py", "#!/bin/sh\n"), "Python")
    assert.strictEqual(lang("bin/tool", "echo hi\n"), null)
    assert.strictEqual(lang("bin/tool", "#!/usr/bin/env frobnicate\n"), null)
    assert.strictEqual(lang("bin/tool", "#!\n"), null)
    assert.strictEqual(lang("bin/tool"), null)
    assert.strictEqual(lang("data.map"), null)
    assert.strictEqual(lang("archive.unknownext"), null)
  })

  it("extensionOf takes the last extension of the file name", () => {
    assert.strictEqual(extensionOf("a/b.d.ts"), "ts")
    assert.strictEqual(extensionOf("Makefile"), "")
    assert.strictEqual(extensionOf("dir.v2/.bashrc"), "")
    assert.strictEqual(extensionOf("dir.v2/file"), "")
    assert.strictEqual(extensionOf("x/y.tar.gz"), "gz")
  })

  it("covers the 100 most common languages of The Stack, each name once", () => {
    const names = new Set(languages.map((l) => l.name))
    assert.strictEqual(names.size, languages.length)
    assert.isAtLeast(languages.length, 200)
    const common = [
      "JavaScript", "TypeScript", "TSX", "Python", "Java", "C", "C++", "C#", "Go", "Rust", "PHP", "Ruby", "Shell",
      "Markdown", "JSON", "YAML", "HTML", "CSS", "SCSS", "Sass", "Less", "Kotlin", "Scala", "Swift", "Objective-C",
      "Objective-C++", "Dart", "Lua", "Perl", "R", "Julia", "Haskell", "Elixir", "Erlang", "Clojure", "OCaml", "F#",
      "Visual Basic .NET", "PowerShell", "Batchfile", "SQL", "PLpgSQL", "TSQL", "Assembly", "TeX", "Makefile", "CMake",
      "Dockerfile", "Vue", "XML", "TOML", "INI", "Text", "reStructuredText", "AsciiDoc", "Groovy", "Jupyter Notebook",
      "CSV", "Protocol Buffer", "GraphQL", "HCL", "Nix", "Handlebars", "EJS", "Pug", "Twig", "Smarty", "CoffeeScript",
      "Elm", "PureScript", "Haxe", "Nim", "Zig", "Crystal", "D", "Solidity", "Fortran", "COBOL", "Ada", "Pascal",
      "Common Lisp", "Emacs Lisp", "Scheme", "Racket", "Prolog", "Standard ML", "Tcl", "Awk", "Vim Script",
      "AppleScript", "AutoHotkey", "Verilog", "SystemVerilog", "VHDL", "Cuda", "GLSL", "HLSL", "Cython", "Starlark",
      "Thrift", "Apex", "Smalltalk", "SAS", "Stata", "MATLAB", "Mathematica", "Processing", "QML", "Vala", "GDScript",
      "Hack", "Puppet", "Gherkin", "Roff", "Diff", "SVG", "Java Properties", "Svelte", "Astro", "Raku"
    ]
    for (const name of common) {
      assert.isTrue(names.has(name), name)
      assert.isNotNull(languageType(name))
    }
    assert.strictEqual(languageType("JSON"), "data")
    assert.strictEqual(languageType("Python"), "programming")
    assert.strictEqual(languageType("Markdown"), "prose")
    assert.strictEqual(languageType("nope"), null)
    // Every name a lookup can return is a row of the table.
    for (const l of languages) {
      for (const ext of l.extensions) {
        const found = lang(`x${ext}`)
        assert.isTrue(found !== null && names.has(found), `x${ext} -> ${found}`)
      }
      for (const f of l.filenames) assert.isTrue(names.has(lang(f) ?? ""), f)
    }
  })
})
