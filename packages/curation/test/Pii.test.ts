import { describe, expect, it } from "@effect/vitest"
import * as Pii from "../src/Pii.ts"
import { prescan } from "../src/internal/prescan.ts"
import { detectors, matches } from "../src/internal/secrets.ts"
import { scanner } from "../src/internal/words.ts"
import * as fs from "node:fs"
import * as path from "node:path"
import { makers, nodeModules, packageFile, packageFiles, plantInto, rng } from "./support/corpus.ts"

const kindsOf = (text: string) => Pii.detect(text).map((s) => `${s.kind}:${s.value}`)

describe("Pii.detect", () => {
  it("finds each kind in a line of code", () => {
    const next = rng(7)
    for (const [name, make] of Object.entries(makers)) {
      const p = make(next)
      expect(kindsOf(p.line), name).toContain(`${p.kind}:${p.value}`)
    }
  })

  it("finds passwords and secrets in .env, shell and YAML lines too", () => {
    const text = "DB_PASSWORD=Tr0ub4dor&3x\nexport STRIPE_SECRET=Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss\ndatabase:\n  password: c0rrectH0rse!\n"
    expect(kindsOf(text)).toEqual(["password:Tr0ub4dor&3x", "secret:Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss", "password:c0rrectH0rse!"])
    expect(kindsOf("PASSWORD=${DB_PASSWORD}\npassword: changeme\nTOKEN_FILE=/run/secrets/token\n")).toEqual([])
  })

  it("keeps private addresses, the well-known DNS servers and version numbers", () => {
    const text = [
      `const a = "10.0.0.1", b = "192.168.1.20", c = "172.20.3.4", d = "127.0.0.1"`,
      `resolver: ["8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222"]`,
      `"version": "1.2.3.4"`,
      `// see 13.2.5.5 of the spec`,
      `const v = "v2.10.3.1"; const docs = "2001:db8::1"; const local = "fe80::1"; const ula = "fd00::1"`,
      `std::vector<int> v; a::b::c; const ts = "12:34:56"`
    ].join("\n")
    expect(kindsOf(text)).toEqual([])
  })

  it("treats a short dotted quad as an address only near 'dns' or 'server' (bigcode)", () => {
    expect(kindsOf(`const server = "5.6.7.8"`)).toEqual(["ip_address:5.6.7.8"])
    expect(kindsOf(`release 5.6.7.8 is out`)).toEqual([])
  })

  it("applies bigcode's guards to generic secrets", () => {
    const text = [
      `const api_key = "123e4567-e89b-12d3-a456-426614174000"`, // UUID
      `const secret = "{{ .Values.secret }}"`, // templated
      `const token = "abcdefghijklmnopqrstuvwxyz"`, // sequential
      `const client_id = "Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0Ss"`, // id
      `const sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`, // checksum
      `password: "password"`, `password: process.env.DB_PASSWORD`, `pwd: "/Users/me"`
    ].join("\n")
    expect(kindsOf(text)).toEqual([])
  })

  it("ignores generic secrets in files that mention sha/hash on more than 2% of lines", () => {
    const secret = `const token = "Zx8Kq2Lm9Pw4Rt7Yv1Bn5Cg3Hd6Jf0SsQ"`
    expect(kindsOf(secret)).toHaveLength(1)
    expect(kindsOf(`${secret}\n// sha of the file\n`)).toEqual([])
  })

  it("finds person names where code names an author, not organisations", () => {
    expect(kindsOf(`// Copyright (c) 2014-present Sebastian McKenzie and other contributors`)).toEqual(["name:Sebastian McKenzie"])
    expect(kindsOf(` * @author Isaac Z. Schlueter`)).toEqual(["name:Isaac Z. Schlueter"])
    expect(kindsOf(`  "author": "Tomás Della Vedova <tdv@vedova.io>",`)).toEqual(["name:Tomás Della Vedova", "email:tdv@vedova.io"])
    expect(kindsOf(`Copyright (c) Microsoft Corporation.\n"author": "The Babel Team (https://babel.dev/team)"\nCopyright 2011 Mozilla Foundation`)).toEqual([])
    expect(Pii.redact(`// Copyright 2020 Jane Doe`).content).toBe(`// Copyright 2020 <NAME>`)
  })

  it("does not take asset names, example domains or git remotes for emails", () => {
    expect(kindsOf(`url(logo@2x.png); a@b.example.com; git@github.com:org/repo.git; user@example.org`)).toEqual([])
  })
})

/** The values of `kind` found in a real file, and whether a value planted into it is still found. */
const onRealFile = (file: { readonly content: string; readonly path: string }, kind: Pii.Kind, line: string, value: string) => {
  const found = Pii.detect(file.content, Pii.defaults, file.path).filter((s) => s.kind === kind).map((s) => s.value)
  const planted = plantInto(file.content, { kind, value, line }, rng(5))
  const caught = Pii.detect(planted.content, Pii.defaults, file.path).some((s) => s.kind === kind && s.start === planted.at && s.value === value)
  return { found, caught }
}

describe("false-positive guards, on real files from node_modules", () => {
  it("IP addresses in examples of documentation comments are not addresses; described ones are", () => {
    // `resolver.setServers(['4.4.4.4'])` in a fenced sample, `(e.g. ['74.125.79.104', ...])`.
    const dns = packageFile("@types/node", "dns.d.ts")
    expect(dns.content).toContain("'74.125.79.104'")
    expect(onRealFile(dns, "ip_address", `const upstream = "54.12.33.9"`, "54.12.33.9")).toEqual({ found: [], caught: true })
    // `For example, '74.125.127.100' or '2001:4860:a005::68'` and `blockList.addAddress('123.123.123.123')`.
    expect(onRealFile(packageFile("@types/node", "net.d.ts"), "ip_address", ` * The upstream is 52.14.1.9, see the runbook.`, "52.14.1.9"))
      .toEqual({ found: [], caught: true })
    // `"x-forwarded-for": "6.6.6.6, ..."` after `@example`.
    expect(onRealFile(packageFile("effect", "src/http/HttpMiddleware.ts"), "ip_address", `  trustedProxy: "2a01:4f8:c17:1e2d::1",`, "2a01:4f8:c17:1e2d::1"))
      .toEqual({ found: [], caught: true })
    expect(kindsOf(`/**\n * @example\n * connect("52.14.1.9")\n * @param host the host\n */\nconst host = "52.14.1.10"`)).toEqual(["ip_address:52.14.1.10"])
  })

  it("reverse-DNS names hold their address backwards", () => {
    // `"1.2.0.192.in-addr.arpa"`: 192.0.2.1 is a documentation address.
    expect(onRealFile(packageFile("effect", "src/net/Dns.ts"), "ip_address", `const ptr = "9.1.14.52.in-addr.arpa"`, "9.1.14.52"))
      .toEqual({ found: [], caught: true })
  })

  it("numbers of SVG path data are not addresses", () => {
    const dir = path.join(nodeModules, "playwright-core/lib/vite/dashboard/assets")
    const svg = fs.readdirSync(dir).find((f) => /^safari-.*\.svg$/.test(f))!
    const file = packageFile("playwright-core", `lib/vite/dashboard/assets/${svg}`)
    expect(file.content).toContain("m46 191.66.73.35 72.18-48.2")
    expect(onRealFile(file, "ip_address", `<!-- served from 191.66.73.35 -->`, "191.66.73.35")).toEqual({ found: [], caught: true })
  })

  it("emails at Acme, one-letter placeholders, packed strings and URL credentials are not addresses", () => {
    const email = "lena.kovacs@northwind.de"
    const plant = `// Maintainer: Lena <${email}>`
    expect(onRealFile(packageFile("effect", "ai-docs/src/05_batching/10_request-resolver.ts"), "email", plant, email)).toEqual({ found: [], caught: true })
    expect(onRealFile(packageFile("expect-type", "dist/utils.d.ts"), "email", plant, email)).toEqual({ found: [], caught: true })
    // `}WPQN@xxxxxv.Bi!xh#`, `<P@P.PK%`, `<PTIQ_@PXHPPY.PQAPS.S^` in caniuse-lite's packed tables.
    for (const region of ["AG", "MD", "MS"]) {
      expect(onRealFile(packageFile("caniuse-lite", `data/regions/${region}.js`), "email", plant, email)).toEqual({ found: [], caught: true })
    }
    // `dotenv://:key_1234@dotenvx.com/vault/...`: credentials of a URL, found as a password.
    const dotenv = packageFile("dotenv", "lib/main.js")
    expect(onRealFile(dotenv, "email", plant, email)).toEqual({ found: [], caught: true })
    expect(kindsOf(`const db = "postgres://admin:S3cr3t-pw@db.internal.io:5432/app"`)).toEqual(["password:S3cr3t-pw"])
    expect(kindsOf(`write to Jane.Doe@Corvid-Labs.IO! or ops@corvid-labs.io.`)).toEqual(["email:Jane.Doe@Corvid-Labs.IO", "email:ops@corvid-labs.io"])
  })

  it("values already masked are not passwords", () => {
    // `sanitized.password = '[REDACTED]'`
    expect(onRealFile(packageFile("openai", "client.js"), "password", `  password: "Tr0ub4dor&3x",`, "Tr0ub4dor&3x")).toEqual({ found: [], caught: true })
  })
})

describe("attribution notices", () => {
  it("marks names and emails of copyright, @author, license lines, package.json credits and license files", () => {
    const attribution = (text: string, file?: string) => Pii.detect(text, Pii.defaults, file).map((s) => `${s.kind}:${s.value}:${s.attribution}`)
    const ejs = packageFile("ejs", "ejs.js")
    expect(attribution(ejs.content, ejs.path)).toContain("email:mde@fleegix.org:true")
    expect(attribution(ejs.content, ejs.path).filter((s) => s.endsWith(":false"))).toEqual([])
    // `"author": "Raynos <raynos2@gmail.com>"` is a credit; the same address under `"bugs"` is a contact.
    const pkg = packageFile("function-bind", "package.json")
    expect(attribution(pkg.content, pkg.path)).toEqual(["email:raynos2@gmail.com:true", "email:raynos2@gmail.com:false"])
    // A license file lists its authors on lines of their own (`Felix Geisendörfer (felix@debuggable.com)`).
    const license = packageFile("playwright-core", "lib/utilsBundle.js.LICENSE")
    expect(attribution(license.content, license.path)).toContain("email:felix@debuggable.com:true")
    expect(attribution(license.content, "lib/notes.txt")).toContain("email:felix@debuggable.com:false")
    // Markdown sections that credit people (`## Team Members`, `## Author`), not contacts (`## Bugs and Issues`).
    const team = packageFile("readable-stream", "README.md")
    expect(attribution(team.content, team.path)).toContain("email:matteo.collina@gmail.com:true")
    const author = packageFile("require-directory", "README.markdown")
    expect(attribution(author.content, author.path)).toContain("email:troygoode@gmail.com:true")
    const bugs = packageFile("clone", "README.md")
    expect(attribution(bugs.content, bugs.path)).toEqual(["email:paul@vorba.ch:false"])
    expect(attribution(`{\n  "contributors": [\n    { "name": "A", "email": "a.b@corvid-labs.io" }\n  ]\n}`)).toEqual(["email:a.b@corvid-labs.io:true"])
    expect(attribution(`const admin = "jane.doe@corvid-labs.io"`)).toEqual(["email:jane.doe@corvid-labs.io:false"])
  })

  it("attribution: keep leaves notices in place and redacts the rest", () => {
    const text = `// Copyright (c) 2011 Einar Otto Stangvik <einaros@gmail.com>\nconst admin = "jane.doe@corvid-labs.io"\n`
    expect(Pii.redact(text).content).toBe(`// Copyright (c) 2011 <NAME> <<EMAIL>>\nconst admin = "<EMAIL>"\n`)
    const kept = Pii.redact(text, { ...Pii.defaults, attribution: "keep" })
    expect(kept.content).toBe(`// Copyright (c) 2011 Einar Otto Stangvik <einaros@gmail.com>\nconst admin = "<EMAIL>"\n`)
    expect(kept.kept).toBe(2)
    expect(kept.counts).toEqual({ email: 1 })
  })
})

describe("Pii.redact", () => {
  const text = `const k = "AKIAIOSFODNN7EXAMPLE"\n// ops@corvid-labs.io, ops@corvid-labs.io, dev@corvid-labs.io\nconst again = "AKIAIOSFODNN7EXAMPLE"\nserver = "52.14.1.9"\npassword = "hunter22!"`

  it("uses StarCoder2's placeholders", () => {
    const r = Pii.redact(text)
    expect(r.content).toBe(`const k = "<KEY>"\n// <EMAIL>, <EMAIL>, <EMAIL>\nconst again = "<KEY>"\nserver = "<IP_ADDRESS>"\npassword = "<PASSWORD>"`)
    expect(r.counts).toEqual({ aws_access_key: 2, email: 3, ip_address: 1, password: 1 })
  })

  it("random policy: realistic values, the same secret gets the same replacement, deterministic for a seed", () => {
    const config = { ...Pii.defaults, policy: "random" as const }
    const r = Pii.redact(text, config)
    const keys = [...r.content.matchAll(/AKIA[A-Z0-9]{16}/g)].map((m) => m[0])
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
    expect(keys[0]).not.toBe("AKIAIOSFODNN7EXAMPLE")
    const emails = [...r.content.matchAll(/[a-z]+@example\.com/g)].map((m) => m[0])
    expect(emails).toHaveLength(3)
    expect(emails[0]).toBe(emails[1])
    expect(emails[2]).not.toBe(emails[0])
    expect(r.content).toMatch(/server = "(172\.16\.31\.10|172\.16\.58\.3|172\.16\.17\.32|192\.168\.127\.12|192\.168\.3\.11)"/)
    expect(Pii.redact(text, config).content).toBe(r.content)
    expect(Pii.redact(text, { ...config, seed: 1 }).content).not.toBe(r.content)
  })
})

describe("measured on real files from node_modules", () => {
  const files = packageFiles("effect", "src", [".ts"], 120)

  it("recall >= 0.95 for every kind planted into real source files", () => {
    const next = rng(42)
    const recall: Record<string, string> = {}
    for (const [name, make] of Object.entries(makers)) {
      let found = 0
      const trials = 100
      for (let t = 0; t < trials; t++) {
        const file = files[Math.floor(next() * files.length)]!
        const plant = make(next)
        const planted = plantInto(file.content, plant, next)
        const spans = Pii.detect(planted.content)
        if (spans.some((s) => s.kind === plant.kind && s.start <= planted.at && s.end >= planted.at + plant.value.length)) found++
      }
      recall[name] = (found / trials).toFixed(2)
      expect(found / trials, name).toBeGreaterThanOrEqual(0.95)
    }
    console.log(`PII recall per kind (100 plants each): ${JSON.stringify(recall)}`)
  })

  it("few detections on the unmodified files", () => {
    let bytes = 0
    const found: Array<string> = []
    for (const f of files) {
      bytes += Buffer.byteLength(f.content)
      for (const s of Pii.detect(f.content)) found.push(`${f.path}: ${s.kind} ${s.value}`)
    }
    const perMB = found.length / (bytes / 1e6)
    console.log(`unmodified: ${found.length} detections in ${(bytes / 1e6).toFixed(2)} MB (${perMB.toFixed(2)}/MB): ${found.slice(0, 5).join("; ")}`)
    expect(perMB).toBeLessThan(1)
  })
})

describe("anchored matching", () => {
  it("the word scan finds every occurrence indexOf finds, in any case where asked, next to look-alike code units", () => {
    const words = [
      { text: "key", anyCase: true },
      { text: "monkey", anyCase: false },
      { text: "-----BEGIN ", anyCase: false },
      { text: "aa", anyCase: false },
      { text: "ĳk", anyCase: false },
      { text: "@author", anyCase: false }
    ]
    const s = scanner(words)
    const texts = [
      "KEY key Key kEy monkey MONKEY aaaa ĳk ijk -----BEGIN -----begin @author @Author",
      // U+016B and U+0165 share their low byte with "k" and "e": a pair's table entry is only a hint.
      "\u016b\u0165y ke\u0179",
      ...packageFiles("effect", "src", [".ts"], 20).map((f) => f.content)
    ]
    for (const text of texts) {
      const ours: Array<string> = []
      s.scan(text, (w, start) => ours.push(`${w}@${start}`))
      const expected: Array<string> = []
      words.forEach((w, k) => {
        const hay = w.anyCase ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text
        for (let i = hay.indexOf(w.text); i >= 0; i = hay.indexOf(w.text, i + 1)) expected.push(`${k}@${i}`)
      })
      expect(ours.sort(), text.slice(0, 30)).toEqual(expected.sort())
    }
  })

  it("secret and password patterns tried next to their keywords (found by the one-pass word scan) find what the regex loop finds", () => {
    const files = packageFiles("effect", "src", [".ts"], 60).map((f) => f.content)
    const next = rng(11)
    const planted = Object.values(makers).flatMap((make) =>
      Array.from({ length: 20 }, () => plantInto(files[Math.floor(next() * files.length)]!, make(next), next).content)
    )
    const crafted = ["secretoken = 'aZ3kPq9LmN2xR7vT1wY'", "CLIENT_SECRET=aZ3kPq9LmN2xR7vT1wYbb", "my_private-key: \"aZ3kPq9LmN2xR7vT1wYb\"", "pass=x9!kk\npwd: Abc123$%", "SIGNING_KEY=aZ3kPq9LmN2xR7vT1wYbb # k"]
    for (const text of [...files, ...planted, ...crafted]) {
      const scan = prescan(text)
      detectors.forEach((d, k) => {
        const ours: Array<string> = []
        if (scan.armed[k] === 1) matches(k, text, scan.starts[k]!, (m) => ours.push(`${m.index}:${m[0]}`))
        const loop = [...text.matchAll(new RegExp(d.pattern.source, d.pattern.flags))].map((m) => `${m.index}:${m[0]}`)
        expect(ours, d.kind).toEqual(loop)
      })
    }
  })
})
